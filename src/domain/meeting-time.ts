/**
 * Meeting dates and times in a council's time zone. Intl is the only source of zone rules (no
 * tz library, no host zone): every formatter gets its time zone explicitly.
 */

export interface ZonedDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM; seconds are dropped, never rounded up into the next minute. */
  time: string;
  /** 1 = Monday … 7 = Sunday (ISO 8601), as Swedish calendars count. */
  weekday: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isValidDate(date: string): boolean {
  return parseDate(date) !== undefined;
}

export function isValidTime(time: string): boolean {
  return timeToMinutes(time) !== undefined;
}

/** "HH:MM" → minutes after midnight, or undefined for anything that is not 00:00–23:59. */
export function timeToMinutes(time: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Minutes after midnight → "HH:MM"; callers keep the value within one day. */
export function minutesToTime(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

export function minutesBetween(start: string, end: string): number {
  return requireTime(end) - requireTime(start);
}

/**
 * How a wall-clock reading in a zone maps to real instants:
 * - ok: exactly one instant.
 * - gap: the clock jumps over it (spring, 02:00–02:59 in Stockholm); `gapStart`–`gapEnd` is the
 *   skipped stretch as the clock shows it ("02:00"–"03:00") and `utc` the first instant after it.
 * - ambiguous: the clock shows it twice (autumn, 02:00–02:59 in Stockholm); `earlier` is still on
 *   the old offset (summer time), `later` on the new one. Offsets read "+02:00".
 */
export type ZonedReading =
  | { kind: 'ok'; utc: string }
  | { kind: 'gap'; utc: string; gapStart: string; gapEnd: string }
  | { kind: 'ambiguous'; earlier: string; later: string; earlierOffset: string; laterOffset: string };

export function zonedToUtcChecked(date: string, time: string, timeZone: string): ZonedReading {
  const day = parseDate(date);
  if (!day) throw new RangeError(`Invalid date: ${date}`);
  const localMs = utcMs(day.year, day.month, day.day) + requireTime(time) * MINUTE_MS;

  // Offsets a day either side cover every transition near the requested time; the ones that
  // map back to the same wall clock are the real readings of it.
  const before = offsetMs(localMs - DAY_MS, timeZone);
  const after = offsetMs(localMs + DAY_MS, timeZone);
  const readings = [...new Set([before, after, offsetMs(localMs, timeZone)])]
    .map((offset) => localMs - offset)
    .filter((instant) => instant + offsetMs(instant, timeZone) === localMs)
    .sort((a, b) => a - b);
  const [first, second] = readings;
  if (first !== undefined && second !== undefined) {
    return {
      kind: 'ambiguous',
      earlier: new Date(first).toISOString(),
      later: new Date(second).toISOString(),
      earlierOffset: formatOffset(localMs - first),
      laterOffset: formatOffset(localMs - second),
    };
  }
  if (first !== undefined) return { kind: 'ok', utc: new Date(first).toISOString() };

  // In a gap: the clock jumps from `before` to `after` somewhere between these two instants.
  const jump = firstInstantWithOffset(localMs - after, localMs - before, after, timeZone);
  return {
    kind: 'gap',
    utc: new Date(jump).toISOString(),
    gapStart: clockOf(jump + before),
    gapEnd: clockOf(jump + after),
  };
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `date` `time`, for times nobody
 * typed for one occasion (reminder hours, deadlines at 23:59); typed ones go through
 * zonedToUtcChecked so the person can be asked.
 * - A time that occurs twice is the first occurrence, still on summer time.
 * - A time that never occurs becomes the first instant after the gap: the nearest moment that
 *   exists, never one before the requested time.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): string {
  const reading = zonedToUtcChecked(date, time, timeZone);
  return reading.kind === 'ambiguous' ? reading.earlier : reading.utc;
}

export function utcToZoned(iso: string, timeZone: string): ZonedDateTime {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) throw new RangeError(`Invalid instant: ${iso}`);
  const wall = wallClock(instant, timeZone);
  const weekday = new Date(utcMs(wall.year, wall.month, wall.day)).getUTCDay();
  return {
    date: `${pad4(wall.year)}-${pad2(wall.month)}-${pad2(wall.day)}`,
    time: `${pad2(wall.hour)}:${pad2(wall.minute)}`,
    weekday: weekday === 0 ? 7 : weekday,
  };
}

/**
 * sv: "torsdag 3 december 2026, 13.00–16.00"; en: "Thursday 3 December 2026, 13:00–16:00".
 * Swedish writes times with a period; both use the 24-hour clock and an en dash. A meeting that
 * ends on a later day names both days: "torsdag 3 december 2026 13.00 – fredag 4 december 2026
 * 12.00" — except one ending exactly at the following midnight, which reads "22.00–24.00" as
 * Swedish notices write it rather than naming a day on which nothing happens.
 */
export function formatMeetingWhen(startIso: string, endIso: string, locale: 'sv' | 'en', timeZone: string): string {
  const start = utcToZoned(startIso, timeZone);
  const end = utcToZoned(endIso, timeZone);
  const day = formatLongDate(start, locale);
  const startTime = formatTime(start.time, locale);
  if (end.date === start.date) return `${day}, ${startTime}–${formatTime(end.time, locale)}`;
  if (end.time === '00:00' && end.date === addDays(start.date, 1)) return `${day}, ${startTime}–${formatTime('24:00', locale)}`;
  return `${day} ${startTime} – ${formatLongDate(end, locale)} ${formatTime(end.time, locale)}`;
}

/**
 * "3 dec 2026" / "3 Dec 2026": the day first in both languages and no abbreviation period, so
 * lists of dates line up. Swedish keeps its unabbreviated short months ("mars", "juni"); English
 * uses three letters ("Sep", not British ICU's "Sept").
 */
export function formatShortDate(date: string, locale: 'sv' | 'en'): string {
  const day = parseDate(date);
  if (!day) throw new RangeError(`Invalid date: ${date}`);
  let month = monthName(day.month, locale, 'short').replace(/\.$/, '');
  if (locale === 'en') month = month.slice(0, 3);
  return `${day.day} ${month} ${day.year}`;
}

// ---------------------------------------------------------------------------------------------

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

interface WallClock extends CalendarDay {
  hour: number;
  minute: number;
  second: number;
}

function parseDate(date: string): CalendarDay | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function requireTime(time: string): number {
  const minutes = timeToMinutes(time);
  if (minutes === undefined) throw new RangeError(`Invalid time: ${time}`);
  return minutes;
}

/** Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

function addDays(date: string, days: number): string {
  const day = parseDate(date);
  if (!day) return date;
  const d = new Date(utcMs(day.year, day.month, day.day) + days * DAY_MS);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const wallFormatters = new Map<string, Intl.DateTimeFormat>();
/** formatToParts is slow and a card asks for the same few instants many times. */
const wallClocks = new Map<string, Readonly<WallClock>>();
const WALL_CLOCKS_KEPT = 2_000;

function wallClock(instant: number, timeZone: string): Readonly<WallClock> {
  const key = `${timeZone}|${instant}`;
  const known = wallClocks.get(key);
  if (known) return known;
  if (wallClocks.size >= WALL_CLOCKS_KEPT) wallClocks.clear();
  const computed = Object.freeze(computeWallClock(instant, timeZone));
  wallClocks.set(key, computed);
  return computed;
}

function computeWallClock(instant: number, timeZone: string): WallClock {
  let format = wallFormatters.get(timeZone);
  if (!format) {
    // en-US with h23 gives plain ASCII digits and an hour of 0–23 (never "24" at midnight).
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallFormatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, to the second. */
function offsetMs(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second) - whole;
}

/** The earliest instant in (from, to] at which the zone's offset is `offset`; to the second. */
function firstInstantWithOffset(from: number, to: number, offset: number, timeZone: string): number {
  let lo = Math.floor(from / 1000);
  let hi = Math.ceil(to / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid * 1000, timeZone) === offset) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

const nameFormatters = new Map<string, Intl.DateTimeFormat>();

function nameFormatter(locale: 'sv' | 'en', options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = nameFormatters.get(key);
  if (!format) {
    // Names come from a UTC date built from the local calendar day, so no zone shifts them.
    format = new Intl.DateTimeFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', { ...options, timeZone: 'UTC' });
    nameFormatters.set(key, format);
  }
  return format;
}

function monthName(month: number, locale: 'sv' | 'en', width: 'long' | 'short'): string {
  const name = nameFormatter(locale, { month: width }).format(utcMs(2001, month, 1));
  return locale === 'sv' ? name.toLocaleLowerCase('sv') : name;
}

function weekdayName(weekday: number, locale: 'sv' | 'en'): string {
  // 2001-01-01 was a Monday.
  const name = nameFormatter(locale, { weekday: 'long' }).format(utcMs(2001, 1, weekday));
  return locale === 'sv' ? name.toLocaleLowerCase('sv') : name;
}

function formatLongDate(zoned: ZonedDateTime, locale: 'sv' | 'en'): string {
  const [year, month, day] = zoned.date.split('-').map(Number) as [number, number, number];
  return `${weekdayName(zoned.weekday, locale)} ${day} ${monthName(month, locale, 'long')} ${year}`;
}

/** Intl's time punctuation varies between ICU versions; the separator is ours. */
export function formatTime(time: string, locale: 'sv' | 'en'): string {
  return locale === 'sv' ? time.replace(':', '.') : time;
}

/** A local wall-clock instant (ms as if UTC) → "HH:MM". */
function clockOf(localMs: number): string {
  const d = new Date(localMs);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** 7_200_000 → "+02:00"; zones on odd minutes keep them. */
function formatOffset(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / MINUTE_MS);
  return `${offset < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}
