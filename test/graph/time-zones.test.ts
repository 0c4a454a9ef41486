import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/graph/calendar.js';
import { ianaZoneOf } from '../../src/graph/time-zones.js';

describe('time zones as Graph names them', () => {
  it('maps Windows names through CLDR, far beyond Sweden’s neighbours', () => {
    expect(ianaZoneOf('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(ianaZoneOf('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaZoneOf('Romance Standard Time')).toBe('Europe/Paris');
    expect(ianaZoneOf('Tokyo Standard Time')).toBe('Asia/Tokyo');
    expect(ianaZoneOf('E. South America Standard Time')).toBe('America/Sao_Paulo');
  });

  it('takes IANA names and UTC as they are, and nothing as UTC', () => {
    expect(ianaZoneOf('Europe/Helsinki')).toBe('Europe/Helsinki');
    expect(ianaZoneOf('America/Indiana/Indianapolis')).toBe('America/Indiana/Indianapolis');
    expect(ianaZoneOf('UTC')).toBe('Etc/UTC');
    expect(ianaZoneOf('Etc/GMT+12')).toBe('Etc/GMT+12');
    expect(ianaZoneOf(undefined)).toBe('UTC');
    expect(ianaZoneOf('')).toBe('UTC');
    expect(ianaZoneOf('tzone://Microsoft/Utc')).toBe('UTC');
    expect(instantOf({ dateTime: '2026-12-03T12:00:00.0000000', timeZone: 'tzone://Microsoft/Utc' })).toBe('2026-12-03T12:00:00.000Z');
  });

  it('knows nothing of custom zones, made-up names and bare offsets', () => {
    expect(ianaZoneOf('tzone://Microsoft/Custom')).toBeUndefined();
    expect(ianaZoneOf('Customized Time Zone')).toBeUndefined();
    expect(ianaZoneOf('Mars/Olympus')).toBeUndefined();
    expect(ianaZoneOf('+01:00')).toBeUndefined();
  });

  it('reads each zone’s wall clock at its own instant, summer and winter', () => {
    // Pacific: UTC−7 in summer, UTC−8 in winter; Central Europe: UTC+2 and UTC+1.
    expect(instantOf({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'Pacific Standard Time' })).toBe('2026-07-01T16:00:00.000Z');
    expect(instantOf({ dateTime: '2026-12-03T04:00:00.0000000', timeZone: 'Pacific Standard Time' })).toBe('2026-12-03T12:00:00.000Z');
    expect(instantOf({ dateTime: '2026-07-01T13:00:00.0000000', timeZone: 'W. Europe Standard Time' })).toBe('2026-07-01T11:00:00.000Z');
    expect(instantOf({ dateTime: '2026-12-03T13:00:00.0000000', timeZone: 'Romance Standard Time' })).toBe('2026-12-03T12:00:00.000Z');
    expect(instantOf({ dateTime: '2026-12-03T14:00:00.0000000', timeZone: 'Europe/Helsinki' })).toBe('2026-12-03T12:00:00.000Z');
    expect(instantOf({ dateTime: '2026-12-03T14:00:00.0000000', timeZone: 'FLE Standard Time' })).toBe('2026-12-03T12:00:00.000Z');
  });

  it('gives no instant for a date that does not exist', () => {
    expect(instantOf({ dateTime: '2026-02-30T09:00:00', timeZone: 'UTC' })).toBeUndefined();
    expect(instantOf({ dateTime: '2026-12-03T25:00:00', timeZone: 'Romance Standard Time' })).toBeUndefined();
  });
});
