/**
 * Dates and times as Swedish (and English) council documents write them: "10 sep", "3/12",
 * "2026-03-26", "13.00", "kl. 13", "14-16". Pure calendar arithmetic on numbers; no clock.
 */

const MONTH_WORDS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['januari', 'january', 'jan']],
  [2, ['februari', 'february', 'feb']],
  [3, ['mars', 'march', 'mar']],
  [4, ['april', 'apr']],
  [5, ['maj', 'may']],
  [6, ['juni', 'june', 'jun']],
  [7, ['juli', 'july', 'jul']],
  [8, ['augusti', 'august', 'aug']],
  [9, ['september', 'sept', 'sep']],
  [10, ['oktober', 'october', 'okt', 'oct']],
  [11, ['november', 'nov']],
  [12, ['december', 'dec']],
];

const MONTHS = new Map<string, number>(MONTH_WORDS.flatMap(([n, words]) => words.map((w) => [w, n] as const)));
// Longest first so "mars" is not read as "mar" + "s".
const MONTH_PATTERN = [...MONTHS.keys()].sort((a, b) => b.length - a.length).join('|');

export function monthNumber(word: string): number | undefined {
  return MONTHS.get(word.toLowerCase().replace(/\.$/, ''));
}

const WEEKDAY_WORDS = [
  'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag',
  'måndagen', 'tisdagen', 'onsdagen', 'torsdagen', 'fredagen', 'lördagen', 'söndagen',
  'mån', 'tis', 'ons', 'tors', 'fre', 'lör', 'sön',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
];
/** Weekday names are decoration next to a date; we never check them against it. */
export const WEEKDAY_PATTERN = `(?:${[...WEEKDAY_WORDS].sort((a, b) => b.length - a.length).join('|')})\\.?(?![\\p{L}\\p{N}])`;
export const WEEKDAY_RE = new RegExp(`(?<![\\p{L}\\p{N}])${WEEKDAY_PATTERN}`, 'giu');

// ---------------------------------------------------------------------------------------------
// Calendar

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && year >= 1000 && year <= 9999 &&
    Number.isInteger(month) && month >= 1 && month <= 12 &&
    Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month)
  );
}

export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function parseIsoDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidDate(date.year, date.month, date.day) ? date : undefined;
}

/** Days since 1970-01-01, for comparing and shifting dates without a clock. */
export function dayNumber(date: CalendarDate): number {
  return Math.round(Date.UTC(date.year, date.month - 1, date.day) / 86_400_000);
}

export function shiftMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

// ---------------------------------------------------------------------------------------------
// Dates in running text

export interface DateMatch {
  index: number;
  length: number;
  day: number;
  month: number;
  /** Only when the text names it. */
  year?: number;
}

