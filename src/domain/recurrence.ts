/**
 * A recurring Outlook series as the council sees it: one line in words ("var fjärde torsdag
 * 13.00, 9 möten till juni") instead of a list of dates. The pattern is Graph's
 * patternedRecurrence, kept as Graph sent it; what the bot does not know how to say is said
 * plainly ("återkommande") rather than guessed.
 */
import type { Locale } from './council.js';
import { formatTime, utcToZoned } from './meeting-time.js';

export const PATTERN_TYPES = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'] as const;
export const WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export interface RecurrencePattern {
  type: (typeof PATTERN_TYPES)[number];
  interval: number;
  daysOfWeek: string[];
  dayOfMonth: number | null;
  month: number | null;
  index: (typeof WEEK_INDEXES)[number] | null;
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate: string | null;
  numberOfOccurrences: number | null;
}

export interface Recurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** The council's planning horizon unless the chair sets another: occurrences closer than this become meetings. */
export const DEFAULT_HORIZON_WEEKS = 8;
export const HORIZON_WEEKS_MIN = 1;
export const HORIZON_WEEKS_MAX = 52;

const WORDS = {
  sv: {
    days: ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'],
    months: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
    // "var tredje", "var fjärde": ordinals from 3; 2 is "varannan", 1 "varje".
    every: (n: number) => (n === 1 ? 'varje' : n === 2 ? 'varannan' : `var ${SV_ORDINALS[n] ?? `${n}:e`}`),
    index: { first: 'första', second: 'andra', third: 'tredje', fourth: 'fjärde', last: 'sista' },
    and: 'och',
    or: 'eller',
  },
  en: {
    days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    every: (n: number) => (n === 1 ? 'every' : n === 2 ? 'every other' : `every ${EN_ORDINALS[n] ?? `${n}th`}`),
    index: { first: 'first', second: 'second', third: 'third', fourth: 'fourth', last: 'last' },
    and: 'and',
    or: 'or',
  },
} as const;

const SV_ORDINALS: Record<number, string> = { 3: 'tredje', 4: 'fjärde', 5: 'femte', 6: 'sjätte', 7: 'sjunde', 8: 'åttonde', 9: 'nionde', 10: 'tionde', 11: 'elfte', 12: 'tolfte' };
const EN_ORDINALS: Record<number, string> = { 3: 'third', 4: 'fourth', 5: 'fifth', 6: 'sixth', 7: 'seventh', 8: 'eighth', 9: 'ninth', 10: 'tenth', 11: 'eleventh', 12: 'twelfth' };

