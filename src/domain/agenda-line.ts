/**
 * One agenda line taken apart: bullet, number ("3 a", "§ 4"), planned time, title, presenters and
 * an explicit duration. Knows nothing about the lines around it.
 */
import { findTime, fromMinutes, toMinutes } from './swedish-dates.js';
import { WHITESPACE, capText, stripEmphasis, trimChars } from './text-lines.js';

export const TITLE_MAX = 200;
const PRESENTERS_MAX = 10;
const LABEL_WINDOW = 160;
const PRESENTER_MAX = 100;

export interface ItemNumber {
  main: number;
  /** "3 a" → "a"; "3.1" → "a" as well, since the result only knows letters. */
  letter?: string;
}

export interface ItemLine {
  marker: 'bullet' | 'number' | 'time' | 'none';
  number?: ItemNumber;
  start?: string;
  end?: string;
  durationMinutes?: number;
  /** May be empty or without letters ("- 13.00"); the caller decides what such a line means. */
  title: string;
  presenters: string[];
}

// "-", "*", "+" and dashes need a space after them, or "-5 %" and "**bold**" would be bullets.
const BULLET_RE = /^(?:[-*+–—](?=\s)|[•·▪◦‣➢►▶→❖➤✓✔☐☑■□])\s*/u;
const CHECK_RE = /^[✓✔☐☑■□➢►▶→]\s*/u;
const NUMBER_RE =
  /^\(?(?:(§|punkt|p\.|ärende|item|point)\s*)?(\d{1,3})(?:\.(\d{1,2})(?![\d.]))?(?:\s?([a-zA-Z])(?=[.):]|\s|$))?(\s*[.):]|\s|$)/iu;
const DURATION_RE =
  /(?:[(\[]\s*(?:ca\.?\s*)?(\d{1,3}(?:[.,]\d{1,2})?)\s*(min|mins|minuter|minutes|minuters|m|h|tim|timme|timmar|hour|hours|hrs?)\.?\s*[)\]])|(?:(?<![\p{L}\p{N}.,:])(?:ca\.?\s*)?(\d{1,3}(?:[.,]\d{1,2})?)\s*(min|mins|minuter|minutes|minuters|h|tim|timme|timmar|hour|hours|hrs?)\.?(?![\p{L}\p{N}]))/iu;
const PRESENTER_LABEL_RE =
  /(?:^|[\s,;(–—-])(?:föredragande|föredras av|ansvarig|presentatör|presenter|presenters|presented by|talare|speaker|lead)\s*(?:[:\-–]\s*)?([^()\s]+(?:\s+[^()\s]+)*)\)?\s*$/iu;
