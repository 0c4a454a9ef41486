import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/graph/calendar.js';

describe('Graph date-times as instants', () => {
  it('reads UTC with Graph’s seven decimals', () => {
    expect(instantOf({ dateTime: '2026-11-30T09:00:00.0000000', timeZone: 'UTC' })).toBe('2026-11-30T09:00:00.000Z');
    expect(instantOf({ dateTime: '2026-11-30T09:00:00' })).toBe('2026-11-30T09:00:00.000Z');
  });

  it('reads Stockholm wall time across the daylight-saving weeks', () => {
    // Summer time starts 29 March 2026 at 02.00 and ends 25 October 2026 at 03.00.
    expect(instantOf({ dateTime: '2026-03-28T09:00:00.0000000', timeZone: 'Europe/Stockholm' })).toBe('2026-03-28T08:00:00.000Z');
    expect(instantOf({ dateTime: '2026-03-30T09:00:00.0000000', timeZone: 'Europe/Stockholm' })).toBe('2026-03-30T07:00:00.000Z');
    expect(instantOf({ dateTime: '2026-10-24T09:00:00.0000000', timeZone: 'Europe/Stockholm' })).toBe('2026-10-24T07:00:00.000Z');
    expect(instantOf({ dateTime: '2026-10-26T09:00:00.0000000', timeZone: 'Europe/Stockholm' })).toBe('2026-10-26T08:00:00.000Z');
  });

  it('reads the Windows name Exchange uses for Central European time', () => {
    expect(instantOf({ dateTime: '2026-06-01T13:00:00.0000000', timeZone: 'W. Europe Standard Time' })).toBe('2026-06-01T11:00:00.000Z');
  });

  it('gives nothing for what cannot be read', () => {
    expect(instantOf({ dateTime: 'tomorrow', timeZone: 'UTC' })).toBeUndefined();
    expect(instantOf({ dateTime: '2026-11-30T09:00:00', timeZone: 'Mars/Olympus' })).toBeUndefined();
    expect(instantOf({ dateTime: '2026-13-45T09:00:00', timeZone: 'UTC' })).toBeUndefined();
  });
});
