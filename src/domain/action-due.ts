/**
 * The due phrase of an action item: a keyword ("senast", "till den", "by", …) directly followed
 * by a date or a weekday. A date without a keyword is left alone, because "remissvaren från 3
 * mars" names a date that is not a deadline, and we never guess.
 */
import { type CalendarDate, type DateMatch, dayNumber, findDates, formatDate, isValidDate } from './swedish-dates.js';

export type DueProblem = 'invalidDate' | 'pastDate';

export interface DuePhrase {
  /** Where the keyword starts, so the whole phrase can be cut from the task. */
  index: number;
  length: number;
  /** The date as written, without the keyword: "15/4", "den 3 mars" → "3 mars", "fredag". */
  dueText: string;
  due?: string;
  problem?: DueProblem;
}

const KEYWORD =
  '(?:senast|till|innan|före|klart|klar|färdigt|färdig|deadline|by|before|due(?:\\s+(?:by|on))?|no\\s+later\\s+than)';

const WEEKDAYS = new Map<string, number>([
  ['måndag', 1], ['tisdag', 2], ['onsdag', 3], ['torsdag', 4], ['fredag', 5], ['lördag', 6], ['söndag', 7],
  ['monday', 1], ['tuesday', 2], ['wednesday', 3], ['thursday', 4], ['friday', 5], ['saturday', 6], ['sunday', 7],
]);
// Only full names: "till mån" or "by sat" are too easily something else.
const WEEKDAY = '(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?:en)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const RELATIVE = new Map<string, number>([['idag', 0], ['i dag', 0], ['today', 0], ['imorgon', 1], ['i morgon', 1], ['tomorrow', 1]]);
const RELATIVE_PATTERN = 'idag|i\\s+dag|today|imorgon|i\\s+morgon|tomorrow';

// Anchored at the end of a short window before a date: ends are cheap, unanchored starts are not.
const BEFORE_DATE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(${KEYWORD})((?:\\s+(?:den|the|on|på))?[\\s:,]*(?:(?:${WEEKDAY})\\s*(?:,\\s*)?)?(?:(?:den|the)\\s+)?)$`,
  'iu',
);
const DAY_WORD_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(${KEYWORD})((?:\\s+(?:på|on|this|den|the))?[\\s:,]*)(${WEEKDAY}|${RELATIVE_PATTERN})(?![\\p{L}\\p{N}])`,
  'giu',
);
const WINDOW = 80;

/** The last due phrase in the text; users put the deadline at the end and may mention other dates earlier. */
export function findDuePhrase(text: string, today: CalendarDate): DuePhrase | undefined {
  const phrases: DuePhrase[] = [];
  const dates = findDates(text).filter((d) => !/^[-–]\p{L}/u.test(text.slice(d.index + d.length, d.index + d.length + 2)));
  const dateStarts = new Set(dates.map((d) => d.index));
  for (const d of dates) {
    const from = Math.max(0, d.index - WINDOW);
    const m = BEFORE_DATE_RE.exec(text.slice(from, d.index));
    if (!m) continue;
    const index = from + m.index;
    if (m.index === 0 && from > 0 && /[\p{L}\p{N}]/u.test(text[from - 1]!)) continue;
    const dueText = (m[2]!.replace(/^[\s:,]*(?:(?:den|the|on|på)\s+)?/iu, '') + text.slice(d.index, d.index + d.length)).trim();
    phrases.push({ index, length: d.index + d.length - index, dueText, ...resolveDate(d, today) });
  }
  for (const m of text.matchAll(DAY_WORD_RE)) {
    const end = m.index + m[0].length;
    // "senast fredag 17 april": the date decides, the weekday is decoration.
    const next = /^[\s,]*(?:(?:den|the)\s+)?/iu.exec(text.slice(end, end + 10))![0].length;
    if (dateStarts.has(end + next)) continue;
    const word = m[3]!;
    phrases.push({ index: m.index, length: m[0].length, dueText: word, due: formatDay(dayWord(word, today)) });
  }
  return phrases.sort((a, b) => a.index - b.index).at(-1);
}

function resolveDate(d: DateMatch, today: CalendarDate): Pick<DuePhrase, 'due' | 'problem'> {
  if (d.year !== undefined) {
    if (!isValidDate(d.year, d.month, d.day)) return { problem: 'invalidDate' };
    const date = { year: d.year, month: d.month, day: d.day };
    return dayNumber(date) < dayNumber(today) ? { due: formatDay(date), problem: 'pastDate' } : { due: formatDay(date) };
  }
  // The next occurrence on or after today. 29/2 in a common year is reported, never moved to a
  // leap year years ahead: that reading is almost certainly a typing mistake.
  const passed = d.month < today.month || (d.month === today.month && d.day < today.day);
  const year = passed ? today.year + 1 : today.year;
  if (!isValidDate(year, d.month, d.day)) return { problem: 'invalidDate' };
  return { due: formatDate(year, d.month, d.day) };
}

function dayWord(word: string, today: CalendarDate): CalendarDate {
  const lower = word.toLowerCase().replace(/\s+/g, ' ');
  const offset = RELATIVE.get(lower);
  if (offset !== undefined) return addDays(today, offset);
  const target = WEEKDAYS.get(lower.replace(/en$/, ''))!;
  // Strictly after today: "senast fredag" said on a Friday means next week's.
  const ahead = (target - isoWeekday(today) + 7) % 7 || 7;
  return addDays(today, ahead);
}

export function isoWeekday(date: CalendarDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date((dayNumber(date) + days) * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function formatDay(date: CalendarDate): string {
  return formatDate(date.year, date.month, date.day);
}
