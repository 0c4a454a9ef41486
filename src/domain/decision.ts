/**
 * Decisions on agenda items and what members may add to them afterwards. Every check is a pure
 * function of the meeting's status and attendance, so the server applies the same rule to a card
 * click, a typed "Beslut:" and a hand-made invoke.
 */
import { type Attendance, isVotingRole, statusOf } from './attendance.js';
import type { CouncilMember } from './council.js';
import { RuleError } from './errors.js';
import type { MeetingStatus } from './meeting.js';

export { type DecisionProblem, type ParsedDecision, parseDecisionText } from './decision-text.js';

export const DECISION_OUTCOMES = ['decided', 'tabled', 'referredBack'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** As the minutes write them. */
export const OUTCOME_TITLES: Record<DecisionOutcome, { sv: string; en: string }> = {
  decided: { sv: 'Beslutat', en: 'Decided' },
  tabled: { sv: 'Bordlagt', en: 'Tabled' },
  referredBack: { sv: 'Återremitterat', en: 'Referred back' },
};

/** The decision the minutes write for an item the meeting did not reach and tabled at closing. */
export const NOT_REACHED: Record<'sv' | 'en', { text: string; reason: string }> = {
  sv: { text: 'Punkten bordläggs till nästa sammanträde.', reason: 'Punkten hanns inte med.' },
  en: { text: 'The item is tabled to the next meeting.', reason: 'The meeting did not reach the item.' },
};

export interface VoteResult {
  for: number;
  against: number;
  abstain: number;
}

export interface DecisionInput {
  text: string;
  outcome: DecisionOutcome;
  reason?: string | null;
  vote?: VoteResult | null;
}

export interface CheckedDecision {
  text: string;
  outcome: DecisionOutcome;
  reason: string | null;
  vote: VoteResult | null;
}

export const DECISION_TEXT_MAX = 4_000;
export const REASON_MAX = 1_000;
export const NOTE_TEXT_MAX = 2_000;

/** A tabled or referred-back item returns to a later meeting, and the minutes must say why. */
export function checkDecision(input: DecisionInput, presentVoting: number): CheckedDecision {
  const text = input.text.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) throw new RuleError('error.decisionEmpty');
  if (text.length > DECISION_TEXT_MAX) throw new RuleError('error.decisionTooLong', { max: DECISION_TEXT_MAX });
  if (!(DECISION_OUTCOMES as readonly string[]).includes(input.outcome)) throw new RuleError('error.decisionOutcomeInvalid');
  const reason = input.reason?.trim() || null;
  if (reason === null && input.outcome !== 'decided') throw new RuleError('error.decisionReasonRequired');
  if (reason !== null && reason.length > REASON_MAX) throw new RuleError('error.decisionReasonTooLong', { max: REASON_MAX });
  const vote = input.vote ?? null;
  if (vote) checkVote(vote, presentVoting);
  return { text, outcome: input.outcome, reason, vote };
}

/** Nobody votes twice and nobody absent votes; a vote in which no one took part is a typing mistake. */
export function checkVote(vote: VoteResult, presentVoting: number): void {
  const counts = [vote.for, vote.against, vote.abstain];
  if (!counts.every((n) => Number.isInteger(n) && n >= 0)) throw new RuleError('error.voteInvalid');
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new RuleError('error.voteInvalid');
  if (total > presentVoting) throw new RuleError('error.voteExceedsPresent', { count: presentVoting });
}

export interface Reservation {
  decisionId: string;
  userId: string;
  /** The written grounds, if the member gives them. */
  text: string | null;
  createdAt: string;
}

export interface ProtocolNote {
  id: string;
  meetingId: string;
  itemId: string | null;
  decisionId: string | null;
  userId: string;
  text: string;
  createdAt: string;
}

export interface ParticipationContext {
  status: MeetingStatus;
  attendance: Attendance;
  members: readonly CouncilMember[];
  userId: string;
}

/**
 * A reservation is a voting member's dissent from a decision they took part in, so only one who
 * is present may make it, and only while the meeting is open, as the decision is made.
 */
export function checkReservation(
  context: ParticipationContext,
  decisionId: string,
  text: string | null,
  existing: readonly Reservation[] = [],
): void {
  if (context.status === 'closed' || context.status === 'approved') throw new RuleError('error.reservationClosed');
  if (context.status !== 'open') throw new RuleError('error.meetingNotOpen');
  const member = participant(context);
  if (!isVotingRole(member.role)) throw new RuleError('error.reservationNotVoting');
  if (statusOf(context.attendance, member) !== 'present') throw new RuleError('error.notPresent');
  if (existing.some((r) => r.decisionId === decisionId && r.userId === context.userId)) throw new RuleError('error.reservationDuplicate');
  if (text !== null && text.trim().length > NOTE_TEXT_MAX) throw new RuleError('error.reservationTooLong', { max: NOTE_TEXT_MAX });
}

/**
 * A protokollsanteckning may be written by anyone who took part, adjungerade included, until
 * the minutes are approved: after that the minutes are final.
 */
export function checkProtocolNote(context: ParticipationContext, text: string): void {
  if (context.status === 'approved') throw new RuleError('error.protocolNoteClosed');
  if (context.status !== 'open' && context.status !== 'closed') throw new RuleError('error.meetingNotOpen');
  const member = participant(context);
  const status = statusOf(context.attendance, member);
  if (status !== 'present' && status !== 'guest') throw new RuleError('error.notPresent');
  const trimmed = text.trim();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new RuleError('error.protocolNoteEmpty');
  if (trimmed.length > NOTE_TEXT_MAX) throw new RuleError('error.protocolNoteTooLong', { max: NOTE_TEXT_MAX });
}

function participant(context: ParticipationContext): CouncilMember {
  const member = context.members.find((m) => m.userId === context.userId);
  if (!member) throw new RuleError('error.notMember');
  return member;
}

/** A decision as recorded on a meeting's item; the item's number and title as they were then. */
export interface Decision extends CheckedDecision {
  id: string;
  meetingId: string;
  agendaItemId: string | null;
  itemNumber: string | null;
  itemTitle: string | null;
  recordedBy: string;
  recordedAt: string;
  version: number;
}