const ISO_DATE_RE = /(?<![\p{L}\p{N}])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\p{N}]|[-/.]\p{N})/gu;
const DAY_MONTH_RE = new RegExp(
  `(?<![\\p{L}\\p{N}\\-–/.:])(\\d{1,2})(?::?e|:a|st|nd|rd|th)?\\.?\\s*(?:of\\s+)?(${MONTH_PATTERN})\\.?(?:,?\\s+(\\d{4}))?(?![\\p{L}\\p{N}])`,
  'giu',
);
const MONTH_DAY_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(${MONTH_PATTERN})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?(?![\\p{L}\\p{N}]|[.:]\\p{N})`,
  'giu',
);
// Day first, as in Sweden: "3/12" is the third of December.
const NUMERIC_DATE_RE = /(?<![\p{L}\p{N}/.\-])(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2})|\s+(\d{4}))?(?![\p{N}/])/gu;

/**
 * Every date expression in the text, in order and without overlaps. Impossible dates
 * ("31 feb", "2026-13-01") are returned as written so callers can report them.
 */
export function findDates(text: string): DateMatch[] {
  const found: DateMatch[] = [];
  for (const m of text.matchAll(ISO_DATE_RE)) {
    found.push({ index: m.index, length: m[0].length, year: Number(m[1]), month: Number(m[3]), day: Number(m[4]) });
  }
  for (const m of text.matchAll(DAY_MONTH_RE)) {
    found.push(withYear({ index: m.index, length: m[0].length, day: Number(m[1]), month: monthNumber(m[2]!) ?? 0 }, m[3]));
  }
  for (const m of text.matchAll(MONTH_DAY_RE)) {
    found.push(withYear({ index: m.index, length: m[0].length, day: Number(m[2]), month: monthNumber(m[1]!) ?? 0 }, m[3]));
  }
  for (const m of text.matchAll(NUMERIC_DATE_RE)) {
    const year = m[3] ?? m[4];
    const full = year === undefined ? undefined : year.length === 2 ? String(2000 + Number(year)) : year;
    found.push(withYear({ index: m.index, length: m[0].length, day: Number(m[1]), month: Number(m[2]) }, full));
  }
  found.sort((a, b) => a.index - b.index || b.length - a.length);
  const result: DateMatch[] = [];
  let end = -1;
  for (const d of found) {
    if (d.index < end) continue;
    result.push(d);
    end = d.index + d.length;
  }
  return result;
}

function withYear(match: DateMatch, year: string | undefined): DateMatch {
  return year === undefined ? match : { ...match, year: Number(year) };
}

/** "260113" / "20260113" in a column headed "Datum", as planning tables write them. */
export function parseCompactDate(text: string): DateMatch | undefined {
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const year = m[1]!.length === 2 ? 2000 + Number(m[1]) : Number(m[1]);
  return { index: text.indexOf(m[0]), length: m[0].length, year, month: Number(m[2]), day: Number(m[3]) };
}

/** The first date in the text that names its year and exists. */
export function findExplicitDate(text: string): string | undefined {
  for (const d of findDates(text)) {
    if (d.year !== undefined && isValidDate(d.year, d.month, d.day)) return formatDate(d.year, d.month, d.day);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Times

export interface TimeMatch {
  index: number;
  length: number;
  start: string;
  end?: string;
  /** A range whose end is not after its start ("16-14"); the caller decides what that means. */
  reversed?: boolean;
}

export type BareHourRanges = 'anywhere' | 'edges' | 'never';

const DASH = '(?:-|–|—|‒|−|till|to)';
const AMPM = '(?:\\s*([ap])\\.?m\\.?(?![\\p{L}]))?';
const TIME_RE = new RegExp(
  `(?<![\\p{L}\\p{N}.:,/\\-–—])(?:(kl\\.?|klockan)\\s*)?(\\d{1,2})(?:[.:](\\d{2}))?${AMPM}` +
    `(?:\\s*${DASH}\\s*(?:kl\\.?\\s*)?(\\d{1,2})(?:[.:](\\d{2}))?${AMPM})?` +
    `(?!\\p{N}|[.:,]\\p{N}|\\s*(?:%|procent|percent))`,
  'giu',
);

/**
 * The first time or time range in the text. "13.00", "13:00", "kl. 13", "1:30 pm" and ranges of
 * them; a bare "14-16" only where `bareHourRanges` allows, because "2-3 personer" is not a time.
 */
export function findTime(text: string, bareHourRanges: BareHourRanges = 'never'): TimeMatch | undefined {
  const re = new RegExp(TIME_RE.source, TIME_RE.flags);
  const edges = { head: text.length - text.trimStart().length, tail: contentEnd(text) };
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const found = interpretTime(m, edges, bareHourRanges);
    if (found) return found;
    re.lastIndex = m.index + 1;
  }
  return undefined;
}

/** Where the text ends if trailing punctuation is ignored: "… 13-14." still ends with a range. */
function contentEnd(text: string): number {
  let end = text.length;
  while (end > 0 && ' \t.,;:)]'.includes(text[end - 1]!)) end--;
  return end;
}

function interpretTime(
  m: RegExpExecArray,
  edges: { head: number; tail: number },
  bareHourRanges: BareHourRanges,
): TimeMatch | undefined {
  const [whole, kl, h1, m1, ap1, h2, m2, ap2] = m;
  const index = m.index;
  const length = whole.trimEnd().length;
  const hasRange = h2 !== undefined;
  const marked = kl !== undefined || m1 !== undefined || ap1 !== undefined || m2 !== undefined || ap2 !== undefined;
  let startHour = Number(h1);
  let endHour = hasRange ? Number(h2) : undefined;
  if (!marked) {
    if (!hasRange || bareHourRanges === 'never') return undefined;
    const atEdge = index <= edges.head || index + length >= edges.tail;
    if (bareHourRanges === 'edges' && !atEdge) return undefined;
    // Councils do not meet before six, so "2-3" is a count; "16-14" is a time written backwards.
    if (startHour < 6 || startHour > 23 || endHour === undefined || endHour > 23) return undefined;
  }
  startHour = applyMeridiem(startHour, ap1);
  if (endHour !== undefined) {
    endHour = applyMeridiem(endHour, ap2);
    // "1:00-2:30 pm": the meridiem written once covers both ends.
    if (ap1 === undefined && ap2 !== undefined && startHour + 12 <= endHour && startHour < 12) startHour += 12;
  }
  const start = clock(startHour, Number(m1 ?? 0));
  if (start === undefined) return undefined;
  if (endHour === undefined) return { index, length, start };
  const end = clock(endHour, Number(m2 ?? 0));
  if (end === undefined) return undefined;
  return toMinutes(end) > toMinutes(start) ? { index, length, start, end } : { index, length, start, end, reversed: true };
}

function applyMeridiem(hour: number, meridiem: string | undefined): number {
  if (meridiem === undefined || hour > 12) return hour;
  const pm = meridiem.toLowerCase() === 'p';
  if (hour === 12) return pm ? 12 : 0;
  return pm ? hour + 12 : hour;
}

function clock(hour: number, minute: number): string | undefined {
  if (hour > 23 || minute > 59) return undefined;
  return `${pad2(hour)}:${pad2(minute)}`;
}

export function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export function fromMinutes(minutes: number): string | undefined {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= 24 * 60) return undefined;
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
