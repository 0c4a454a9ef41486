/**
 * "Import the agenda text the chair already has": pasted agendas, or whole slide decks of which
 * the agenda is one slide. Pure; never throws; every line it could not read is handed back.
 *
 * When the text has agenda headings ("Agenda", "Dagordning", "Dagens punkter", "Program",
 * "Föredragningslista"), only the lists under them are read; other slides are neither items
 * nor unparsed. Without one, the whole text is the agenda.
 *
 * Nesting rule: a line indented under an item (2+ spaces or a tab) is a sub-item numbered
 * "N a", "N b" …; in a list that uses bullets, numbers or times, an unmarked line is instead
 * a note and becomes the description of the item above it, as does anything nested deeper than
 * a sub-item. Explicit sub-numbers ("3 a", "3b", "3.1") are sub-items wherever they stand.
 */
import { AgendaEntries, type Entry, type ParsedAgendaItem, describedLine } from './agenda-entries.js';
import { agendaSections, dateOnlyLine, isGreeting } from './agenda-headings.js';
import { type ItemLine, TITLE_MAX, cleanTitle, parseItemText } from './agenda-line.js';
import { type AgendaColumns, readRow, recogniseHeader } from './agenda-table.js';
import { findExplicitDate } from './swedish-dates.js';
import {
  type PreparedLine,
  capText,
  hasContent,
  hasLetter,
  isPipeSeparator,
  markdownHeading,
  prepareLines,
  stripEmphasis,
  tableCells,
} from './text-lines.js';

export type { AgendaItemKind } from './agenda-kind.js';
export type { ParsedAgendaItem } from './agenda-entries.js';
export { MAX_AGENDA_ITEMS } from './agenda-entries.js';

export interface AgendaParseResult {
  items: ParsedAgendaItem[];
  /** Lines that looked like content but were not understood; shown back to the user. */
  unparsed: { line: number; text: string }[];
  /** The meeting, when a heading names it ("Vårdvalsråd vårdval vårdcentral"). */
  title?: string;
  /** "YYYY-MM-DD", when the text dates the meeting. */
  date?: string;
  /** More than MAX_AGENDA_ITEMS items, or more input than we read, was given. */
  truncated: boolean;
}

const UNPARSED_TEXT_MAX = 500;

export function parseAgendaText(text: string): AgendaParseResult {
  const { lines, truncated } = prepareLines(text);
  const reader = new Reader();
  const sections = agendaSections(lines);
  if (sections.length === 0) {
    reader.readSection(lines, 0, lines.length, true);
  } else {
    for (const line of lines.slice(0, sections[0]!.from - 1)) {
      const heading = markdownHeading(line.text);
      if (heading) reader.noteHeading(heading.text);
      else reader.date ??= dateOnlyLine(line.text);
    }
    const dated = sections.find((s) => s.heading.date !== undefined);
    if (dated?.heading.date) reader.date = dated.heading.date;
    const named = sections.find((s) => s.heading.title !== undefined);
    if (named?.heading.title) reader.title = named.heading.title;
    for (const section of sections) {
      reader.readSection(lines, section.from, section.to, false);
      reader.entries.closeSection();
    }
  }
  const result: AgendaParseResult = {
    items: reader.entries.items(),
    unparsed: reader.unparsed,
    truncated: truncated || reader.entries.overflow,
  };
  if (reader.title !== undefined) result.title = reader.title;
  if (reader.date !== undefined) result.date = reader.date;
  return result;
}

interface Pending {
  line: PreparedLine;
  parsed: ItemLine;
}

/** Reads lines into entries, keeping what one line means for the next. */
class Reader {
  readonly entries = new AgendaEntries();
  readonly unparsed: { line: number; text: string }[] = [];
  title?: string;
  date?: string;

  noteHeading(text: string): void {
    if (this.title === undefined && hasLetter(text) && !isGreeting(text) && !dateOnlyLine(text)) {
      this.title = capText(text, TITLE_MAX);
    }
    this.date ??= findExplicitDate(text);
  }

