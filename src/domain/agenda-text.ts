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
import { AgendaEntries, type Entry, MAX_AGENDA_ITEMS, type ParsedAgendaItem, describedLine } from './agenda-entries.js';
import { agendaSections, dateOnlyLine, isGreeting } from './agenda-headings.js';
import { type ItemLine, TITLE_MAX, cleanTitle, parseItemText } from './agenda-line.js';
import { readAgendaRows } from './agenda-rows.js';
import { findExplicitDate } from './swedish-dates.js';
import {
  type PreparedLine,
  type PreparedText,
  type TextBlock,
  capText,
  hasContent,
  hasLetter,
  isPipeSeparator,
  markdownHeading,
  prepareBlocks,
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
  return parsePrepared(prepareLines(text));
}

/** A message or document read as blocks: its tables stay tables, whatever their cells hold. */
export function parseAgendaBlocks(blocks: readonly TextBlock[]): AgendaParseResult {
  return parsePrepared(prepareBlocks(blocks));
}

function parsePrepared({ lines, truncated }: PreparedText): AgendaParseResult {
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
      if (line.rows) {
        flushPending();
        last = this.readTable(line.rows.map((cells) => ({ cells, line: line.number })), last);
        parent = undefined;
        continue;
      }
      if (line.text === '') continue;
      const heading = markdownHeading(line.text);
      if (heading) {
        flushPending();
        if (whole && this.entries.entries.length === 0) this.noteHeading(heading.text);
        parent = undefined;
        continue;
      }
      if (!hasContent(line.text)) continue;

      const cells = tableCells(line);
      if (cells && cells.filter((c) => c !== '').length >= 2) {
        // A table runs until a line that is no row of it: a blank line, a heading, plain text.
        const rows = [{ cells, line: line.number }];
        while (i + 1 < to && lines[i + 1]!.text !== '' && !lines[i + 1]!.rows && !markdownHeading(lines[i + 1]!.text)) {
          const next = tableCells(lines[i + 1]!);
          if (!next) break;
          i++;
          if (!isPipeSeparator(next)) rows.push({ cells: next, line: lines[i]!.number });
        }
        previous = lines[i];
        flushPending();
        last = this.readTable(rows, last);
        parent = undefined;
        continue;
      }

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

  /** Returns the entry a following line would describe. */
  private readTable(rows: readonly { cells: readonly string[]; line: number }[], before: Entry | undefined): Entry | undefined {
    let last = before;
    let owner: Entry | undefined;
    // One item past the limit is read, so that the entries know the agenda was cut.
    const room = MAX_AGENDA_ITEMS - this.entries.entries.length + 1;
    readAgendaRows(rows.map((r) => r.cells), room).forEach((reading, index) => {
      const { line, cells } = rows[index]!;
      if (this.entries.overflow) return;
      if (reading.kind === 'item') {
        const number = reading.line.number;
        // "3 a" under item 3 is its sub-item; under any other item it stands as the chair wrote it.
        if (number?.letter !== undefined && owner && owner.main === number.main) {
          last = this.entries.addSub(owner, reading.line, line) ?? owner;
          if (reading.description) this.entries.describe(last, reading.description);
          return;
        }
        last = this.entries.addTopLevel(reading.line, line, reading.itemKind, reading.description);
        owner = number?.letter === undefined ? last : undefined;
      } else if (reading.kind === 'note') {
        if (last) this.entries.describe(last, reading.text);
        else this.unparsed.push({ line, text: capText(reading.text, UNPARSED_TEXT_MAX) });
      } else if (reading.kind === 'unread') {
        this.unparsed.push({ line, text: capText(cells.join(' '), UNPARSED_TEXT_MAX) });
      }
    });
    return last;
  }

  private report(line: PreparedLine): void {
    this.unparsed.push({ line: line.number, text: capText(line.text, UNPARSED_TEXT_MAX) });
  }
}
