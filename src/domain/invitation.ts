/**
 * A whole invitation pasted as an agenda: a greeting, a participants list ("Deltagare",
 * "Närvarande", "Kallade"), the agenda, notes, "Nästkommande möten". The participants and the
 * next meetings are taken out, to be offered on their own, so they never become agenda items
 * and "Deltagare" never names the meeting. Pure; never throws.
 */
import { agendaHeading } from './agenda-headings.js';
import { findDates } from './swedish-dates.js';
import { type TextBlock, WHITESPACE, capText, markdownHeading, stripEmphasis, trimChars } from './text-lines.js';

export interface Participant {
  name: string;
  organisation?: string;
}

export interface InvitationParts {
  /** The message without the parts below; the whole message when it has neither. */
  agenda: TextBlock[];
  participants: Participant[];
  /** The next-meetings list as lines, for the schedule reader. */
  nextMeetings?: string;
  /** A participants or next-meetings section was found. */
  found: boolean;
}

/** More names than any council meeting invites are not read. */
export const MAX_PARTICIPANTS = 60;
const NAME_MAX = 120;

const PARTICIPANTS_RE = /^(?:deltagare|närvarande|kallade|kallas|inbjudna|participants|attendees|invited|present)$/iu;
const NEXT_RE = /^(?:nästkommande|kommande|nästa|följande|framtida|övriga)\s+möten(?:\s+\d{4})?$|^(?:mötesdatum|mötestider)(?:\s+\d{4})?$|^(?:next|upcoming|future)\s+meetings$/iu;
const SIGN_OFF_RE = /^(?:med\s+vänlig\s+hälsning|vänliga\s+hälsningar|hälsningar|mvh|best\s+regards|kind\s+regards|regards)(?![\p{L}])/iu;
const BULLET_RE = /^(?:[-*•·–—]|\d{1,2}[.)])\s+/u;

type Section = 'participants' | 'next';

/** "#### Deltagare", "**Nästkommande möten:** 18 mars": the section a line opens, and what follows its colon. */
function sectionHeading(line: string): { section: Section; rest: string } | undefined {
  const heading = markdownHeading(line);
  const plain = stripEmphasis(heading ? heading.text : line).trim();
  const colon = plain.indexOf(':');
  const word = trimChars(colon >= 0 ? plain.slice(0, colon) : plain, `${WHITESPACE}.`).replace(/\s+/g, ' ');
  const rest = colon >= 0 ? plain.slice(colon + 1).trim() : '';
  if (PARTICIPANTS_RE.test(word)) return { section: 'participants', rest };
  if (NEXT_RE.test(word)) return { section: 'next', rest };
  return undefined;
}

function endsSection(line: string): boolean {
  return markdownHeading(line) !== undefined || agendaHeading(stripEmphasis(line)) !== undefined || SIGN_OFF_RE.test(stripEmphasis(line).trim());
}

export function splitInvitation(blocks: readonly TextBlock[]): InvitationParts {
  const agenda: TextBlock[] = [];
  const participantLines: string[] = [];
  const nextLines: string[] = [];
  let found = false;
  for (const block of blocks) {
    if (block.kind !== 'text') {
      agenda.push(block);
      continue;
    }
    const kept: string[] = [];
    let open: { section: Section; original: string[]; entries: string[] } | undefined;
    // A section is only taken out when it holds what its heading promises: "Kommande möten" as
    // the last item of a plain agenda, with more items under it, stays on the agenda.
    const close = () => {
      if (!open) return;
      if (holds(open.section, open.entries)) {
        found = true;
        (open.section === 'participants' ? participantLines : nextLines).push(...open.entries);
      } else kept.push(...open.original);
      open = undefined;
    };
    for (const line of block.text.split('\n')) {
      const heading = sectionHeading(line);
      if (heading) {
        close();
        open = { section: heading.section, original: [line], entries: heading.rest === '' ? [] : [heading.rest] };
        continue;
      }
      if (open && (endsSection(line) || (line.trim() === '' && open.entries.length > 0))) close();
      if (!open) {
        kept.push(line);
        continue;
      }
      open.original.push(line);
      if (line.trim() !== '') open.entries.push(stripEmphasis(line).replace(BULLET_RE, '').trim());
    }
    close();
    if (kept.some((line) => line.trim() !== '')) agenda.push({ kind: 'text', text: kept.join('\n') });
  }
  if (!found) return { agenda: [...blocks], participants: [], found };
  const parts: InvitationParts = { agenda, participants: readParticipants(participantLines), found };
  if (nextLines.length > 0) parts.nextMeetings = nextLines.join('\n');
  return parts;
}

/** A person is named first: "Anna Ek", "Anna-Karin van der Berg"; a meeting list dates each line. */
const NAME_RE = /^\p{Lu}[\p{L}'’.-]*(?:\s+[\p{L}'’.-]+){1,4}(?:\s*(?:[,(–—;]|\s-\s)|$)/u;

function holds(section: Section, entries: readonly string[]): boolean {
  if (entries.length === 0) return false;
  if (section === 'next') return entries.every((entry) => findDates(entry).length > 0);
  return entries.every((entry) => entry.split(';').every((one) => NAME_RE.test(one.trim())));
}

/** Where the name stops: at the first comma, parenthesis or spaced dash. */
function nameEnd(text: string): number {
  const found = [text.indexOf(','), text.indexOf('('), ...[' – ', ' — ', ' - '].map((dash) => text.indexOf(dash))].filter((i) => i > 0);
  return found.length > 0 ? Math.min(...found) : text.length;
}

/** "Anna Ek, Region Halland", "Anna Ek (Region Halland)", "Anna Ek – Region Halland"; several on a line split at ";". */
export function readParticipants(lines: readonly string[]): Participant[] {
  const seen = new Set<string>();
  const out: Participant[] = [];
  for (const entry of lines.flatMap((line) => line.split(';'))) {
    const text = entry.replace(/\s+/g, ' ').trim();
    if (!/\p{L}/u.test(text)) continue;
    const cut = nameEnd(text);
    const name = capText(trimChars(text.slice(0, cut), `${WHITESPACE}.,`), NAME_MAX);
    const organisation = capText(trimChars(text.slice(cut), `${WHITESPACE}.,()–—-`), NAME_MAX);
    const key = name.toLocaleLowerCase('sv');
    if (name === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(organisation === '' ? { name } : { name, organisation });
    if (out.length >= MAX_PARTICIPANTS) break;
  }
  return out;
}
