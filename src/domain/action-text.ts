/**
 * An action item as typed in chat after "Åtgärd:" / "Action:": "Helena kommunicerar beslutet
 * till nämnderna senast 15/4". The parser only reads; what it could not read comes back as
 * problems, and the app asks the user instead of guessing.
 */
import { findDuePhrase } from './action-due.js';
import { splitOwner } from './action-owner.js';
import { RuleError } from './errors.js';
import { parseIsoDate } from './swedish-dates.js';

export type ActionProblem = 'noOwner' | 'noText' | 'invalidDate' | 'pastDate';

export interface ParsedAction {
  /** The owner's name as written, to be matched against the council's members. */
  ownerText?: string;
  /** The owner was a Teams mention or "@Name". */
  ownerMention?: boolean;
  /** The task without owner and due phrase, first letter capitalised. */
  text: string;
  /** YYYY-MM-DD; set for a past date too, so the answer can name it. */
  due?: string;
  /** The date as the user wrote it ("15/4", "fredag"), also when it does not exist. */
  dueText?: string;
  problems: ActionProblem[];
}

export const ACTION_TEXT_MAX = 1_000;

const PREFIX_RE = /^(?:åtgärd|action(?:\s+item)?)\s*:\s*/iu;
const INVISIBLES_RE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SPACES_RE = /[\s\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/gu;
const EDGE_PUNCTUATION = ' ,;:–—−-';

/** `today` is the council's date (YYYY-MM-DD); dates without a year are its next occurrence. */
export function parseActionText(input: string, options: { today: string }): ParsedAction {
  const today = parseIsoDate(options.today);
  if (!today) throw new RangeError(`Invalid today: ${options.today}`);
  const normalised = String(input).replace(INVISIBLES_RE, '').replace(SPACES_RE, ' ').trim().replace(PREFIX_RE, '');

  const owner = splitOwner(normalised);
  let task = owner.rest;
  const result: ParsedAction = { text: '', problems: [] };
  if (owner.ownerText !== undefined) {
    result.ownerText = owner.ownerText;
    result.ownerMention = owner.mention;
  } else {
    result.problems.push('noOwner');
  }

  const phrase = findDuePhrase(task, today);
  if (phrase) {
    task = cutPhrase(task, phrase.index, phrase.index + phrase.length);
    result.dueText = phrase.dueText;
    if (phrase.due !== undefined) result.due = phrase.due;
    if (phrase.problem !== undefined) result.problems.push(phrase.problem);
  }

  result.text = capitalise(trimEdges(task.replace(/ {2,}/g, ' ')));
  if (!/[\p{L}\p{N}]/u.test(result.text)) {
    result.text = '';
    result.problems.push('noText');
  }
  return result;
}

/** The first problem as the error the app shows; undefined when the item can be saved. */
export function actionProblemError(parsed: ParsedAction): RuleError | undefined {
  if (parsed.problems.includes('noText')) return new RuleError('error.actionTextMissing');
  if (parsed.problems.includes('noOwner')) return new RuleError('error.actionOwnerMissing');
  if (parsed.problems.includes('invalidDate')) return new RuleError('error.actionDueInvalid', { date: parsed.dueText ?? '' });
  if (parsed.problems.includes('pastDate')) return new RuleError('error.actionDuePast', { date: parsed.due ?? parsed.dueText ?? '' });
  if (parsed.text.length > ACTION_TEXT_MAX) return new RuleError('error.actionTextTooLong', { max: ACTION_TEXT_MAX });
  return undefined;
}

/** Cuts the phrase, and the brackets around it: "(senast 15/4)". */
function cutPhrase(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  const before = text.slice(0, from).trimEnd();
  const after = text.slice(to).trimStart();
  if (before.endsWith('(') && after.startsWith(')')) {
    from = before.length - 1;
    to = text.length - after.length + 1;
  }
  const left = text.slice(0, from).trimEnd();
  const right = text.slice(to).trimStart();
  return /^[,.;:!?]/.test(right) ? left + right : `${left} ${right}`;
}

function trimEdges(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && EDGE_PUNCTUATION.includes(text[from]!)) from++;
  while (to > from && EDGE_PUNCTUATION.includes(text[to - 1]!)) to--;
  let trimmed = text.slice(from, to);
  // The sentence's full stop goes, an abbreviation's ("m.m.") stays.
  if (trimmed.endsWith('.') && !/\.\p{L}\.$/u.test(trimmed)) trimmed = trimEdges(trimmed.slice(0, -1));
  return trimmed;
}

function capitalise(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined) return text;
  const head = String.fromCodePoint(first);
  return head.toUpperCase().length === head.length ? head.toUpperCase() + text.slice(head.length) : text;
}
