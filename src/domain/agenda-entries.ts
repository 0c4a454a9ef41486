/**
 * The agenda being built: numbering, sub-item letters, repeats across slides, and the planned
 * times that follow from the items around each one.
 */
import { type AgendaItemKind, guessKind } from './agenda-kind.js';
import { type ItemLine, endFromDuration } from './agenda-line.js';
import { toMinutes } from './swedish-dates.js';
import { capText } from './text-lines.js';

export interface ParsedAgendaItem {
  /** "1", "2", "3 a": digits, then optionally a space and a lowercase letter. */
  number: string;
  title: string;
  presenters: string[];
  /** "HH:MM", as planned in the text. */
  start?: string;
  end?: string;
  durationMinutes?: number;
  kind: AgendaItemKind;
  description?: string;
  /** Flat list: sub-items are items numbered like "3 a". */
  children?: never;
}

export const MAX_AGENDA_ITEMS = 300;
const DESCRIPTION_MAX = 1_000;

export interface Entry {
  main: number;
  letter?: string;
  title: string;
  presenters: string[];
  start?: string;
  end?: string;
  durationMinutes?: number;
  kind: AgendaItemKind;
  description: string[];
  descriptionLength: number;
  sub: boolean;
  /** Last sub-item letter handed out under this item (a = 1). */
  lastLetter: number;
  key: string;
  /** The line the title came from, so a wrapped title ("…  ") can be joined to it. */
  line: number;
}

export class AgendaEntries {
  readonly entries: Entry[] = [];
  /** Set once an item beyond MAX_AGENDA_ITEMS was found; readers stop there. */
  overflow = false;
  private counter = 0;
  private earlier = new Map<string, Entry>();
  private current = new Map<string, Entry>();

  /** Items of a closed section are what a repeated slide repeats. */
  closeSection(): void {
    for (const [key, entry] of this.current) this.earlier.set(key, entry);
    this.current.clear();
  }

  describe(entry: Entry, text: string): void {
    const room = DESCRIPTION_MAX - entry.descriptionLength;
    const part = capText(text, room);
    if (part === '' || room <= 0) return;
    entry.description.push(part);
    entry.descriptionLength += part.length + 1;
  }

  /** Returns the entry the line now belongs to: a new one, or the earlier copy of a repeat. */
  addTopLevel(parsed: ItemLine, line: number, kind?: AgendaItemKind, description?: string): Entry {
    const key = `${parsed.number ? numberText(parsed.number.main, parsed.number.letter) : ''}|${normalise(parsed.title)}|${parsed.start ?? ''}`;
    const repeat = this.earlier.get(key);
    if (repeat) return repeat;
    // Numbers in the text are kept as written; unnumbered items continue from the last one.
    const main = parsed.number?.main ?? this.counter + 1;
    this.counter = main;
    const entry = this.push(parsed, line, main, parsed.number?.letter, key, kind);
    if (description) this.describe(entry, description);
    return entry;
  }

  /** Undefined when the letters ran out and the line went into the owner's description. */
  addSub(owner: Entry, parsed: ItemLine, line: number): Entry | undefined {
    const key = `${owner.key}>${normalise(parsed.title)}|${parsed.start ?? ''}`;
    const repeat = this.earlier.get(key);
    if (repeat) return repeat;
    let letterIndex = owner.lastLetter + 1;
    if (parsed.number?.letter !== undefined && parsed.number.main === owner.main) letterIndex = parsed.number.letter.charCodeAt(0) - 96;
    if (letterIndex > 26) {
      this.describe(owner, describedLine(parsed));
      return undefined;
    }
    owner.lastLetter = Math.max(owner.lastLetter, letterIndex);
    return this.push(parsed, line, owner.main, String.fromCharCode(96 + letterIndex), key);
  }

  private push(parsed: ItemLine, line: number, main: number, letter: string | undefined, key: string, kind?: AgendaItemKind): Entry {
    const entry: Entry = {
      main,
      title: parsed.title,
      presenters: parsed.presenters,
      kind: kind ?? guessKind(parsed.title),
      description: [],
      descriptionLength: 0,
      sub: letter !== undefined,
      lastLetter: 0,
      key,
      line,
    };
    if (letter !== undefined) entry.letter = letter;
    if (parsed.start !== undefined) entry.start = parsed.start;
    if (parsed.end !== undefined) entry.end = parsed.end;
    if (parsed.durationMinutes !== undefined) entry.durationMinutes = parsed.durationMinutes;
    if (this.entries.length >= MAX_AGENDA_ITEMS) {
      this.overflow = true;
      return entry;
    }
    this.entries.push(entry);
    this.current.set(key, entry);
    return entry;
  }

  items(): ParsedAgendaItem[] {
    planTimes(this.entries);
    return this.entries.map(toItem);
  }
}

/**
 * Ends follow from what the text gives: a range, a start plus a duration, or else the start of
 * the item after it. The last item keeps an open end.
 */
function planTimes(entries: Entry[]): void {
  entries.forEach((entry, i) => {
    if (entry.start === undefined || entry.end !== undefined) return;
    if (entry.durationMinutes !== undefined) {
      const end = endFromDuration(entry.start, entry.durationMinutes);
      if (end !== undefined) entry.end = end;
      return;
    }
    // Items are timed one after another, sub-items too: a main item whose sub-items carry their
    // own times ends where the first one starts; one with untimed sub-items spans them.
    const following = entries[i + 1];
    const next = !entry.sub && following?.sub && following.start === undefined ? entries.slice(i + 1).find((e) => !e.sub) : following;
    if (next?.start !== undefined && toMinutes(next.start) > toMinutes(entry.start)) entry.end = next.start;
  });
  for (const entry of entries) {
    if (entry.durationMinutes === undefined && entry.start !== undefined && entry.end !== undefined) {
      const minutes = toMinutes(entry.end) - toMinutes(entry.start);
      if (minutes > 0) entry.durationMinutes = minutes;
    }
  }
}

function toItem(entry: Entry): ParsedAgendaItem {
  const item: ParsedAgendaItem = {
    number: numberText(entry.main, entry.letter),
    title: entry.title,
    presenters: entry.presenters,
    kind: entry.kind,
  };
  if (entry.start !== undefined) item.start = entry.start;
  if (entry.end !== undefined) item.end = entry.end;
  if (entry.durationMinutes !== undefined) item.durationMinutes = entry.durationMinutes;
  if (entry.description.length > 0) item.description = entry.description.join('\n');
  return item;
}

function numberText(main: number, letter: string | undefined): string {
  return letter === undefined ? String(main) : `${main} ${letter}`;
}

function normalise(title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function describedLine(parsed: ItemLine): string {
  const time = parsed.start === undefined ? '' : `${parsed.start}${parsed.end ? `–${parsed.end}` : ''} `;
  const who = parsed.presenters.length > 0 ? ` (${parsed.presenters.join(', ')})` : '';
  return `${time}${parsed.title}${who}`;
}
