import { findIana } from 'windows-iana';
import { isValidTimeZone } from '../domain/time-zone.js';

/**
 * The IANA zone for a zone name as Graph writes it: a Windows name ("W. Europe Standard Time"),
 * one of the IANA names the calendar API also accepts, or nothing (UTC). Undefined for a name
 * nobody knows, such as a custom zone from an imported invitation ("tzone://Microsoft/Custom").
 * The Windows names come from CLDR's mapping (windows-iana), kept current by its maintainers
 * rather than by a table here.
 */
export function ianaZoneOf(name: string | undefined): string | undefined {
  const zone = name?.trim() ?? '';
  // Exchange's own name for UTC (an event made through the API in UTC): a guess here would move it.
  if (zone === '' || zone.toLowerCase() === 'tzone://microsoft/utc') return 'UTC';
  const windows = findIana(zone).find(isValidTimeZone);
  if (windows) return windows;
  // Intl also accepts offsets like "+01:00"; Graph never writes those, so only names count.
  return /^[A-Za-z]/.test(zone) && isValidTimeZone(zone) ? zone : undefined;
}
