/**
 * Which headings open an agenda ("# Agenda 2024-09-10", "Dagens punkter", "Dagordning för …")
 * and which lines only name the meeting or its date.
 */
import { WEEKDAY_RE, findDates, formatDate, isValidDate } from './swedish-dates.js';
import { type PreparedLine, WHITESPACE, capText, hasLetter, markdownHeading, stripEmphasis, trimChars } from './text-lines.js';
import { TITLE_MAX } from './agenda-line.js';

export interface AgendaHeading {
  date?: string;
  /** "Dagordning för Regionala rådet" names the meeting. */
  title?: string;
}

const KEYWORD_RE =
  /^(?:(agenda|dagordning(?:en)?|dagens\s+(?:punkter|agenda|dagordning)|föredragningslista(?:n)?|ärendelista(?:n)?|mötesagenda|order\s+of\s+business)|(program(?:met)?|dagens\s+program|programme))(?![\p{L}\p{N}])/iu;
// On text with whitespace collapsed: a run of spaces would be rescanned from each of its spaces.
const CONTINUED_RE = /\(? ?(?:forts\.?|fortsättning|fortsatt|cont\.?|continued|del \d+|part \d+) ?\)?/giu;
const CONNECTOR_RE = /^(?:för|for|of|till|vid|at)(?![\p{L}\p{N}])|^[:–—\-|,]/iu;

/**
 * Reads a heading (or a short plain line) as an agenda heading. Anything more than a date or a
 * "(forts.)" after the keyword must be introduced ("för …", "– …"): "Agenda kommer skickas ut"
 * is a sentence, and "Programmet för hjärtsvikt" is a slide, not a programme.
 */
export function agendaHeading(text: string): AgendaHeading | undefined {
  const plain = stripEmphasis(text).trim().replace(/\s+/g, ' ');
  const m = KEYWORD_RE.exec(plain);
  if (!m) return undefined;
  const strict = m[2] !== undefined;
  const rest = plain.slice(m[0].length);
  const result: AgendaHeading = {};
  const dates = findDates(rest);
  const dated = dates.find((d) => d.year !== undefined && isValidDate(d.year, d.month, d.day));
  if (dated) result.date = formatDate(dated.year!, dated.month, dated.day);
  let remaining = rest;
  for (const d of [...dates].reverse()) remaining = remaining.slice(0, d.index) + ' ' + remaining.slice(d.index + d.length);
  remaining = remaining.replace(/\s+/g, ' ').replace(CONTINUED_RE, ' ').replace(WEEKDAY_RE, ' ').trim();
  if (!hasLetter(remaining)) return result;
  if (strict || !CONNECTOR_RE.test(remaining)) return undefined;
  const title = capText(trimChars(remaining.replace(CONNECTOR_RE, ''), `${WHITESPACE}:–—-|,.()`).replace(/\s+/g, ' '), TITLE_MAX);
  if (title !== '') result.title = title;
  return result;
}

/** A line that is only a date ("2026-03-26", "Torsdag 26 mars 2026") dates the meeting. */
export function dateOnlyLine(text: string): string | undefined {
  const dates = findDates(text);
  const d = dates[0];
  if (dates.length !== 1 || !d || d.year === undefined || !isValidDate(d.year, d.month, d.day)) return undefined;
  const rest = (text.slice(0, d.index) + ' ' + text.slice(d.index + d.length)).replace(WEEKDAY_RE, ' ');
  return /^[\s,.:;–—\-()*]*$/u.test(rest) ? formatDate(d.year, d.month, d.day) : undefined;
}

/** "Välkomna!" opens many slide decks and names nothing. */
export function isGreeting(text: string): boolean {
  return /^(?:välkommen|välkomna|varmt välkomna|welcome|hej|hello)(?![\p{L}])/iu.test(text.trim());
}

export interface AgendaSection {
  /** Line indexes, the heading excluded. */
  from: number;
  to: number;
  heading: AgendaHeading;
}

/**
 * The parts of a document that are agenda: from each agenda heading to the next heading of the
 * same or a higher level. Deeper headings inside group its items; a sibling heading is the next
 * slide. An agenda opened by a plain line ends at any markdown heading.
 */
export function agendaSections(lines: readonly PreparedLine[]): AgendaSection[] {
  const openers = lines.flatMap((line, index) => {
    const opener = agendaOpener(line);
    return opener ? [{ index, ...opener }] : [];
  });
  return openers.map((opener, i) => {
    const limit = openers[i + 1]?.index ?? lines.length;
    let to = opener.index + 1;
    while (to < limit && !endsSection(lines[to]!, opener.level)) to++;
    return { from: opener.index + 1, to, heading: opener.heading };
  });
}

function agendaOpener(line: PreparedLine): { level: number; heading: AgendaHeading } | undefined {
  const markdown = markdownHeading(line.text);
  if (markdown) {
    const heading = agendaHeading(markdown.text);
    return heading ? { level: markdown.level, heading } : undefined;
  }
  // A plain "Agenda" line counts too, but only a short one at the margin: never a bullet.
  if (line.indent > 0 || line.text.length > 80 || /^[-*•–—\d]/u.test(line.text)) return undefined;
  const heading = agendaHeading(line.text);
  return heading ? { level: 0, heading } : undefined;
}

function endsSection(line: PreparedLine, level: number): boolean {
  const heading = markdownHeading(line.text);
  return heading !== undefined && (level === 0 || heading.level <= level);
}
