import { describe, expect, it } from 'vitest';
import { dayFlag, easterSunday, swedishHoliday } from '../../src/domain/swedish-holidays.js';
import { parseIsoDate } from '../../src/domain/swedish-dates.js';

const on = (iso: string) => swedishHoliday(parseIsoDate(iso)!);

describe('Swedish public holidays', () => {
  it('finds Easter by the computus', () => {
    expect([2024, 2025, 2026, 2027, 2028, 2038].map((y) => easterSunday(y))).toEqual([
      { year: 2024, month: 3, day: 31 },
      { year: 2025, month: 4, day: 20 },
      { year: 2026, month: 4, day: 5 },
      { year: 2027, month: 3, day: 28 },
      { year: 2028, month: 4, day: 16 },
      { year: 2038, month: 4, day: 25 },
    ]);
  });

  it('names every holiday of 2027', () => {
    const days = {
      '2027-01-01': 'newYearsDay', '2027-01-06': 'epiphany', '2027-03-26': 'goodFriday', '2027-03-28': 'easterDay',
      '2027-03-29': 'easterMonday', '2027-05-01': 'mayDay', '2027-05-06': 'ascension', '2027-06-06': 'nationalDay',
      '2027-06-25': 'midsummerEve', '2027-06-26': 'midsummerDay', '2027-11-06': 'allSaintsDay', '2027-12-24': 'christmasEve',
      '2027-12-25': 'christmasDay', '2027-12-26': 'boxingDay', '2027-12-31': 'newYearsEve',
    };
    for (const [iso, name] of Object.entries(days)) expect(on(iso), iso).toBe(name);
    expect(on('2026-06-19')).toBe('midsummerEve');
    expect(on('2026-10-31')).toBe('allSaintsDay');
    expect(on('2027-03-25')).toBeUndefined();
  });

  it('flags weekends and holidays, and nothing on an ordinary weekday', () => {
    expect(dayFlag(parseIsoDate('2027-03-20')!)).toEqual({ kind: 'weekend', weekday: 'saturday' });
    expect(dayFlag(parseIsoDate('2027-03-21')!)).toEqual({ kind: 'weekend', weekday: 'sunday' });
    expect(dayFlag(parseIsoDate('2027-05-06')!)).toEqual({ kind: 'holiday', holiday: 'ascension' });
    expect(dayFlag(parseIsoDate('2027-03-18')!)).toBeUndefined();
  });
});
