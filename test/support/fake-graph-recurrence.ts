/*
 * How the fake Graph expands a recurring series into the dates of its occurrences. Written from
 * "Schedule repeating appointments as recurring events in Outlook"
 * (https://learn.microsoft.com/graph/outlook-schedule-recurring-events) and the recurrencePattern
 * and recurrenceRange resource pages; the bot does not share this code, so a misreading on either
 * side shows up in the tests instead of cancelling out.
 */

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
const PATTERNS = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'] as const;
const RANGES = ['endDate', 'noEnd', 'numbered'] as const;

export interface RecurrencePattern {
  type: (typeof PATTERNS)[number];
  interval: number;
  daysOfWeek?: string[];
  dayOfMonth?: number;
  month?: number;
  index?: (typeof INDEXES)[number];
  firstDayOfWeek?: string;
}

export interface RecurrenceRange {
  type: (typeof RANGES)[number];
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** A day as a number (days since 1970-01-01), so dates add and compare without zones. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RecurrenceError(`'${date}' is not a date (yyyy-MM-dd).`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RecurrenceError(`'${date}' is not a date (yyyy-MM-dd).`);
  return ms / 86_400_000;
}

export function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function weekday(day: number): number {
  // 1970-01-01 was a Thursday.
  return (((day + 4) % 7) + 7) % 7;
}

export class RecurrenceError extends Error {}

function dayIndex(name: string): number {
  const i = DAYS.indexOf(name.toLowerCase() as (typeof DAYS)[number]);
  if (i < 0) throw new RecurrenceError(`'${name}' is not a day of the week.`);
  return i;
}

/**
 * Graph validates every field it knows, even one the pattern type ignores ("Even if a field is
 * ignored, it is still validated"), and requires the fields the type needs.
 */
export function checkRecurrence(value: unknown): PatternedRecurrence {
  const input = value as { pattern?: Record<string, unknown>; range?: Record<string, unknown> } | null;
  if (!input || typeof input !== 'object' || !input.pattern || !input.range) throw new RecurrenceError('A recurrence needs both a pattern and a range.');
  const p = input.pattern;
  const r = input.range;
  if (!PATTERNS.includes(p.type as never)) throw new RecurrenceError(`'${String(p.type)}' is not a recurrence pattern type.`);
  const interval = Number(p.interval ?? 1);
  if (!Number.isInteger(interval) || interval < 1 || interval > 99) throw new RecurrenceError('The interval must be a whole number from 1 to 99.');
  const days = (p.daysOfWeek ?? []) as unknown[];
  if (!Array.isArray(days) || days.some((d) => typeof d !== 'string')) throw new RecurrenceError('daysOfWeek must be a list of day names.');
  days.forEach((d) => dayIndex(d as string));
  if (p.firstDayOfWeek !== undefined) dayIndex(String(p.firstDayOfWeek));
  if (p.index !== undefined && !INDEXES.includes(p.index as never)) throw new RecurrenceError(`'${String(p.index)}' is not a week index.`);
  const type = p.type as RecurrencePattern['type'];
  if (['weekly', 'relativeMonthly', 'relativeYearly'].includes(type) && days.length === 0) throw new RecurrenceError(`A ${type} pattern needs daysOfWeek.`);
  if (['absoluteMonthly', 'absoluteYearly'].includes(type) && !(Number(p.dayOfMonth) >= 1 && Number(p.dayOfMonth) <= 31)) throw new RecurrenceError(`A ${type} pattern needs dayOfMonth.`);
  if (['absoluteYearly', 'relativeYearly'].includes(type) && !(Number(p.month) >= 1 && Number(p.month) <= 12)) throw new RecurrenceError(`A ${type} pattern needs month.`);
  if (!RANGES.includes(r.type as never)) throw new RecurrenceError(`'${String(r.type)}' is not a recurrence range type.`);
  dayNumber(String(r.startDate));
  if (r.type === 'endDate' && dayNumber(String(r.endDate)) < dayNumber(String(r.startDate))) throw new RecurrenceError('The end date is before the start date.');
  if (r.type === 'numbered' && !(Number.isInteger(r.numberOfOccurrences) && Number(r.numberOfOccurrences) > 0)) throw new RecurrenceError('numberOfOccurrences must be a positive whole number.');
  return {
    pattern: {
      type,
      interval,
      ...(days.length ? { daysOfWeek: days.map((d) => String(d).toLowerCase()) } : {}),
      ...(p.dayOfMonth !== undefined ? { dayOfMonth: Number(p.dayOfMonth) } : {}),
      ...(p.month !== undefined ? { month: Number(p.month) } : {}),
      ...(p.index !== undefined ? { index: p.index as RecurrencePattern['index'] } : {}),
      ...(p.firstDayOfWeek !== undefined ? { firstDayOfWeek: String(p.firstDayOfWeek).toLowerCase() } : {}),
    },
    range: {
      type: r.type as RecurrenceRange['type'],
      startDate: String(r.startDate),
      ...(r.type === 'endDate' ? { endDate: String(r.endDate) } : {}),
      ...(r.type === 'numbered' ? { numberOfOccurrences: Number(r.numberOfOccurrences) } : {}),
      ...(typeof r.recurrenceTimeZone === 'string' ? { recurrenceTimeZone: r.recurrenceTimeZone } : {}),
    },
  };
}

function monthStart(year: number, month0: number): number {
  return Date.UTC(year, month0, 1) / 86_400_000;
}

function daysInMonth(year: number, month0: number): number {
  return monthStart(year, month0 + 1) - monthStart(year, month0);
}

/** "The second Wednesday": the index-th of the allowed days in the month, or the last one. */
function relativeDay(year: number, month0: number, days: readonly number[], index: RecurrencePattern['index']): number {
  const first = monthStart(year, month0);
  const matching: number[] = [];
  for (let d = 0; d < daysInMonth(year, month0); d += 1) if (days.includes(weekday(first + d))) matching.push(first + d);
  return index === 'last' ? matching.at(-1)! : matching[INDEXES.indexOf(index ?? 'first')]!;
}

/**
 * The dates of the series from its range's start, in order, up to `untilDay` (inclusive) or the
 * range's own end. A numbered range counts every date of the pattern, a deleted occurrence too:
 * deleting one does not add another at the end.
 */
export function recurrenceDays(recurrence: PatternedRecurrence, untilDay: number): number[] {
  const { pattern, range } = recurrence;
  const start = dayNumber(range.startDate);
  const last = Math.min(untilDay, range.type === 'endDate' ? dayNumber(range.endDate!) : Infinity);
  const limit = range.type === 'numbered' ? range.numberOfOccurrences! : Infinity;
  const days = (pattern.daysOfWeek ?? []).map(dayIndex);
  const out: number[] = [];
  const push = (day: number): boolean => {
    if (day < start) return true;
    if (day > last || out.length >= limit) return false;
    out.push(day);
    return true;
  };
  const startDate = new Date(start * 86_400_000);
  const [y0, m0] = [startDate.getUTCFullYear(), startDate.getUTCMonth()];
  // Safe upper bounds on the steps: the loop ends by date or count long before.
  for (let k = 0; k < 100_000; k += 1) {
    let more = true;
    switch (pattern.type) {
      case 'daily':
        more = push(start + k * pattern.interval);
        break;
      case 'weekly': {
        // "the number of weeks between each set of occurrences", weeks starting on firstDayOfWeek (Sunday by default).
        const firstDay = dayIndex(pattern.firstDayOfWeek ?? 'sunday');
        const weekStart = start - ((weekday(start) - firstDay + 7) % 7) + k * 7 * pattern.interval;
        for (let d = 0; d < 7 && more; d += 1) if (days.includes(weekday(weekStart + d))) more = push(weekStart + d);
        break;
      }
      case 'absoluteMonthly': {
        const month = m0 + k * pattern.interval;
        const y = y0 + Math.floor(month / 12);
        const m = month % 12;
        more = push(monthStart(y, m) + Math.min(pattern.dayOfMonth!, daysInMonth(y, m)) - 1);
        break;
      }
      case 'relativeMonthly': {
        const month = m0 + k * pattern.interval;
        more = push(relativeDay(y0 + Math.floor(month / 12), month % 12, days, pattern.index));
        break;
      }
      case 'absoluteYearly': {
        const y = y0 + k * pattern.interval;
        const m = pattern.month! - 1;
        more = push(monthStart(y, m) + Math.min(pattern.dayOfMonth!, daysInMonth(y, m)) - 1);
        break;
      }
      case 'relativeYearly':
        more = push(relativeDay(y0 + k * pattern.interval, pattern.month! - 1, days, pattern.index));
        break;
    }
    if (!more) break;
  }
  return out;
}
