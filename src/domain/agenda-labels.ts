/**
 * The chair's own item numbers ("labels"): an imported agenda keeps the numbers it was written
 * with, so that "punkt 3 a" in the meeting, the minutes and the agenda sent out beforehand all
 * mean the same item. Items built in the bot without numbers keep computed ones (numberItems).
 */
import type { AgendaItemDraft, TimedAgendaItem } from './agenda.js';

const MAIN = /^(\d{1,4})$/;
const SUB = /^(\d{1,4}) ([a-z]{1,2})$/;

/**
 * "2 a", "2a", "2.a", "2 A", "2:a", "2 a.", "2)" → "2 a" / "2"; undefined for anything else.
 * Leading zeros go ("02" is 2), as an agenda's "02" is nobody's other item.
 */
export function normaliseItemNumber(text: string): string | undefined {
  const compact = text.toLocaleLowerCase('sv').replace(/[\s.:)]+/g, ' ').trim();
  const match = /^(\d{1,4}) ?([a-z]{1,2})?$/.exec(compact);
  if (!match) return undefined;
  const main = String(Number(match[1]));
  return match[2] ? `${main} ${match[2]}` : main;
}

export type NumberMatch<T> = { kind: 'one'; item: T } | { kind: 'ambiguous'; items: T[] } | { kind: 'missing'; items: T[] };

/** How many items a question offers as buttons: the Adaptive Cards host default shows five actions. */
export const MAX_CANDIDATES = 5;

/**
 * The item the chair numbered `number`. Two items with that number, or none, is a question for
 * the chair, never a guess: the candidates are the items with that number, or for a number that
 * is not there (removed, or never on the agenda) the items nearest to it.
 */
export function findByNumber<T extends Pick<TimedAgendaItem, 'number' | 'id'>>(items: readonly T[], wanted: string): NumberMatch<T> {
  const number = normaliseItemNumber(wanted) ?? wanted.trim();
  const same = items.filter((i) => i.number !== '' && (normaliseItemNumber(i.number) ?? i.number) === number);
  if (same.length === 1) return { kind: 'one', item: same[0]! };
  if (same.length > 1) return { kind: 'ambiguous', items: same };
  const main = Number(/^\d+/.exec(number)?.[0] ?? Number.NaN);
  const numbered = items.map((item, index) => ({ item, index, main: Number(/^\d+/.exec(item.number)?.[0] ?? Number.NaN) }));
  const underIt = numbered.filter((n) => n.main === main);
  const pool = underIt.length > 0 ? underIt : numbered.filter((n) => !/\s/.test(n.item.number));
  const distance = (n: { main: number; index: number }) => (Number.isNaN(n.main) || Number.isNaN(main) ? Number.MAX_SAFE_INTEGER : Math.abs(n.main - main));
  const nearest = [...pool].sort((a, b) => distance(a) - distance(b) || a.index - b.index).slice(0, MAX_CANDIDATES);
  return { kind: 'missing', items: nearest.sort((a, b) => a.index - b.index).map((n) => n.item) };
}

/** "3. Title", or the title alone for an item that has no number. */
export function numberedTitle(number: string, title: string): string {
  return number ? `${number}. ${title}` : title;
}

