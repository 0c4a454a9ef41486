/**
 * "Paste a meeting schedule": a planning table exported from a slide or document, or a list of
 * lines such as "18 mars, digitalt, Teams" or "2026-12-03 13:00-16:00 Regionens hus". Pure;
 * the reference date stands in for the clock. Never throws; lines it cannot read come back.
 *
 * When a table is recognisable by its header (a date column and at least one other known
 * column), only its rows are read and the rest of the text is ignored, since schedules are
 * often pasted together with the slides around them.
 */
import { readPlace } from './schedule-place.js';
import {
  type CalendarDate,
  type DateMatch,
  WEEKDAY_PATTERN,
  WEEKDAY_RE,
  dayNumber,
  findDates,
  findTime,
  formatDate,
  isValidDate,
  parseCompactDate,
  parseIsoDate,
  shiftMonths,
} from './swedish-dates.js';
import { type PreparedLine, capText, hasContent, isPipeSeparator, markdownHeading, prepareLines, stripEmphasis, tableCells } from './text-lines.js';

export interface ParsedMeeting {
  date: string;
  start?: string;
  end?: string;
  place?: string;
  online: boolean;
  title?: string;
  notes?: string;
  sourceLine: number;
}

export interface ScheduleParseResult {
  meetings: ParsedMeeting[];
  unparsed: { line: number; text: string }[];
  /** More than MAX_MEETINGS meetings, or more input than we read, was given. */
  truncated?: boolean;
}

export const MAX_MEETINGS = 500;
const FIELD_MAX = 200;
const NOTES_MAX = 1_000;
const UNPARSED_TEXT_MAX = 500;
/** A year-less date is read as the first one on or after this long before today. */
const LOOK_BACK_MONTHS = 2;

type Role = 'when' | 'date' | 'place' | 'title' | 'notes' | 'form' | 'invited';

const ROLE_WORDS: ReadonlyArray<readonly [Role, RegExp]> = [
  ['date', /^(datum|date|dates|dag|day|när|when)$/],
  ['when', /^(datum|date|dates|dag|day|när|when|tid|tider|time|times|tidpunkt|klockan|kl\.?)$/],
  ['place', /^(plats|platser|lokal|place|location|venue|rum|room|var|where|adress|address)$/],
  ['title', /^(forum|möte|meeting|rubrik|title|titel|ämne|subject|event|aktivitet|activity|vad|what|namn|name|grupp|group)$/],
  ['notes', /^(övrigt|notes?|anteckning|anteckningar|kommentar|kommentarer|comments?|beskrivning|syfte|purpose|info|information|remarks|description)$/],
  ['form', /^(form|mötesform|format|typ|type)$/],
  ['invited', /^(kallade|kallas|deltagare|inbjudna|invited|participants|attendees|målgrupp|audience)$/],
];

type Columns = ReadonlyArray<ReadonlySet<Role>>;

interface Candidate {
  line: PreparedLine;
  when: string;
  /** A date column may hold "260113"; free text may not. */
  compactDates: boolean;
  place: string[];
  form: string[];
  title?: string;
  notes?: string;
}

interface Draft {
  day: number;
  month: number;
  year?: number;
  meeting: Omit<ParsedMeeting, 'date'>;
}

/**
 * `after`: the date of the meeting the list was pasted with ("Nästkommande möten" in its
 * invitation). Dates without a year are then the first on or after it, whatever today is.
 */
export function parseScheduleText(text: string, reference: { today: string; after?: string }): ScheduleParseResult {
  const { lines, truncated } = prepareLines(text);
  const today = parseIsoDate(typeof reference?.today === 'string' ? reference.today : '');
  const after = typeof reference?.after === 'string' ? parseIsoDate(reference.after) : undefined;
  const unparsed: ScheduleParseResult['unparsed'] = [];
  const report = (line: PreparedLine) => unparsed.push({ line: line.number, text: capText(line.text, UNPARSED_TEXT_MAX) });

  const drafts: Draft[] = [];
  for (const candidate of candidates(lines)) {
    const read = readCandidate(candidate);
    if (read === undefined) report(candidate.line);
    else drafts.push(...read);
  }

  const meetings: ParsedMeeting[] = [];
  const seen = new Set<string>();
  const failedLines = new Set<number>();
  let previous: number | undefined;
  for (const draft of drafts) {
    const date = dateFor(draft, today, previous ?? (after ? dayNumber(after) : undefined), after !== undefined);
    if (date === undefined) {
      if (!failedLines.has(draft.meeting.sourceLine)) {
        failedLines.add(draft.meeting.sourceLine);
        const line = lines[draft.meeting.sourceLine - 1];
        if (line) report(line);
      }
      continue;
    }
    previous = dayNumber(date);
    const meeting: ParsedMeeting = { date: formatDate(date.year, date.month, date.day), ...draft.meeting };
    // Slide decks repeat their planning tables; the same meeting twice is one meeting.
    const key = [meeting.date, meeting.start, meeting.end, meeting.title, meeting.place, meeting.online].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    meetings.push(meeting);
  }
  unparsed.sort((a, b) => a.line - b.line);
  const result: ScheduleParseResult = { meetings: meetings.slice(0, MAX_MEETINGS), unparsed };
  if (truncated || meetings.length > MAX_MEETINGS) result.truncated = true;
  return result;
}

