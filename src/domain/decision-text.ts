/**
 * A decision written in the conversation: "Beslut: Ärendet bordläggs på grund av att underlaget
 * saknas." The text is kept whole, as it goes into the minutes; the outcome and reason are read
 * from it for the card, where the user can correct them.
 */
import type { DecisionOutcome } from './decision.js';

export type DecisionProblem = 'noText' | 'noReason' | 'ambiguousOutcome';

export interface ParsedDecision {
  text: string;
  outcome: DecisionOutcome;
  reason?: string;
  problems: DecisionProblem[];
}

const PREFIX_RE = /^\s*(?:beslut|decision)\s*:\s*/iu;
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
// Verb forms only: "yrkandet om återremiss avslås" is a decision against referring back.
const TABLED_RE = new RegExp(
  `${B}(?:bordl(?:äggs|ägges|ägger|ägga|agt|agd|agda)|tabled|table\\s+(?:the|this)\\s+(?:item|matter|issue|proposal|case))${E}`,
  'giu',
);
const REFERRED_RE = new RegExp(
  `${B}(?:återremitt(?:eras|erar|era|erat|erad|erade)|referred\\s+back|refers?(?:\\s+[\\p{L}]+){0,3}?\\s+back)${E}`,
  'giu',
);
const NEGATION = new Set(['inte', 'ej', 'icke', 'aldrig', 'not', 'never']);

// Causes lose their marker ("på grund av att underlaget saknas" → "Underlaget saknas");
// purposes keep it, because "för komplettering" reads as the reason itself.
const CAUSE_RE = new RegExp(
  `${B}(?:på\\s+grund\\s+av|p\\.?g\\.?a\\.?|med\\s+anledning\\s+av|eftersom|because(?:\\s+of)?|due\\s+to|owing\\s+to)(?:\\s+att)?${E}\\s*`,
  'iu',
);
const PURPOSE_RE = new RegExp(`${B}(?:i\\s+avvaktan\\s+på|i\\s+väntan\\s+på|för|pending|awaiting|for|in\\s+order\\s+to|to\\s+allow)${E}`, 'iu');

export function parseDecisionText(input: string): ParsedDecision {
  const text = normalise(String(input)).replace(PREFIX_RE, '');
  const problems: DecisionProblem[] = [];
  if (!/[\p{L}\p{N}]/u.test(text)) return { text: '', outcome: 'decided', problems: ['noText'] };

  const tabled = firstAffirmed(text, TABLED_RE);
  const referred = firstAffirmed(text, REFERRED_RE);
  let outcome: DecisionOutcome = 'decided';
  let verbEnd = 0;
  if (tabled && referred) problems.push('ambiguousOutcome');
  const first = tabled && referred ? (tabled.index <= referred.index ? tabled : referred) : (tabled ?? referred);
  if (first) {
    outcome = first === tabled ? 'tabled' : 'referredBack';
    verbEnd = first.index + first.length;
  }

  const result: ParsedDecision = { text: capitalise(text), outcome, problems };
  if (outcome !== 'decided') {
    const reason = findReason(text, verbEnd);
    if (reason) result.reason = reason;
    else problems.push('noReason');
  }
  return result;
}

function firstAffirmed(text: string, re: RegExp): { index: number; length: number } | undefined {
  for (const m of text.matchAll(re)) {
    const before = text.slice(Math.max(0, m.index - 30), m.index).toLowerCase().split(/[^\p{L}]+/u).filter(Boolean).slice(-2);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12).toLowerCase().split(/[^\p{L}]+/u).filter(Boolean)[0];
    if (before.some((w) => NEGATION.has(w)) || (after !== undefined && NEGATION.has(after))) continue;
    return { index: m.index, length: m[0].length };
  }
  return undefined;
}

function findReason(text: string, verbEnd: number): string | undefined {
  const cause = CAUSE_RE.exec(text);
  if (cause) return sentence(text.slice(cause.index + cause[0].length));
  const purpose = PURPOSE_RE.exec(text.slice(verbEnd));
  if (purpose) return sentence(text.slice(verbEnd + purpose.index));
  return undefined;
}

/** Up to the end of the sentence, so the rest of a longer decision does not become the reason. */
function sentence(text: string): string | undefined {
  const end = text.search(/[.!?](?:\s|$)|\n/);
  // The look-behind lets the trailing run match only from its first character: linear on long runs.
  const reason = (end < 0 ? text : text.slice(0, end)).trim().replace(/(?<![,;:])[,;:]+$/, '').trim();
  return /\p{L}/u.test(reason) ? capitalise(reason) : undefined;
}

/** Lines are kept (a decision may list several "att"-clauses), spaces within them collapsed. */
function normalise(text: string): string {
  return text
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .split(/\r\n|[\r\n\u2028\u2029]/)
    .map((line) => line.replace(/[\s\u00A0]+/g, ' ').trim())
    .filter((line, i, lines) => line !== '' || (i > 0 && lines[i - 1] !== ''))
    .join('\n')
    .trim();
}

function capitalise(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined) return text;
  const head = String.fromCodePoint(first);
  const upper = head.toUpperCase();
  return upper.length === head.length ? upper + text.slice(head.length) : text;
}
