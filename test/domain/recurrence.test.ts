import { describe, expect, it } from 'vitest';
import { checkHorizon } from '../../src/domain/calendar.js';
import { RuleError } from '../../src/domain/errors.js';
import { type Recurrence, patternWords, readRecurrence, seriesWords } from '../../src/domain/recurrence.js';

const zone = 'Europe/Stockholm';

function pattern(p: Record<string, unknown>) {
  return readRecurrence({ pattern: p, range: { type: 'noEnd', startDate: '2026-10-08' } })!.pattern;
}

describe('a recurring series in words', () => {
  it('says weekly patterns the way people do, in Swedish and English', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ type: 'weekly', interval: 1, daysOfWeek: ['thursday'] }, 'varje torsdag', 'every Thursday'],
      [{ type: 'weekly', interval: 2, daysOfWeek: ['Thursday'] }, 'varannan torsdag', 'every other Thursday'],
      [{ type: 'weekly', interval: 4, daysOfWeek: ['thursday'] }, 'var fjärde torsdag', 'every fourth Thursday'],
      [{ type: 'weekly', interval: 14, daysOfWeek: ['monday'] }, 'var 14:e måndag', 'every 14th Monday'],
      [{ type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'monday', 'friday'] }, 'varje måndag, tisdag och fredag', 'every Monday, Tuesday and Friday'],
    ];
    for (const [p, sv, en] of cases) {
      expect(patternWords(pattern(p), 'sv')).toBe(sv);
      expect(patternWords(pattern(p), 'en')).toBe(en);
    }
  });

  it('says monthly, yearly and daily patterns', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday'], index: 'fourth' }, 'fjärde torsdagen varje månad', 'the fourth Thursday of every month'],
      [{ type: 'relativeMonthly', interval: 2, daysOfWeek: ['friday'], index: 'last' }, 'sista fredagen varannan månad', 'the last Friday of every other month'],
      [{ type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday', 'friday'] }, 'första torsdagen eller fredagen varje månad', 'the first Thursday or Friday of every month'],
      [{ type: 'absoluteMonthly', interval: 3, dayOfMonth: 1 }, 'den 1:a var tredje månad', 'on the 1st of every third month'],
      [{ type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, 'den 15:e varje månad', 'on the 15th of every month'],
      [{ type: 'absoluteYearly', interval: 1, dayOfMonth: 15, month: 4 }, 'den 15 april varje år', 'on 15 April every year'],
      [{ type: 'relativeYearly', interval: 1, daysOfWeek: ['wednesday'], index: 'last', month: 11 }, 'sista onsdagen i november varje år', 'the last Wednesday of November every year'],
      [{ type: 'daily', interval: 1 }, 'varje dag', 'every day'],
      [{ type: 'daily', interval: 3 }, 'var tredje dag', 'every third day'],
    ];
    for (const [p, sv, en] of cases) {
      expect(patternWords(pattern(p), 'sv')).toBe(sv);
      expect(patternWords(pattern(p), 'en')).toBe(en);
    }
  });

  it('gives the series as one line: time of day, meetings left, and the month it ends', () => {
    const recurrence: Recurrence = readRecurrence({
      pattern: { type: 'weekly', interval: 4, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
      range: { type: 'endDate', startDate: '2026-10-08', endDate: '2027-06-30' },
    })!;
    // 13.00 in October is summer time (11.00 UTC); the line says the council's own time.
    const summary = { recurrence, startsAt: '2026-10-08T11:00:00Z', remaining: 9, lastStartsAt: '2027-06-17T11:00:00Z' };
    expect(seriesWords(summary, 'sv', zone, '2026-09-28T08:00:00Z')).toBe('var fjärde torsdag 13.00, 9 möten till juni');
    expect(seriesWords(summary, 'en', zone, '2026-09-28T08:00:00Z')).toBe('every fourth Thursday 13:00, 9 meetings until June');
    expect(seriesWords({ ...summary, remaining: 1 }, 'sv', zone, '2027-06-01T08:00:00Z')).toBe('var fjärde torsdag 13.00, 1 möte till juni');
    // A year or more away, the year is said.
    expect(seriesWords({ ...summary, lastStartsAt: '2027-08-12T11:00:00Z', remaining: 11 }, 'sv', zone, '2026-09-28T08:00:00Z')).toBe('var fjärde torsdag 13.00, 11 möten till augusti');
    expect(seriesWords({ ...summary, lastStartsAt: '2027-09-09T11:00:00Z', remaining: 12 }, 'sv', zone, '2026-09-28T08:00:00Z')).toBe('var fjärde torsdag 13.00, 12 möten till september 2027');
    // An end beyond the year the calendar is read for: the end month and year, not a count of what is known so far.
    const long = { ...recurrence, range: { ...recurrence.range, endDate: '2028-06-30' } };
    expect(seriesWords({ ...summary, recurrence: long, lastStartsAt: '2027-09-09T11:00:00Z', remaining: 12 }, 'en', zone, '2026-09-28T08:00:00Z')).toBe('every fourth Thursday 13:00, until June 2028');
    expect(seriesWords({ ...summary, remaining: 0, lastStartsAt: null }, 'en', zone, '2027-07-01T08:00:00Z')).toBe('every fourth Thursday 13:00, no more meetings');
    const open = { ...recurrence, range: { ...recurrence.range, type: 'noEnd' as const, endDate: null } };
    expect(seriesWords({ ...summary, recurrence: open }, 'sv', zone, '2026-09-28T08:00:00Z')).toBe('var fjärde torsdag 13.00, tills vidare');
  });

  it('reads what Graph sends leniently, and says "recurring" for what it cannot put in words', () => {
    expect(readRecurrence(null)).toBeNull();
    expect(readRecurrence({ pattern: { type: 'hourly' }, range: {} })).toBeNull();
    const odd = readRecurrence({ pattern: { type: 'weekly', interval: 1, daysOfWeek: [] }, range: { type: 'noEnd', startDate: '2026-10-08' } })!;
    expect(patternWords(odd.pattern, 'sv')).toBeUndefined();
    expect(seriesWords({ recurrence: odd, startsAt: '2026-10-08T11:00:00Z', remaining: 3, lastStartsAt: null }, 'sv', zone, '2026-09-28T08:00:00Z')).toBe('återkommande 13.00, tills vidare');
  });

  it('takes a planning horizon of 1–52 weeks, and refuses anything else', () => {
    expect(checkHorizon('12')).toBe(12);
    expect(checkHorizon(' 6 veckor')).toBe(6);
    expect(checkHorizon('10 weeks')).toBe(10);
    for (const bad of ['0', '53', 'tolv', '', '-3', '8.5']) expect(() => checkHorizon(bad)).toThrow(RuleError);
  });
});