const PREVIOUS_MINUTES = [
  /föregående\s+(mötes?|sammanträdes?)\s+(minnes)?(anteckningar|protokoll)/iu,
  /föregående\s+(minnes)?(anteckningar|protokoll)/iu,
  /(minnes)?(anteckningar|protokoll)\s+(från|fr\.?)\s+(föregående|förra|senaste)\s+(möte|sammanträde)/iu,
  /förra\s+(mötets|sammanträdets)\s+(minnes)?(anteckningar|protokoll)/iu,
  /previous\s+(meeting'?s?\s+)?(minutes|notes)/iu,
  /(minutes|notes)\s+(of|from)\s+the\s+(previous|last)\s+meeting/iu,
];

/** An imported item that is the standing item on the previous meeting's notes, by its title. */
export function isPreviousMinutesTitle(title: string): boolean {
  return PREVIOUS_MINUTES.some((re) => re.test(title));
}

function sameTitle(a: string, b: string): boolean {
  const norm = (s: string) => s.toLocaleLowerCase('sv').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return norm(a) === norm(b);
}

/**
 * The agenda after an import: the chair's items with their numbers, and the standing items
 * (the previous meeting's notes, items tabled or referred back) where the chair's agenda already
 * has them, recognised by title so that none is doubled. Those the chair's agenda does not
 * have go before its item 1 and take no number: a secretary expects the agenda sent out to read
 * as it was written, "punkt 1" to stay the chair's item 1, and an unnumbered opening item is
 * what Swedish agendas already do with preliminaries, where a "0" or a shifted list is not.
 */
export function mergeImported(current: readonly AgendaItemDraft[], imported: readonly AgendaItemDraft[]): AgendaItemDraft[] {
  const items = imported.map((i) => ({ ...i }));
  const before: AgendaItemDraft[] = [];
  for (const kept of current.filter((i) => i.standing || i.carriedFrom)) {
    const same = kept.standing
      ? items.find((i) => !i.standing && !i.carriedFrom && isPreviousMinutesTitle(i.title))
      : items.find((i) => !i.standing && !i.carriedFrom && sameTitle(i.title, kept.title));
    if (same) {
      if (kept.standing) same.standing = kept.standing;
      if (kept.carriedFrom) {
        same.carriedFrom = kept.carriedFrom;
        if (!same.description && kept.description) same.description = kept.description;
      }
      continue;
    }
    const { label: _none, ...unnumbered } = kept;
    before.push({ ...unnumbered, level: 0 });
  }
  return [...before, ...items];
}

function letterIndex(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 96);
  return n;
}

function letters(n: number): string {
  let out = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) out = String.fromCharCode(97 + ((rest - 1) % 26)) + out;
  return out;
}

/**
 * Labels kept sane through the chair's edits of a numbered agenda. An item keeps its number when
 * it is moved or others are removed ("punkt 4 utgår", and the rest keep theirs, as on paper), so
 * the numbers people have in the agenda they were sent still find their items. What would read
 * wrong is renumbered, and only that: an item added in the bot gets the next free number (a
 * sub-item the next free letter under its item), a sub-item moved under another item takes the
 * next letter there, a sub-item made a main item the next free number. A sub-item whose number
 * has no main item ("3 a" with no 3, as written or after 3 was removed) keeps it. Unnumbered
 * standing and returning items stay unnumbered. An agenda without labels is left to computed numbers.
 */
export function relabel(items: readonly AgendaItemDraft[]): AgendaItemDraft[] {
  if (!items.some((i) => i.label)) return [...items];
  let maxMain = 0;
  const mains = new Set<number>();
  const lastLetter = new Map<number, number>();
  items.forEach((item, index) => {
    const main = MAIN.exec(item.label ?? '');
    const sub = SUB.exec(item.label ?? '');
    if (main && (index === 0 || item.level === 0)) mains.add(Number(main[1]));
    if (main) maxMain = Math.max(maxMain, Number(main[1]));
    if (sub) {
      maxMain = Math.max(maxMain, Number(sub[1]));
      lastLetter.set(Number(sub[1]), Math.max(lastLetter.get(Number(sub[1])) ?? 0, letterIndex(sub[2]!)));
    }
  });
  const nextLetter = (main: number) => {
    const n = (lastLetter.get(main) ?? 0) + 1;
    lastLetter.set(main, n);
    return letters(n);
  };
  let parent: number | undefined;
  return items.map((item, index) => {
    const level = index === 0 ? 0 : item.level;
    const { label: _old, ...rest } = item;
    if (level === 0) {
      const main = MAIN.exec(item.label ?? '');
      if (main) {
        parent = Number(main[1]);
        return item;
      }
      if (!item.label && (item.standing || item.carriedFrom)) {
        parent = undefined;
        return item;
      }
      maxMain += 1;
      parent = maxMain;
      return { ...rest, label: String(maxMain) };
    }
    // "3 a" stays under 3, and so does a "3 a" the chair wrote without an item 3 (or whose 3 was removed).
    const sub = SUB.exec(item.label ?? '');
    if (sub && (Number(sub[1]) === parent || !mains.has(Number(sub[1])))) return item;
    if (parent === undefined) return rest;
    return { ...rest, label: `${parent} ${nextLetter(parent)}` };
  });
}
