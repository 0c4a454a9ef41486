/**
 * Finds the council member a typed name refers to. Tiers run from the most to the least exact
 * and the first tier with any candidate decides: one candidate is the answer, several are
 * ambiguous. Never a guess between two equally good readings.
 *
 * Å, ä and ö are letters of their own in Swedish ("Åsa" and "Asa" are different names), so the
 * strict tiers keep them apart; people still type "Asa" on foreign keyboards, so the folded tiers
 * accept that, but only when no strict tier found anyone.
 */
import type { CouncilMember } from './council.js';
import { RuleError } from './errors.js';

export type MemberMatch =
  | { kind: 'one'; member: CouncilMember }
  | { kind: 'ambiguous'; candidates: CouncilMember[] }
  | { kind: 'none' };

type Tokens = readonly string[];
type Tier = (query: Tokens, name: Tokens) => boolean;

const SWEDISH_LETTERS = new Set(['å', 'ä', 'ö']);
const INITIAL_RE = /^\p{L}\.?$/u;

const full: Tier = (q, n) => q.length === n.length && q.every((t, i) => t === n[i]);
/** Middle names left out, or "Andersson Anna" as directories list people. */
const firstAndLast: Tier = (q, n) =>
  q.length === 2 && n.length >= 2 && ((q[0] === n[0] && q[1] === n.at(-1)) || (q[0] === n.at(-1) && q[1] === n[0]));
/** "Anna A." or "A. Andersson". */
const initials: Tier = (q, n) => {
  if (q.length !== 2 || n.length < 2) return false;
  const [a, b] = q as [string, string];
  const [first, last] = [n[0]!, n.at(-1)!];
  if (INITIAL_RE.test(b) && !INITIAL_RE.test(a)) return (a === first && last.startsWith(b[0]!)) || (a === last && first.startsWith(b[0]!));
  if (INITIAL_RE.test(a) && !INITIAL_RE.test(b)) return (b === last && first.startsWith(a[0]!)) || (b === first && last.startsWith(a[0]!));
  return false;
};
/** First name or surname alone; equally good, since directories put either first. */
const single: Tier = (q, n) => q.length === 1 && n.length >= 2 && (q[0] === n[0] || q[0] === n.at(-1));

const TIERS: readonly Tier[] = [full, firstAndLast, initials, single];

export function matchMember(nameText: string, members: readonly CouncilMember[]): MemberMatch {
  const strictQuery = tokens(nameText, strictKey);
  if (strictQuery.length === 0) return { kind: 'none' };
  const foldedQuery = tokens(nameText, foldedKey);
  const strictNames = members.map((m) => tokens(m.name, strictKey));
  const foldedNames = members.map((m) => tokens(m.name, foldedKey));
  const passes: [Tokens, Tokens[]][] = [
    [strictQuery, strictNames],
    [foldedQuery, foldedNames],
  ];
  for (const [query, names] of passes) {
    for (const tier of TIERS) {
      const found = unique(members.filter((_, i) => tier(query, names[i]!)));
      if (found.length === 1) return { kind: 'one', member: found[0]! };
      if (found.length > 1) return { kind: 'ambiguous', candidates: found };
    }
  }
  return { kind: 'none' };
}

/** The one member, or the error that makes the app ask who was meant. */
export function requireOneMember(match: MemberMatch, nameText: string): CouncilMember {
  if (match.kind === 'one') return match.member;
  if (match.kind === 'ambiguous') {
    throw new RuleError('error.actionOwnerAmbiguous', { name: nameText, candidates: match.candidates.map((m) => m.name).join(', ') });
  }
  throw new RuleError('error.actionOwnerUnknown', { name: nameText });
}

function unique(found: CouncilMember[]): CouncilMember[] {
  const seen = new Set<string>();
  return found.filter((m) => !seen.has(m.userId) && seen.add(m.userId));
}

/**
 * Words of a name, compared case-insensitively. Mentions ("<at>…</at>", "@"), bracketed notes
 * ("Anna Berg (HSF)") and "Surname, Firstname" are reduced to the name itself.
 */
function tokens(name: string, key: (s: string) => string): string[] {
  let text = String(name)
    .slice(0, 300)
    .replace(/<\/?at(?:\s[^<>]*)?>/gi, ' ')
    .replace(/\([^()]*\)|\[[^[\]]*\]/g, ' ')
    .replace(/^\s*@/, '');
  const comma = /^([^,]+),([^,]+)$/.exec(text);
  if (comma) text = `${comma[2]} ${comma[1]}`;
  return key(text)
    .split(/[\s,;:]+/u)
    // The look-behind lets the trailing run match only from its first character: linear on long runs.
    .map((t) => t.replace(/^[-'’]+|(?<![-'’])[-'’]+$/g, '').replace(/(\p{L}{2})\.$/u, '$1'))
    .filter((t) => /\p{L}/u.test(t));
}

function strictKey(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').toLowerCase()) out += SWEDISH_LETTERS.has(ch) ? ch : stripMarks(ch);
  return out;
}

function foldedKey(text: string): string {
  return stripMarks(text.normalize('NFC').toLowerCase()).replace(/æ/g, 'ae').replace(/ø/g, 'o');
}

function stripMarks(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}
