/**
 * Agendas kept as tables, one row per item. Columns are found by the words of the header row
 * (Swedish or English); without a header, cells are read by what they look like.
 */
import { type AgendaItemKind, kindFromLabel } from './agenda-kind.js';
import { type ItemLine, type ItemNumber, parseItemText, readNames, splitNames } from './agenda-line.js';
import { findTime } from './swedish-dates.js';
import { hasLetter, stripEmphasis } from './text-lines.js';

type Role = 'number' | 'item' | 'notes' | 'time' | 'presenter' | 'duration' | 'kind';

/** Roles per column index; one header cell may carry two ("Tid/Föredragande"). */
export type AgendaColumns = ReadonlyArray<ReadonlySet<Role>>;

const ROLE_WORDS: ReadonlyArray<readonly [Role, RegExp]> = [
  ['number', /^(nr\.?|#|no\.?|§|num|number|punktnummer)$/],
  ['item', /^(punkt|mötespunkt|mötespunkter|punkter|ärende|ärenden|ärendemening|item|items|rubrik|rubriker|ämne|topic|title|titel|dagordningspunkt|agendapunkt|agenda item|agenda|vad|what|subject)$/],
  ['notes', /^(anteckning|anteckningar|beskrivning|notes?|kommentar|kommentarer|comments?|description|underlag|innehåll|details|detaljer|syfte|purpose|förslag|info)$/],
  ['time', /^(tid|tider|time|times|klockan|kl\.?|när|when|tidpunkt|start)$/],
  ['presenter', /^(föredragande|föredragare|ansvarig|ansvariga|presenter|presenters|presentatör|talare|speaker|speakers|owner|who|vem|lead|responsible|person)$/],
  ['duration', /^(längd|duration|minuter|min|tidsåtgång|length)$/],
  ['kind', /^(typ|type|kategori|category|ärendetyp|beslut\/info|åtgärd|action)$/],
];

export function recogniseHeader(cells: readonly string[]): AgendaColumns | undefined {
  const columns = cells.map((cell) => {
    const roles = new Set<Role>();
    const parts = stripEmphasis(cell).toLowerCase().replace(/\s+/g, ' ').split(/ ?(?:[/&,+]| och | and ) ?/);
    for (const part of parts) {
      for (const [role, words] of ROLE_WORDS) if (words.test(part.trim())) roles.add(role);
    }
    return roles;
  });
  const known = columns.filter((roles) => roles.size > 0).length;
  const hasItem = columns.some((roles) => roles.has('item'));
  return hasItem && known >= 2 && known >= cells.filter((c) => c !== '').length - 1 ? columns : undefined;
}

export interface TableRow {
  line?: ItemLine;
  description?: string;
  kind?: AgendaItemKind;
}

export function readRow(cells: readonly string[], columns: AgendaColumns | undefined): TableRow {
  return columns ? readWithHeader(cells, columns) : readWithoutHeader(cells);
}

function readWithHeader(cells: readonly string[], columns: AgendaColumns): TableRow {
  let itemText = '';
  let number: ItemNumber | undefined;
  let time: ReturnType<typeof findTime>;
  let durationText = '';
  let kind: AgendaItemKind | undefined;
  const presenters: string[] = [];
  const notes: string[] = [];
  cells.forEach((cell, i) => {
    if (cell === '') return;
    const roles = columns[i] ?? new Set<Role>(['notes']);
    if (roles.has('item')) itemText = itemText === '' ? cell : `${itemText} ${cell}`;
    else if (roles.has('number')) number = numberCell(cell) ?? number;
    else if (roles.has('time')) {
      const found = findTime(cell, 'anywhere');
      if (found && !found.reversed) time = found;
      const rest = found ? cell.slice(0, found.index) + ' ' + cell.slice(found.index + found.length) : cell;
      const names = roles.has('presenter') ? splitNames(rest) : readNames(rest.replace(/^[\s,;–—-]+/, '').trim());
      if (names) presenters.push(...names);
      else if (hasLetter(rest)) notes.push(rest.trim());
    } else if (roles.has('presenter')) presenters.push(...splitNames(cell));
    else if (roles.has('duration')) durationText = cell;
    else if (roles.has('kind')) kind = kindFromLabel(cell) ?? kind;
    else notes.push(cell);
  });
  const row: TableRow = {};
  const description = notesText(notes);
  if (description) row.description = description;
  if (kind) row.kind = kind;
  if (itemText === '') return row;
  const line = parseItemText(itemText);
  if (number && !line.number) line.number = number;
  if (time && !line.start) {
    line.start = time.start;
    if (time.end) line.end = time.end;
  }
  if (presenters.length > 0) line.presenters = [...line.presenters, ...presenters].slice(0, 10);
  if (durationText !== '' && line.durationMinutes === undefined) {
    const minutes = /(\d{1,3})/.exec(durationText);
    if (minutes) line.durationMinutes = Number(minutes[1]) || undefined;
    if (line.durationMinutes === undefined) delete line.durationMinutes;
  }
  row.line = line;
  return row;
}

/**
 * A table without a recognised header: a cell that is only a time is the time, the first cell
 * with words is the item, names after it are presenters and anything else is a note.
 */
function readWithoutHeader(cells: readonly string[]): TableRow {
  let line: ItemLine | undefined;
  let time: ReturnType<typeof findTime>;
  let number: ItemNumber | undefined;
  const presenters: string[] = [];
  const notes: string[] = [];
  for (const cell of cells) {
    if (cell === '') continue;
    const found = findTime(cell, 'anywhere');
    if (!line && found && !hasLetter(cell.slice(0, found.index) + cell.slice(found.index + found.length))) {
      if (!found.reversed) time = found;
      continue;
    }
    if (!line && !hasLetter(cell)) {
      number = numberCell(cell) ?? number;
      if (!numberCell(cell)) notes.push(cell);
      continue;
    }
    if (!line) {
      line = parseItemText(cell);
      continue;
    }
    const names = readNames(cell);
    if (names) presenters.push(...names);
    else notes.push(cell);
  }
  const row: TableRow = {};
  const description = notesText(notes);
  if (description) row.description = description;
  if (!line) return row;
  if (number && !line.number) line.number = number;
  if (time && !line.start) {
    line.start = time.start;
    if (time.end) line.end = time.end;
  }
  if (presenters.length > 0) line.presenters = [...line.presenters, ...presenters].slice(0, 10);
  row.line = line;
  return row;
}

export function numberCell(cell: string): ItemNumber | undefined {
  const m = /^\(?(?:§\s*)?(\d{1,3})(?:\s?([a-zA-Z]))?[.):]?$/.exec(cell.trim());
  if (!m) return undefined;
  const number: ItemNumber = { main: Number(m[1]) };
  if (m[2]) number.letter = m[2].toLowerCase();
  return number;
}

function notesText(notes: readonly string[]): string | undefined {
  const text = notes.map((n) => stripEmphasis(n).replace(/\s+/g, ' ').trim()).filter((n) => n !== '').join('\n');
  return text === '' ? undefined : text;
}
