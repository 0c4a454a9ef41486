import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMeetingWhen,
  formatShortDate,
  isValidDate,
  isValidTime,
  minutesBetween,
  utcToZoned,
  zonedToUtc,
  zonedToUtcChecked,
} from '../../src/domain/meeting-time.js';

const STOCKHOLM = 'Europe/Stockholm';

describe('zonedToUtc and utcToZoned', () => {
  it('uses CET in winter and CEST in summer', () => {
    expect(zonedToUtc('2026-12-03', '13:00', STOCKHOLM)).toBe('2026-12-03T12:00:00.000Z');
    expect(zonedToUtc('2026-06-18', '13:00', STOCKHOLM)).toBe('2026-06-18T11:00:00.000Z');
    expect(utcToZoned('2026-12-03T12:00:00.000Z', STOCKHOLM)).toEqual({ date: '2026-12-03', time: '13:00', weekday: 4 });
    expect(utcToZoned('2026-06-18T11:00:00Z', STOCKHOLM)).toEqual({ date: '2026-06-18', time: '13:00', weekday: 4 });
  });

  it('springs forward on 2026-03-29: 02:00–02:59 does not exist and becomes 03:00', () => {
    expect(zonedToUtc('2026-03-29', '01:59', STOCKHOLM)).toBe('2026-03-29T00:59:00.000Z');
    expect(zonedToUtc('2026-03-29', '02:00', STOCKHOLM)).toBe('2026-03-29T01:00:00.000Z');
    expect(zonedToUtc('2026-03-29', '02:30', STOCKHOLM)).toBe('2026-03-29T01:00:00.000Z');
    expect(zonedToUtc('2026-03-29', '03:00', STOCKHOLM)).toBe('2026-03-29T01:00:00.000Z');
    expect(zonedToUtc('2026-03-29', '03:30', STOCKHOLM)).toBe('2026-03-29T01:30:00.000Z');
    expect(utcToZoned(zonedToUtc('2026-03-29', '02:30', STOCKHOLM), STOCKHOLM)).toEqual({ date: '2026-03-29', time: '03:00', weekday: 7 });
    expect(utcToZoned('2026-03-29T00:59:59Z', STOCKHOLM).time).toBe('01:59');
    expect(utcToZoned('2026-03-29T01:00:00Z', STOCKHOLM).time).toBe('03:00');
  });

  it('falls back on 2026-10-25: 02:00–02:59 happens twice and the first (CEST) is taken', () => {
    expect(zonedToUtc('2026-10-25', '01:59', STOCKHOLM)).toBe('2026-10-24T23:59:00.000Z');
    expect(zonedToUtc('2026-10-25', '02:30', STOCKHOLM)).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedToUtc('2026-10-25', '03:00', STOCKHOLM)).toBe('2026-10-25T02:00:00.000Z');
    expect(utcToZoned('2026-10-25T00:30:00Z', STOCKHOLM).time).toBe('02:30');
    expect(utcToZoned('2026-10-25T01:30:00Z', STOCKHOLM).time).toBe('02:30');
  });

  it('works in other zones, including a whole skipped day and fractional offsets', () => {
    expect(zonedToUtc('2026-07-01', '09:00', 'UTC')).toBe('2026-07-01T09:00:00.000Z');
    expect(zonedToUtc('2026-07-01', '09:00', 'Asia/Kathmandu')).toBe('2026-07-01T03:15:00.000Z');
    expect(zonedToUtc('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(zonedToUtc('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // Samoa skipped 30 December 2011.
    expect(zonedToUtc('2011-12-30', '12:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(utcToZoned('2011-12-30T10:00:00.000Z', 'Pacific/Apia')).toEqual({ date: '2011-12-31', time: '00:00', weekday: 6 });
  });

  it('says when a typed time does not exist (spring 2027) and names the skipped hour', () => {
    expect(zonedToUtcChecked('2027-03-28', '02:00', STOCKHOLM)).toEqual({ kind: 'gap', utc: '2027-03-28T01:00:00.000Z', gapStart: '02:00', gapEnd: '03:00' });
    expect(zonedToUtcChecked('2027-03-28', '02:30', STOCKHOLM)).toMatchObject({ kind: 'gap', gapStart: '02:00', gapEnd: '03:00' });
    expect(zonedToUtcChecked('2027-03-28', '01:59', STOCKHOLM)).toEqual({ kind: 'ok', utc: '2027-03-28T00:59:00.000Z' });
    expect(zonedToUtcChecked('2027-03-28', '03:00', STOCKHOLM)).toEqual({ kind: 'ok', utc: '2027-03-28T01:00:00.000Z' });
    expect(zonedToUtcChecked('2026-03-08', '02:30', 'America/New_York')).toMatchObject({ kind: 'gap', gapStart: '02:00', gapEnd: '03:00' });
  });

  it('says when a typed time happens twice (autumn 2026) and gives both readings', () => {
    expect(zonedToUtcChecked('2026-10-25', '02:00', STOCKHOLM)).toEqual({
      kind: 'ambiguous',
      earlier: '2026-10-25T00:00:00.000Z',
      later: '2026-10-25T01:00:00.000Z',
      earlierOffset: '+02:00',
      laterOffset: '+01:00',
    });
    expect(zonedToUtcChecked('2026-10-25', '02:59', STOCKHOLM)).toMatchObject({ kind: 'ambiguous', earlier: '2026-10-25T00:59:00.000Z', later: '2026-10-25T01:59:00.000Z' });
    expect(zonedToUtcChecked('2026-10-25', '01:59', STOCKHOLM)).toEqual({ kind: 'ok', utc: '2026-10-24T23:59:00.000Z' });
    expect(zonedToUtcChecked('2026-10-25', '03:00', STOCKHOLM)).toEqual({ kind: 'ok', utc: '2026-10-25T02:00:00.000Z' });
    expect(zonedToUtcChecked('2026-11-01', '01:30', 'America/New_York')).toMatchObject({ kind: 'ambiguous', earlierOffset: '-04:00', laterOffset: '-05:00' });
  });

  it('drops seconds rather than rounding and numbers weekdays Monday = 1 … Sunday = 7', () => {
    expect(utcToZoned('2026-12-06T22:59:59.999Z', STOCKHOLM)).toEqual({ date: '2026-12-06', time: '23:59', weekday: 7 });
    expect(utcToZoned('2026-12-06T23:00:00Z', STOCKHOLM)).toEqual({ date: '2026-12-07', time: '00:00', weekday: 1 });
  });

  it('refuses what it cannot read', () => {
    expect(() => zonedToUtc('2026-02-30', '12:00', STOCKHOLM)).toThrow(RangeError);
    expect(() => zonedToUtc('2026-02-01', '24:00', STOCKHOLM)).toThrow(RangeError);
    expect(() => zonedToUtc('2026-02-01', '12:00', 'Mars/Olympus')).toThrow(RangeError);
    expect(() => utcToZoned('yesterday', STOCKHOLM)).toThrow(RangeError);
  });

  // Sweden has followed the EU rule since 1996: summer time from 02:00 on the last Sunday in March.
  const lastSundayOfMarch = (year: number): number => 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
  const localTime = fc
    .record({ minutes: fc.integer({ min: 0, max: 24 * 60 - 1 }), day: fc.integer({ min: 0, max: 365 * 100 }) })
    .map(({ minutes, day }) => ({
      date: new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
      time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
    }));

  it('round-trips every Stockholm wall time outside the spring gap', () => {
    fc.assert(
      fc.property(localTime, ({ date, time }) => {
        const [year, month, day] = date.split('-').map(Number) as [number, number, number];
        fc.pre(!(month === 3 && day === lastSundayOfMarch(year) && time.startsWith('02:')));
        const back = utcToZoned(zonedToUtc(date, time, STOCKHOLM), STOCKHOLM);
        expect({ date: back.date, time: back.time }).toEqual({ date, time });
      }),
      { numRuns: 500 },
    );
  });

  it('on every Stockholm transition day, fills the gap with 03:00 and takes summer time in the overlap', () => {
    const lastSundayOfOctober = (year: number): number => 31 - new Date(Date.UTC(year, 9, 31)).getUTCDay();
    const pad = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.integer({ min: 1996, max: 2099 }), fc.boolean(), fc.integer({ min: 0, max: 5 * 60 }), (year, spring, minutes) => {
        const date = spring ? `${year}-03-${pad(lastSundayOfMarch(year))}` : `${year}-10-${pad(lastSundayOfOctober(year))}`;
        const time = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
        const local = Date.parse(`${date}T${time}:00Z`);
        const iso = zonedToUtc(date, time, STOCKHOLM);
        // Before 02:00 (and in spring from 03:00 on, in autumn from 02:00 on) the offset is the
        // one in force at that wall time; the gap maps to the transition instant, 01:00 UTC.
        const inGap = spring && minutes >= 120 && minutes < 180;
        const summer = spring ? minutes >= 180 : minutes < 180;
        const expected = inGap ? Date.parse(`${date}T01:00:00Z`) : local - (summer ? 2 : 1) * 3_600_000;
        expect(iso).toBe(new Date(expected).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips, or moves forward past a gap, in zones with other rules', () => {
    const zones = ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'Europe/London'];
    fc.assert(
      fc.property(localTime, fc.constantFrom(...zones), ({ date, time }, zone) => {
        const iso = zonedToUtc(date, time, zone);
        const back = utcToZoned(iso, zone);
        if (back.date === date && back.time === time) return;
        // Not a round trip, so the time must be in a gap: an hour earlier it was still earlier
        // than the time asked for, and what we got is later than it.
        expect(`${back.date} ${back.time}` > `${date} ${time}`).toBe(true);
        const justBefore = utcToZoned(new Date(Date.parse(iso) - 60_000).toISOString(), zone);
        expect(`${justBefore.date} ${justBefore.time}` < `${date} ${time}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isValidDate, isValidTime and minutesBetween', () => {
  it('accepts real calendar dates only', () => {
    expect(isValidDate('2026-12-03')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2000-02-29')).toBe(true);
    expect(isValidDate('2100-02-29')).toBe(false);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-04-31')).toBe(false);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('2026-00-10')).toBe(false);
    expect(isValidDate('2026-1-5')).toBe(false);
    expect(isValidDate('2026-12-03T10:00')).toBe(false);
    expect(isValidDate('')).toBe(false);
  });

  it('accepts HH:MM from 00:00 to 23:59', () => {
    for (const t of ['00:00', '09:05', '13:00', '23:59']) expect(isValidTime(t)).toBe(true);
    for (const t of ['24:00', '9:05', '13.00', '12:60', '12:00:00', ' 12:00', '']) expect(isValidTime(t)).toBe(false);
  });

  it('counts minutes between two times, negative when the end is earlier', () => {
    expect(minutesBetween('13:00', '16:00')).toBe(180);
    expect(minutesBetween('13:45', '13:10')).toBe(-35);
    expect(minutesBetween('00:00', '23:59')).toBe(1439);
    expect(() => minutesBetween('13', '14:00')).toThrow(RangeError);
  });
});

describe('formatMeetingWhen', () => {
  const start = zonedToUtc('2026-12-03', '13:00', STOCKHOLM);
  const end = zonedToUtc('2026-12-03', '16:00', STOCKHOLM);

  it('writes Swedish with periods in times and lowercase names', () => {
    expect(formatMeetingWhen(start, end, 'sv', STOCKHOLM)).toBe('torsdag 3 december 2026, 13.00–16.00');
  });

  it('writes British English with the 24-hour clock', () => {
    expect(formatMeetingWhen(start, end, 'en', STOCKHOLM)).toBe('Thursday 3 December 2026, 13:00–16:00');
  });

  it('shows the time in the council’s zone, not UTC', () => {
    expect(formatMeetingWhen('2026-06-18T07:30:00Z', '2026-06-18T09:05:00Z', 'sv', STOCKHOLM)).toBe('torsdag 18 juni 2026, 09.30–11.05');
    expect(formatMeetingWhen('2026-06-18T07:30:00Z', '2026-06-18T09:05:00Z', 'en', 'Europe/Helsinki')).toBe('Thursday 18 June 2026, 10:30–12:05');
  });

  it('names both days for a meeting that ends on another day', () => {
    const overnightEnd = zonedToUtc('2026-12-04', '12:00', STOCKHOLM);
    expect(formatMeetingWhen(start, overnightEnd, 'sv', STOCKHOLM)).toBe('torsdag 3 december 2026 13.00 – fredag 4 december 2026 12.00');
    expect(formatMeetingWhen(start, overnightEnd, 'en', STOCKHOLM)).toBe('Thursday 3 December 2026 13:00 – Friday 4 December 2026 12:00');
    const acrossMidnight = zonedToUtc('2026-12-31', '22:00', STOCKHOLM);
    const newYear = zonedToUtc('2027-01-01', '01:30', STOCKHOLM);
    expect(formatMeetingWhen(acrossMidnight, newYear, 'sv', STOCKHOLM)).toBe('torsdag 31 december 2026 22.00 – fredag 1 januari 2027 01.30');
  });

  it('writes a meeting ending at midnight as ending at 24.00', () => {
    const late = zonedToUtc('2026-12-03', '22:00', STOCKHOLM);
    const midnight = zonedToUtc('2026-12-04', '00:00', STOCKHOLM);
    expect(formatMeetingWhen(late, midnight, 'sv', STOCKHOLM)).toBe('torsdag 3 december 2026, 22.00–24.00');
    expect(formatMeetingWhen(late, midnight, 'en', STOCKHOLM)).toBe('Thursday 3 December 2026, 22:00–24:00');
  });
});

describe('formatShortDate', () => {
  it('writes day, month without a period, and year in both languages', () => {
    expect(formatShortDate('2026-12-03', 'sv')).toBe('3 dec 2026');
    expect(formatShortDate('2026-12-03', 'en')).toBe('3 Dec 2026');
    expect(formatShortDate('2026-03-26', 'sv')).toBe('26 mars 2026');
    expect(formatShortDate('2026-03-26', 'en')).toBe('26 Mar 2026');
    expect(formatShortDate('2026-09-10', 'en')).toBe('10 Sep 2026');
    expect(formatShortDate('2026-05-01', 'sv')).toBe('1 maj 2026');
  });

  it('refuses an impossible date', () => {
    expect(() => formatShortDate('2026-02-30', 'sv')).toThrow(RangeError);
  });
});