/** The rows of recognised tables, or else every line with content. */
function candidates(lines: readonly PreparedLine[]): Candidate[] {
  const fromTables: Candidate[] = [];
  let columns: Columns | undefined;
  for (const line of lines) {
    const cells = tableCells(line);
    if (!cells) {
      columns = undefined;
      continue;
    }
    const header = recogniseHeader(cells);
    if (header) columns = header;
    else if (columns && !isPipeSeparator(cells) && cells.some((c) => c !== '')) fromTables.push(fromRow(line, cells, columns));
  }
  if (fromTables.length > 0) return fromTables;
  return lines
    .filter((line) => hasContent(line.text) && !markdownHeading(line.text) && !isPipeSeparator(tableCells(line) ?? []) && !isHeaderLine(line.text))
    .map((line) => ({ line, when: withoutListHeading((tableCells(line) ?? [line.text]).filter((c) => c !== '').join(', ')), compactDates: false, place: [], form: [] }))
    .filter((candidate) => hasContent(candidate.when));
}

const LIST_HEADING_RE = /^(?:(?:nästkommande|kommande|nästa|följande|framtida|övriga)\s+möten|mötesdatum|mötestider|(?:next|upcoming|future)\s+meetings)(?:\s\d{4})?(?:\s?:|$)/iu;

/** "Nästkommande möten: 18 mars, 20 maj": the words before the colon name the list, not a meeting. */
function withoutListHeading(text: string): string {
  const plain = stripEmphasis(text).trim();
  const heading = LIST_HEADING_RE.exec(plain);
  return heading ? plain.slice(heading[0].length) : text;
}

function recogniseHeader(cells: readonly string[]): Columns | undefined {
  const filled = cells.filter((c) => c !== '');
  if (filled.length < 2 || filled.some((c) => c.split(/\s+/).length > 5) || findDates(cells.join(' ')).length > 0) return undefined;
  const columns = cells.map((cell) => {
    const roles = new Set<Role>();
    for (const word of stripEmphasis(cell).toLowerCase().split(/[\s/&,+]+/)) {
      for (const [role, words] of ROLE_WORDS) if (words.test(word)) roles.add(role);
    }
    return roles;
  });
  const known = columns.filter((roles) => roles.size > 0).length;
  const dated = columns.some((roles) => roles.has('date'));
  return dated && known >= 2 && known >= filled.length - 1 ? columns : undefined;
}

/** "Datum  Tid  Plats" over a list that is not a table is still a header, not a bad line. */
function isHeaderLine(text: string): boolean {
  const words = stripEmphasis(text).toLowerCase().split(/[\s|/&,+:]+/).filter((w) => w !== '');
  return words.length > 0 && words.every((w) => w === 'och' || w === 'and' || ROLE_WORDS.some(([, re]) => re.test(w)));
}

function fromRow(line: PreparedLine, cells: readonly string[], columns: Columns): Candidate {
  const candidate: Candidate = { line, when: '', compactDates: true, place: [], form: [] };
  const titles: string[] = [];
  const notes: string[] = [];
  cells.forEach((cell, i) => {
    if (cell === '') return;
    const roles = columns[i];
    if (!roles || roles.size === 0) notes.push(cell);
    else if (roles.has('when')) candidate.when = candidate.when === '' ? cell : `${candidate.when} ${cell}`;
    else if (roles.has('place')) candidate.place.push(cell);
    else if (roles.has('form')) candidate.form.push(cell);
    else if (roles.has('title')) titles.push(cell);
    else if (roles.has('notes')) notes.push(cell);
  });
  const title = capText(stripEmphasis(titles.join(', ')).replace(/\s+/g, ' '), FIELD_MAX);
  const note = capText(stripEmphasis(notes.join('\n')).replace(/[ \t]+/g, ' '), NOTES_MAX);
  if (title !== '') candidate.title = title;
  if (note !== '') candidate.notes = note;
  return candidate;
}

// "Tisdag 10 sep", "10 sep (tis)": a weekday next to the date says nothing more.
const WEEKDAY_BEFORE_RE = new RegExp(`(?:^|[\\s,(])${WEEKDAY_PATTERN}[\\s,)]*(?:den\\s+|the\\s+)?$`, 'iu');
const WEEKDAY_AFTER_RE = new RegExp(`^[\\s,(]*${WEEKDAY_PATTERN}\\)?`, 'iu');

