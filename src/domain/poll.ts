/**
 * Polls (omröstningar): what a valid poll and a valid ballot are, and the tally. Pure: the
 * store keeps ballots, the app decides who may vote, this file only counts.
 */
import { RuleError } from './errors.js';

export const POLL_QUESTION_MAX = 500;
export const POLL_OPTION_MAX = 200;
export const POLL_OPTIONS_MIN = 2;
export const POLL_OPTIONS_MAX = 20;
/** A poll runs at most this long; a longer one is a mistake in the date. */
export const POLL_LONGEST_DAYS = 90;
/**
 * An anonymous poll shows counts while open only once this many have voted: with live counts
 * after one or two votes, each voter could subtract the counts they saw before their own vote.
 */
export const ANONYMOUS_LIVE_MIN_VOTERS = 5;

export const RESULTS_VISIBILITY = ['live', 'afterClose'] as const;
export type ResultsVisibility = (typeof RESULTS_VISIBILITY)[number];

export type PollStatus = 'open' | 'closed';

export interface PollOption {
  id: string;
  text: string;
}

export interface PollSettings {
  question: string;
  options: readonly string[];
  /** 1 for a single choice; more lets a member tick up to that many. */
  maxChoices: number;
  anonymous: boolean;
  resultsVisibility: ResultsVisibility;
  /** ISO instant, or null for a poll the chair closes. */
  deadline: string | null;
  /** Minutes before the deadline when those who have not voted are reminded; null for none. */
  remindBeforeMinutes: number | null;
}

export interface Poll extends Omit<PollSettings, 'options'> {
  id: string;
  councilId: string;
  meetingId: string | null;
  agendaItemId: string | null;
  options: PollOption[];
  status: PollStatus;
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  /** The poll card's message, updated as votes come in. */
  activityId: string | null;
  /** A closed anonymous poll keeps only these counts; its ballots are deleted when it closes. */
  counted: Counted | null;
  version: number;
}

/** Votes per option id and how many voted: all that remains of an anonymous poll once closed. */
export interface Counted {
  voters: number;
  votes: Record<string, number>;
}

export interface CheckedPoll extends Omit<PollSettings, 'options'> {
  options: string[];
}

/** Option texts compared as a person reads them: "Ja" and " ja " are the same option. */
function sameText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('sv');
}

export function checkPoll(input: PollSettings, now: string): CheckedPoll {
  const question = input.question.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(question)) throw new RuleError('error.pollQuestionMissing');
  if (question.length > POLL_QUESTION_MAX) throw new RuleError('error.pollQuestionTooLong', { max: POLL_QUESTION_MAX });
  const options = input.options.map((o) => o.replace(/\s+/g, ' ').trim()).filter((o) => o !== '');
  if (options.length < POLL_OPTIONS_MIN || options.length > POLL_OPTIONS_MAX) {
    throw new RuleError('error.pollOptionCount', { min: POLL_OPTIONS_MIN, max: POLL_OPTIONS_MAX, count: options.length });
  }
  const long = options.find((o) => o.length > POLL_OPTION_MAX);
  if (long) throw new RuleError('error.pollOptionTooLong', { max: POLL_OPTION_MAX });
  const seen = new Set<string>();
  for (const option of options) {
    const key = sameText(option);
    if (seen.has(key)) throw new RuleError('error.pollOptionDuplicate', { option });
    seen.add(key);
  }
  if (!Number.isInteger(input.maxChoices) || input.maxChoices < 1 || input.maxChoices > options.length) {
    throw new RuleError('error.pollMaxChoices', { max: options.length });
  }
  if (input.deadline !== null) {
    const at = Date.parse(input.deadline);
    if (Number.isNaN(at)) throw new RuleError('error.pollDeadlineInvalid');
    if (at <= Date.parse(now)) throw new RuleError('error.pollDeadlinePast');
    if (at - Date.parse(now) > POLL_LONGEST_DAYS * 86_400_000) throw new RuleError('error.pollDeadlineFar', { days: POLL_LONGEST_DAYS });
  }
  const remind = input.remindBeforeMinutes;
  if (remind !== null && (!Number.isInteger(remind) || remind < 1 || input.deadline === null)) throw new RuleError('error.pollReminderInvalid');
  return { ...input, question, options };
}

/** A ballot's choices, checked against the poll: existing options, none twice, within the maximum. */
export function checkBallot(poll: Pick<Poll, 'options' | 'maxChoices' | 'status'>, choices: readonly string[]): string[] {
  if (poll.status !== 'open') throw new RuleError('error.pollClosed');
  if (choices.length === 0) throw new RuleError('error.voteEmpty');
  const ids = new Set(poll.options.map((o) => o.id));
  if (choices.some((c) => !ids.has(c))) throw new RuleError('error.voteUnknownOption');
  if (new Set(choices).size !== choices.length) throw new RuleError('error.voteUnknownOption');
  if (choices.length > poll.maxChoices) throw new RuleError('error.voteTooMany', { max: poll.maxChoices });
  // Stored in the poll's order, so equal ballots are equal strings.
  return poll.options.map((o) => o.id).filter((id) => choices.includes(id));
}

export interface OptionResult {
  id: string;
  text: string;
  votes: number;
  /** Of those who voted, rounded to whole percent. */
  percent: number;
}

export interface Tally {
  voters: number;
  options: OptionResult[];
}

/** Counts per option; a member who ticks two options counts once among the voters and once per option. */
export function tally(poll: Pick<Poll, 'options'>, ballots: readonly (readonly string[])[]): Tally {
  return tallyOf(poll, count(ballots));
}

export function count(ballots: readonly (readonly string[])[]): Counted {
  const votes: Record<string, number> = {};
  for (const ballot of ballots) for (const choice of ballot) votes[choice] = (votes[choice] ?? 0) + 1;
  return { voters: ballots.length, votes };
}

export function tallyOf(poll: Pick<Poll, 'options'>, counted: Counted): Tally {
  const { voters } = counted;
  return {
    voters,
    options: poll.options.map((o) => {
      const votes = counted.votes[o.id] ?? 0;
      return { id: o.id, text: o.text, votes, percent: voters === 0 ? 0 : Math.round((votes / voters) * 100) };
    }),
  };
}

/** The option(s) with the most votes; empty when nobody voted. */
export function leaders(result: Tally): OptionResult[] {
  const top = Math.max(0, ...result.options.map((o) => o.votes));
  return top === 0 ? [] : result.options.filter((o) => o.votes === top);
}

/** The first line is the question; each following line (or "|"-separated part) an option. */
export function parsePollText(text: string): { question: string; options: string[] } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const parts = lines.length === 1 ? lines[0]!.split('|').map((p) => p.trim()) : lines;
  const [question = '', ...options] = parts;
  return { question, options: options.map((o) => o.replace(/^([-*•]|\d+[.)])\s*/, '')) };
}