function list(items: readonly string[], joiner: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`;
}

function dayWords(pattern: RecurrencePattern, locale: Locale, plural: boolean, joiner: 'and' | 'or'): string {
  const w = WORDS[locale];
  const names = DAY_NAMES.filter((d) => pattern.daysOfWeek.includes(d)).map((d) => w.days[DAY_NAMES.indexOf(d)]!);
  // Swedish names the day in the definite form after an ordinal: "första torsdagen".
  const shaped = locale === 'sv' && plural ? names.map((n) => `${n}en`) : names;
  return list(shaped, w[joiner]);
}

function suffixSv(day: number): string {
  return `${day}:${day % 10 === 1 || day % 10 === 2 ? (day % 100 === 11 || day % 100 === 12 ? 'e' : 'a') : 'e'}`;
}

function suffixEn(day: number): string {
  const tens = day % 100;
  const s = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  return `${day}${s}`;
}

/** How often, in words: "var fjärde torsdag", "första torsdagen varje månad"; undefined for what cannot be said. */
export function patternWords(pattern: RecurrencePattern, locale: Locale): string | undefined {
  const w = WORDS[locale];
  const n = pattern.interval;
  const sv = locale === 'sv';
  const monthly = sv ? `${w.every(n)} månad` : n === 1 ? 'every month' : `${w.every(n)} month`;
  const yearly = sv ? `${w.every(n)} år` : n === 1 ? 'every year' : `${w.every(n)} year`;
  switch (pattern.type) {
    case 'daily':
      return sv ? `${w.every(n)} dag` : n === 1 ? 'every day' : `${w.every(n)} day`;
    case 'weekly':
      if (pattern.daysOfWeek.length === 0) return undefined;
      return `${w.every(n)} ${dayWords(pattern, locale, false, 'and')}`;
    case 'relativeMonthly':
      if (pattern.daysOfWeek.length === 0) return undefined;
      return sv
        ? `${w.index[pattern.index ?? 'first']} ${dayWords(pattern, locale, true, 'or')} ${monthly}`
        : `the ${w.index[pattern.index ?? 'first']} ${dayWords(pattern, locale, false, 'or')} of ${monthly}`;
    case 'absoluteMonthly':
      if (pattern.dayOfMonth === null) return undefined;
      return sv ? `den ${suffixSv(pattern.dayOfMonth)} ${monthly}` : `on the ${suffixEn(pattern.dayOfMonth)} of ${monthly}`;
    case 'absoluteYearly':
      if (pattern.dayOfMonth === null || pattern.month === null) return undefined;
      return sv ? `den ${pattern.dayOfMonth} ${w.months[pattern.month - 1]} ${yearly}` : `on ${pattern.dayOfMonth} ${w.months[pattern.month - 1]} ${yearly}`;
    case 'relativeYearly':
      if (pattern.daysOfWeek.length === 0 || pattern.month === null) return undefined;
      return sv
        ? `${w.index[pattern.index ?? 'first']} ${dayWords(pattern, locale, true, 'or')} i ${w.months[pattern.month - 1]} ${yearly}`
        : `the ${w.index[pattern.index ?? 'first']} ${dayWords(pattern, locale, false, 'or')} of ${w.months[pattern.month - 1]} ${yearly}`;
  }
}

export interface SeriesSummary {
  recurrence: Recurrence;
  /** Any occurrence's start (UTC): the series' time of day in the council's zone. */
  startsAt: string;
  /** The meetings still to come, cancelled ones not counted. */
  remaining: number;
  /** The last one still to come (UTC), or null when the series has no end in sight. */
  lastStartsAt: string | null;
}

/**
 * "var fjärde torsdag 13.00, 9 möten till juni" / "every fourth Thursday 13:00, 9 meetings
 * until June". The year is said only when the month's name alone would not mean the next one.
 */
export function seriesWords(summary: SeriesSummary, locale: Locale, timeZone: string, nowIso: string): string {
  const w = WORDS[locale];
  const how = patternWords(summary.recurrence.pattern, locale) ?? (locale === 'sv' ? 'återkommande' : 'recurring');
  const time = formatTime(utcToZoned(summary.startsAt, timeZone).time, locale);
  const open = summary.recurrence.range.type === 'noEnd';
  if (summary.remaining === 0) return `${how} ${time}, ${locale === 'sv' ? 'inga fler möten' : 'no more meetings'}`;
  const count = locale === 'sv' ? `${summary.remaining} ${summary.remaining === 1 ? 'möte' : 'möten'}` : `${summary.remaining} ${summary.remaining === 1 ? 'meeting' : 'meetings'}`;
  if (open || !summary.lastStartsAt) return `${how} ${time}, ${locale === 'sv' ? 'tills vidare' : 'until further notice'}`;
  const { endDate } = summary.recurrence.range;
  if (summary.recurrence.range.type === 'endDate' && endDate && Date.parse(`${endDate}T12:00:00Z`) - Date.parse(nowIso) >= 330 * 86_400_000) {
    // Beyond the year the calendar is read for, the meetings are not all known: the end is said, not a count.
    const [year, month] = endDate.split('-').map(Number) as [number, number];
    return `${how} ${time}, ${locale === 'sv' ? 'till' : 'until'} ${w.months[month - 1]} ${year}`;
  }
  const last = utcToZoned(summary.lastStartsAt, timeZone).date;
  const [year, month] = last.split('-').map(Number) as [number, number];
  const [nowYear, nowMonth] = utcToZoned(nowIso, timeZone).date.split('-').map(Number) as [number, number];
  // "till juni" is the next June; the year is said when the month alone would mean another one.
  const nextOfItsName = year === nowYear || (year === nowYear + 1 && month < nowMonth);
  const until = `${w.months[month - 1]}${nextOfItsName ? '' : ` ${year}`}`;
  return `${how} ${time}, ${count} ${locale === 'sv' ? 'till' : 'until'} ${until}`;
}

/** Graph's patternedRecurrence, read leniently: what does not fit is null, and the words fall back to "återkommande". */
export function readRecurrence(value: unknown): Recurrence | null {
  if (!value || typeof value !== 'object') return null;
  const { pattern, range } = value as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  if (!pattern || !range || !PATTERN_TYPES.includes(pattern.type as never)) return null;
  const interval = Number(pattern.interval);
  const days = Array.isArray(pattern.daysOfWeek) ? pattern.daysOfWeek.map((d) => String(d).toLowerCase()).filter((d) => DAY_NAMES.includes(d as never)) : [];
  const number = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  const rangeType = ['endDate', 'noEnd', 'numbered'].includes(range.type as string) ? (range.type as RecurrenceRange['type']) : 'noEnd';
  const date = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
  return {
    pattern: {
      type: pattern.type as RecurrencePattern['type'],
      interval: Number.isInteger(interval) && interval >= 1 && interval <= 99 ? interval : 1,
      daysOfWeek: days,
      dayOfMonth: number(pattern.dayOfMonth),
      month: number(pattern.month),
      index: WEEK_INDEXES.includes(pattern.index as never) ? (pattern.index as RecurrencePattern['index']) : null,
    },
    range: {
      type: rangeType,
      startDate: date(range.startDate) ?? '',
      endDate: date(range.endDate),
      numberOfOccurrences: number(range.numberOfOccurrences),
    },
  };
}