  /** `whole`: the text has no agenda heading, so its first headings name the meeting. */
  readSection(lines: readonly PreparedLine[], from: number, to: number, whole: boolean): void {
    const marked = lines.slice(from, to).some((line) => {
      if (!hasContent(line.text) || markdownHeading(line.text) || tableCells(line)) return false;
      const parsed = parseItemText(line.text);
      return parsed.marker !== 'none' && hasLetter(parsed.title);
    });
    let parent: { entry: Entry; indent: number; subIndent?: number } | undefined;
    let last: Entry | undefined;
    let lastSub: Entry | undefined;
    let columns: AgendaColumns | undefined;
    let pending: Pending | undefined;
    let previous: PreparedLine | undefined;
    const flushPending = () => {
      if (pending) this.report(pending.line);
      pending = undefined;
    };

    for (let i = from; i < to && !this.entries.overflow; i++) {
      const line = lines[i]!;
      const prev = previous;
      previous = line;
      if (line.text === '') {
        columns = undefined;
        continue;
      }
      const heading = markdownHeading(line.text);
      if (heading) {
        flushPending();
        if (whole && this.entries.entries.length === 0) this.noteHeading(heading.text);
        parent = undefined;
        columns = undefined;
        continue;
      }
      if (!hasContent(line.text)) continue;

      const cells = tableCells(line);
      if (cells && (columns || cells.filter((c) => c !== '').length >= 2)) {
        if (isPipeSeparator(cells)) continue;
        const header = recogniseHeader(cells);
        if (header) {
          columns = header;
          continue;
        }
        const row = readRow(cells, columns);
        if (row.line && hasLetter(row.line.title)) {
          last = this.entries.addTopLevel(row.line, line.number, row.kind, row.description);
          parent = undefined;
        } else if (row.description && last) this.entries.describe(last, row.description);
        else this.report(line);
        continue;
      }
      columns = undefined;

      const date = dateOnlyLine(line.text);
      if (date !== undefined) {
        if (this.date === undefined) this.date = date;
        else if (this.date !== date) this.report(line);
        continue;
      }

      const parsed = parseItemText(line.text);
      if (!hasLetter(parsed.title)) {
        if (parsed.start === undefined && parsed.number === undefined) this.report(line);
        else {
          flushPending();
          pending = { line, parsed };
        }
        continue;
      }
      if (parsed.marker === 'none' && !pending) {
        if (last && prev?.hardBreak && last.line === prev.number) {
          last.title = cleanTitle(`${last.title} ${parsed.title}`);
          last.line = line.number;
          continue;
        }
        if (marked) {
          if (last) this.entries.describe(last, stripEmphasis(line.text).replace(/\s+/g, ' '));
          else if (whole && this.title === undefined && this.entries.entries.length === 0) this.title = parsed.title;
          else this.report(line);
          continue;
        }
      }
      if (pending) {
        if (parsed.start === undefined && pending.parsed.start !== undefined) {
          parsed.start = pending.parsed.start;
          if (pending.parsed.end !== undefined) parsed.end = pending.parsed.end;
        }
        if (parsed.number === undefined && pending.parsed.number !== undefined) parsed.number = pending.parsed.number;
        pending = undefined;
      }

      if (parent && line.indent >= parent.indent + 2) {
        parent.subIndent ??= line.indent;
        if (line.indent >= parent.subIndent + 2 && lastSub) {
          this.entries.describe(lastSub, describedLine(parsed));
          continue;
        }
        last = lastSub = this.entries.addSub(parent.entry, parsed, line.number) ?? parent.entry;
        continue;
      }
      if (parsed.number?.letter !== undefined) {
        const owner = parent && parent.entry.main === parsed.number.main ? parent.entry : undefined;
        last = lastSub = owner ? this.entries.addSub(owner, parsed, line.number) ?? owner : this.entries.addTopLevel(parsed, line.number);
        if (!owner) parent = undefined;
        continue;
      }
      last = this.entries.addTopLevel(parsed, line.number);
      parent = { entry: last, indent: line.indent };
      lastSub = undefined;
    }
    flushPending();
  }

  private report(line: PreparedLine): void {
    this.unparsed.push({ line: line.number, text: capText(line.text, UNPARSED_TEXT_MAX) });
  }
}
