/**
 * An agenda table as a whole: rows of cells, from an HTML table, tab-separated text or a Word
 * document. A cell may hold several paragraphs, one per line ("\n"). Which row is the header,
 * which column holds what, and which rows only comment on the item above are decided here,
 * from the header's words where there is one and from what the cells hold where there is not.
 */
import type { AgendaItemKind } from './agenda-kind.js';
import { type ItemLine, type ItemNumber, parseItemText, readNames } from './agenda-line.js';
import { type AgendaColumns, numberCell, readRow, recogniseHeader } from './agenda-table.js';
import { findTime } from './swedish-dates.js';
import { hasLetter, stripEmphasis } from './text-lines.js';

export type RowReading =
  | { kind: 'header' }
  | { kind: 'empty' }
  | { kind: 'item'; line: ItemLine; description?: string; itemKind?: AgendaItemKind }
  /** Belongs to the item above as its notes. */
  | { kind: 'note'; text: string }
  | { kind: 'unread' };

/** "Reflektion: …", "Notering – …", "Kommentar", "Obs!": words that comment, never items. */
const COMMENT_RE = /^(?:reflektion(?:er)?|notering(?:ar)?|kommentar(?:er)?|obs|observera|fråga|frågor från|reflection|note|comment|remark|nb)(?![\p{L}\p{N}])/iu;
const QUOTE_RE = /^["“”«»„'‘’]/u;

/** How many rows tell whether a table numbers its items. */
const SAMPLE_ROWS = 20;

/** `maxItems`: reading stops after this many items; the rows after them are not looked at. */
export function readAgendaRows(input: readonly (readonly string[])[], maxItems = Infinity): RowReading[] {
  const readings: RowReading[] = [];
  const numbered = input.slice(0, SAMPLE_ROWS).filter((row) => rowNumber(row.map(cellLines)) !== undefined).length >= 2;
  let columns: AgendaColumns | undefined;
  let seenItem = false;
  let items = 0;
  let next = input[0]?.map(cellLines);
  for (let index = 0; index < input.length && items < maxItems; index++) {
    const row = next!;
    next = input[index + 1]?.map(cellLines);
    const reading = readOne(row, next);
    if (reading.kind === 'item') items++;
    readings.push(reading);
  }
  return readings;

  function readOne(row: string[][], following: string[][] | undefined): RowReading {
    const filled = row.filter((cell) => cell.length > 0);
    if (filled.length === 0) return { kind: 'empty' };
    const firstLines = row.map((cell) => cell[0] ?? '');
    const header = recogniseHeader(firstLines);
    if (header || (!seenItem && columns === undefined && headerByContent(row, following))) {
      columns = header;
      return { kind: 'header' };
    }
    if (seenItem && isComment(row, numbered)) return { kind: 'note', text: filled.map((cell) => cell.join('\n')).join('\n') };
    const reading = readItemRow(row, columns);
    if (reading.kind === 'item') seenItem = true;
    return reading;
  }
}

function cellLines(cell: string): string[] {
  return cell
    .split('\n')
    .map((line) => stripEmphasis(line).replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

/**
 * A first row of short words with neither a number nor a time, followed by a row with one, is a
 * header even when its words are not ones we know: its columns are then read by their content.
 */
function headerByContent(row: readonly string[][], next: readonly string[][] | undefined): boolean {
  if (!next) return false;
  const filled = row.filter((cell) => cell.length > 0);
  if (filled.length < 2) return false;
  const plainWords = filled.every((cell) => cell.length === 1 && cell[0]!.length <= 40 && !/\p{N}/u.test(cell[0]!));
  const nextHasMarks = rowNumber(next) !== undefined || next.some((cell) => cell.some((line) => findTime(line, 'anywhere')));
  return plainWords && nextHasMarks;
}

function rowNumber(row: readonly string[][]): ItemNumber | undefined {
  for (const cell of row) {
    const first = cell[0];
    if (first === undefined) continue;
    const number = numberCell(first) ?? parseItemText(first).number;
    if (number) return number;
    if (hasLetter(first)) return undefined;
  }
  return undefined;
}

/**
 * A row that names no number in a numbered table and opens with a commenting word or a quote, or
 * asks a question, is what was said about the item above.
 */
function isComment(row: readonly string[][], numbered: boolean): boolean {
  if (rowNumber(row) !== undefined) return false;
  const first = row.find((cell) => cell.length > 0)![0]!;
  if (COMMENT_RE.test(first)) return true;
  if (!numbered) return false;
  if (row.some((cell) => cell.some((line) => findTime(line, 'anywhere')))) return false;
  return QUOTE_RE.test(first) || first.endsWith('?');
}

function readItemRow(row: readonly string[][], columns: AgendaColumns | undefined): RowReading {
  // A cell's first paragraph is what the row-reader sees; the paragraphs after it are notes,
  // except in time and presenter columns, where each paragraph is one more time or name.
  const lists = row.map((cell, i) => (columns ? isListColumn(columns[i]) : timeThenNames(cell)));
  // A presenters' column may hold the time on a line of its own; the row's time is looked for below.
  const listed = row.map((cell, i) => (lists[i] && columns?.[i]?.has('time') !== true ? cell.filter((line) => !onlyTime(line)) : cell));
  const cells = listed.map((cell, i) => (lists[i] ? cell.join(', ') : (cell[0] ?? '')));
  const read = columns ? readRow(cells, columns) : readRow(row.map((cell) => cell[0] ?? ''), undefined);
  if (!columns && read.line) {
    for (const [i, cell] of row.entries()) if (lists[i]) read.line.presenters = [...read.line.presenters, ...cell.slice(1).flatMap((line) => readNames(line) ?? [])].slice(0, 10);
  }
  // The title's own paragraphs come first, then the notes, then what other cells held beyond their first line.
  const titleColumn = columns ? columns.findIndex((roles) => roles.has('item')) : row.findIndex((cell) => cell[0] !== undefined && hasLetter(cell[0]) && !onlyTime(cell[0]));
  const later = (i: number) => (lists[i] ? [] : row[i]!.slice(1));
  const extra = row.flatMap((_, i) => (i === titleColumn ? [] : later(i)));
  const parts = [...(titleColumn >= 0 ? later(titleColumn) : []), read.description, ...extra];
  let description = parts.filter((text): text is string => text !== undefined && text !== '').join('\n');
  if (!read.line || !hasLetter(read.line.title)) return description === '' ? { kind: 'unread' } : { kind: 'note', text: description };
  const line = read.line;
  if (line.start === undefined) {
    // A range anywhere in the row times the item: in the notes, under the title, beside a name.
    const found = row.flatMap((cell) => cell).map((text) => ({ text, time: findTime(text, 'anywhere') })).find((f) => f.time && !f.time.reversed);
    if (found?.time) {
      line.start = found.time.start;
      if (found.time.end) line.end = found.time.end;
      const rest = (found.text.slice(0, found.time.index) + ' ' + found.text.slice(found.time.index + found.time.length)).trim();
      description = description.split('\n').map((d) => (d === found.text ? rest : d)).filter((d) => hasLetter(d)).join('\n');
    }
  }
  const reading: RowReading = { kind: 'item', line };
  if (description !== '') reading.description = description;
  if (read.kind) reading.itemKind = read.kind;
  return reading;
}

function onlyTime(text: string): boolean {
  const time = findTime(text, 'anywhere');
  return time !== undefined && !hasLetter(text.slice(0, time.index) + text.slice(time.index + time.length));
}

/** Without a header, a cell of a time and then a name a line is the item's time and presenters. */
function timeThenNames(cell: readonly string[]): boolean {
  const first = cell[0];
  if (first === undefined || cell.length < 2) return false;
  if (!onlyTime(first)) return false;
  return cell.slice(1).every((line) => readNames(line) !== undefined);
}

function isListColumn(roles: ReadonlySet<string> | undefined): boolean {
  return roles !== undefined && (roles.has('presenter') || roles.has('time')) && !roles.has('item');
}
