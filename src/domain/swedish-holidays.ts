/**
 * Days a council seldom meets: Saturdays, Sundays and the Swedish public holidays (with
 * midsommarafton, julafton and nyårsafton, which workplaces keep as holidays). Computed, so no
 * list runs out; Easter by the Gregorian computus (Meeus/Jones/Butcher). Pure.
 */
import { type CalendarDate, dayNumber } from './swedish-dates.js';

export const HOLIDAYS = [
  'newYearsDay', 'epiphany', 'goodFriday', 'easterDay', 'easterMonday', 'mayDay', 'ascension', 'nationalDay',
  'midsummerEve', 'midsummerDay', 'allSaintsDay', 'christmasEve', 'christmasDay', 'boxingDay', 'newYearsEve',
] as const;
export type Holiday = (typeof HOLIDAYS)[number];

export type DayFlag = { kind: 'holiday'; holiday: Holiday } | { kind: 'weekend'; weekday: 'saturday' | 'sunday' };

export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(date: CalendarDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** The day in [from, from + 6] of the given month that falls on `wanted`. */
function weekdayFrom(year: number, month: number, from: number, wanted: number): number {
  const first = weekday({ year, month, day: from });
  return from + ((wanted - first + 7) % 7);
}

export function swedishHoliday(date: CalendarDate): Holiday | undefined {
  const { year, month, day } = date;
  const n = dayNumber(date);
  const easter = dayNumber(easterSunday(year));
  const byEaster: Partial<Record<number, Holiday>> = { [-2]: 'goodFriday', 0: 'easterDay', 1: 'easterMonday', 39: 'ascension' };
  const moving = byEaster[n - easter];
  if (moving) return moving;
  const fixed: Record<string, Holiday> = {
    '1-1': 'newYearsDay', '1-6': 'epiphany', '5-1': 'mayDay', '6-6': 'nationalDay',
    '12-24': 'christmasEve', '12-25': 'christmasDay', '12-26': 'boxingDay', '12-31': 'newYearsEve',
  };
  const named = fixed[`${month}-${day}`];
  if (named) return named;
  // Midsommardagen is the Saturday 20–26 June, its eve the day before; alla helgons dag the Saturday 31 Oct–6 Nov.
  if (month === 6) {
    const midsummer = weekdayFrom(year, 6, 20, 6);
    if (day === midsummer) return 'midsummerDay';
    if (day === midsummer - 1) return 'midsummerEve';
  }
  const allSaints = dayNumber({ year, month: 10, day: 31 }) + ((6 - weekday({ year, month: 10, day: 31 }) + 7) % 7);
  if (n === allSaints) return 'allSaintsDay';
  return undefined;
}

/** Why a meeting on this day may be a mistake, or undefined for an ordinary weekday. */
export function dayFlag(date: CalendarDate): DayFlag | undefined {
  const holiday = swedishHoliday(date);
  if (holiday) return { kind: 'holiday', holiday };
  const w = weekday(date);
  if (w === 6) return { kind: 'weekend', weekday: 'saturday' };
  if (w === 0) return { kind: 'weekend', weekday: 'sunday' };
  return undefined;
}