const NAME_WORD_RE = /^(?:\p{Lu}[\p{L}'’.\-]*|von|van|der|den|de|af|la|du|di|da|el)$/u;

export function parseItemText(text: string): ItemLine {
  let rest = text.trim();
  let marker: ItemLine['marker'] = 'none';
  const bullet = BULLET_RE.exec(rest);
  if (bullet) {
    marker = 'bullet';
    rest = rest.slice(bullet[0].length).replace(CHECK_RE, '');
  }

  let time = leadingTime(rest);
  let number: ItemNumber | undefined;
  if (time) {
    rest = rest.slice(time.length);
  } else {
    const parsed = leadingNumber(rest);
    if (parsed) {
      number = parsed.number;
      rest = parsed.rest;
      time = leadingTime(rest);
      if (time) rest = rest.slice(time.length);
    }
  }
  if (marker === 'none') marker = number ? 'number' : time ? 'time' : 'none';

  let title = rest;
  let presenters: string[] = [];
  if (!time) {
    const inner = findTime(rest, 'edges');
    if (inner) {
      time = { start: inner.start, end: inner.reversed ? undefined : inner.end, length: 0 };
      title = rest.slice(0, inner.index);
      const after = trimSeparators(rest.slice(inner.index + inner.length));
      const names = readNames(after);
      if (names) presenters = names;
      else if (after !== '') title = `${title} ${after}`;
    }
  }

  const duration = DURATION_RE.exec(title);
  let durationMinutes: number | undefined;
  if (duration) {
    durationMinutes = minutesOf(duration[1] ?? duration[3]!, duration[2] ?? duration[4]!);
    if (durationMinutes !== undefined) title = title.slice(0, duration.index) + ' ' + title.slice(duration.index + duration[0].length);
  }

  if (presenters.length === 0) {
    // Labels stand at the end; looking only there keeps long hostile lines linear.
    const offset = Math.max(0, title.length - LABEL_WINDOW);
    const label = PRESENTER_LABEL_RE.exec(title.slice(offset));
    const names = label ? splitNames(label[1]!) : [];
    if (label && names.length > 0 && trimSeparators(title.slice(0, offset + label.index)) !== '') {
      presenters = names;
      title = title.slice(0, offset + label.index);
    }
  }

  const result: ItemLine = { marker, title: cleanTitle(title), presenters: presenters.slice(0, PRESENTERS_MAX) };
  if (number) result.number = number;
  if (time) {
    result.start = time.start;
    if (time.end !== undefined) result.end = time.end;
  }
  if (durationMinutes !== undefined) result.durationMinutes = durationMinutes;
  return result;
}

interface LeadingTime {
  start: string;
  end?: string;
  length: number;
}

function leadingTime(text: string): LeadingTime | undefined {
  const t = findTime(text, 'edges');
  if (!t || t.index !== 0) return undefined;
  // "16.00-14.00" is a typo we cannot resolve; the start is still what the chair wrote first.
  return t.end !== undefined && !t.reversed ? { start: t.start, end: t.end, length: t.length } : { start: t.start, length: t.length };
}

function leadingNumber(text: string): { number: ItemNumber; rest: string } | undefined {
  const m = NUMBER_RE.exec(text);
  if (!m) return undefined;
  const [whole, prefix, main, sub, letter, terminator] = m;
  const rest = text.slice(whole.length).trimStart();
  // "10 juni" and "3 personer" are text; "1 Inledning" and "§ 4 Beslut" are numbered items.
  const bareSpace = terminator !== undefined && !/[.):]/.test(terminator);
  if (bareSpace && !prefix && !letter && !sub && !/^[\p{Lu}"'“”«]/u.test(rest) && !leadingTime(rest)) return undefined;
  // "Punkt 3" on its own is a title that happens to end in a number.
  if (prefix && prefix !== '§' && !/\p{L}/u.test(rest)) return undefined;
  const number: ItemNumber = { main: Number(main) };
  if (letter) number.letter = letter.toLowerCase();
  else if (sub !== undefined) {
    const index = Number(sub);
    if (index < 1 || index > 26) return undefined;
    number.letter = String.fromCharCode(96 + index);
  }
  return { number, rest };
}

function minutesOf(amount: string, unit: string): number | undefined {
  const value = Number(amount.replace(',', '.'));
  const hours = /^(h|tim|timme|timmar|hour|hours|hrs?)$/i.test(unit);
  const minutes = Math.round(hours ? value * 60 : value);
  return minutes > 0 && minutes <= 24 * 60 ? minutes : undefined;
}

/** A duration written next to a start gives the end; nothing else does. */
export function endFromDuration(start: string, durationMinutes: number): string | undefined {
  return fromMinutes(toMinutes(start) + durationMinutes);
}

/** Text after a time ("… 13:00–13:10 Aslak, Björn Berg") names presenters only if it reads as names. */
export function readNames(text: string): string[] | undefined {
  if (text === '') return undefined;
  const names = splitNames(text);
  const allNames = names.length > 0 && names.every((name) => {
    const words = name.split(/\s+/);
    return words.length <= 5 && !/\p{N}/u.test(name) && words.every((w) => NAME_WORD_RE.test(w));
  });
  return allNames ? names : undefined;
}

export function splitNames(text: string): string[] {
  return text
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    // Whitespace is single spaces by now, so " ?" is all a separator needs and nothing is rescanned.
    .split(/ ?(?:[,;&+/]|(?<![\p{L}])(?:och|and)(?![\p{L}])) ?/u)
    .map((name) => capText(name.replace(/\s+/g, ' '), PRESENTER_MAX))
    .filter((name) => name !== '')
    .slice(0, PRESENTERS_MAX);
}

function trimSeparators(text: string): string {
  return trimChars(text, `${WHITESPACE},;:|–—-`);
}

export function cleanTitle(text: string): string {
  const plain = stripEmphasis(text).replace(/\s+/g, ' ').replace(/\(\s*\)/g, '');
  return capText(trimSeparators(plain.replace(/^[.)]+/, '')), TITLE_MAX);
}