/** A line's meetings, or undefined when the line as a whole cannot be read. */
function readCandidate(candidate: Candidate): Draft[] | undefined {
  const text = candidate.when;
  let dates = findDates(text);
  if (dates.length === 0 && candidate.compactDates) {
    const compact = parseCompactDate(text.split(/\s+/)[0] ?? '');
    if (compact) dates = [compact];
  }
  if (dates.length === 0) return undefined;
  const groups = splitsIntoMeetings(text, dates) ? dates.map((d, i) => ({ date: d, next: dates[i + 1] })) : [{ date: dates[0]!, next: undefined }];
  const drafts: Draft[] = [];
  for (const [i, { date, next }] of groups.entries()) {
    const from = i === 0 ? 0 : date.index;
    const to = next && groups.length > 1 ? next.index : text.length;
    const draft = readMeeting(candidate, text.slice(from, date.index), date, text.slice(date.index + date.length, to));
    if (!draft) return undefined;
    drafts.push(draft);
  }
  return drafts;
}

const JOINERS_RE = /(?<![\p{L}])(?:och|and|samt|kl\.?)(?![\p{L}])/giu;

/** "10 sep, 15 okt, 3 dec" is three meetings; "10 sep, förberedelse inför 15 okt" is one. */
function splitsIntoMeetings(text: string, dates: readonly DateMatch[]): boolean {
  if (dates.length < 2) return false;
  return dates.slice(0, -1).every((d, i) => {
    let between = text.slice(d.index + d.length, dates[i + 1]!.index);
    const time = findTime(between, 'anywhere');
    if (time) between = between.slice(0, time.index) + between.slice(time.index + time.length);
    return !/\p{L}/u.test(between.replace(WEEKDAY_RE, '').replace(JOINERS_RE, ''));
  });
}

function readMeeting(candidate: Candidate, before: string, date: DateMatch, after: string): Draft | undefined {
  if (date.month < 1 || date.month > 12 || date.day < 1 || !isValidDate(date.year ?? 2000, date.month, date.day)) return undefined;
  const lead = before.replace(WEEKDAY_BEFORE_RE, ' ');
  let rest = `${lead} ${after.replace(WEEKDAY_AFTER_RE, ' ')}`;
  const time = findTime(rest, 'anywhere');
  if (time?.reversed) return undefined;
  if (time) rest = rest.slice(0, time.index) + ' ' + rest.slice(time.index + time.length);

  // In a table the date cell's leftovers and the place column are the place; a free line's
  // leftovers are only a place if they read like one, and otherwise name the meeting.
  const table = candidate.compactDates;
  const inline = readPlace(rest, table);
  const column = readPlace(candidate.place.join(', '), true);
  const form = readPlace(candidate.form.join(', '), false);
  const meeting: Omit<ParsedMeeting, 'date'> = { online: inline.online || column.online || form.online, sourceLine: candidate.line.number };
  if (time) {
    meeting.start = time.start;
    if (time.end !== undefined) meeting.end = time.end;
  }
  const place = [column.place, form.place, inline.place].filter((p) => p !== undefined).join(', ');
  if (place !== '') meeting.place = capText(place, FIELD_MAX);
  const title = candidate.title ?? (table ? undefined : inline.other);
  if (title !== undefined) meeting.title = title;
  const notes = [form.other, candidate.notes].filter((n) => n !== undefined).join('\n');
  if (notes !== '') meeting.notes = capText(notes, NOTES_MAX);
  const draft: Draft = { day: date.day, month: date.month, meeting };
  if (date.year !== undefined) draft.year = date.year;
  return draft;
}

/**
 * An explicit year wins. Otherwise the first year that puts the date no earlier than two months
 * before today and no earlier than the meeting before it, so "10 sep, 15 okt, 3 dec, 14 jan"
 * pasted in September runs on into January of the next year.
 */
function dateFor(draft: Draft, today: CalendarDate | undefined, previous: number | undefined, anchored = false): CalendarDate | undefined {
  if (draft.year !== undefined) {
    return isValidDate(draft.year, draft.month, draft.day) ? { year: draft.year, month: draft.month, day: draft.day } : undefined;
  }
  if (!today) return undefined;
  const from = anchored && previous !== undefined ? fromDayNumber(previous) : shiftMonths(today, -LOOK_BACK_MONTHS);
  const threshold = dayNumber(from);
  const earliest = anchored ? previous ?? threshold : Math.max(threshold, previous ?? threshold);
  const startYear = from.year;
  // Eight years always include a leap year, for "29 feb".
  for (let year = startYear; year <= startYear + 8; year++) {
    if (!isValidDate(year, draft.month, draft.day)) continue;
    const candidate = { year, month: draft.month, day: draft.day };
    if (dayNumber(candidate) >= earliest) return candidate;
  }
  return undefined;
}

function fromDayNumber(n: number): CalendarDate {
  const d = new Date(n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
