/**
 * Nomination rounds (nomineringar) for working groups: who may be nominated, by whom, until
 * when, and what the council decides at the end. Pure rules; the app stores and notifies.
 */
import type { Locale } from './council.js';
import { RuleError } from './errors.js';

export const ROUND_NAME_MAX = 200;
export const ROUND_TEXT_MAX = 1_000;
export const SEATS_MAX = 20;
export const MOTIVATION_MAX = 1_000;
export const ROUND_LONGEST_DAYS = 180;

export type RoundStatus = 'open' | 'closed';
/** A member nominee answers; an external person is asked outside Teams, by the chair. */
export type Consent = 'pending' | 'accepted' | 'declined' | 'external';

export interface RoundSettings {
  name: string;
  purpose: string;
  seats: number;
  deadline: string | null;
  selfNomination: boolean;
  criteria: string | null;
}

export interface NominationRound extends RoundSettings {
  id: string;
  councilId: string;
  meetingId: string | null;
  agendaItemId: string | null;
  status: RoundStatus;
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  /** The poll among the accepted nominees, when the chair chose to vote. */
  pollId: string | null;
  activityId: string | null;
  version: number;
}

export interface Nomination {
  id: string;
  roundId: string;
  /** The member nominated, or null for an external person. */
  nomineeUserId: string | null;
  nomineeName: string;
  nomineeEmail: string | null;
  nominatedBy: string;
  motivation: string;
  consent: Consent;
  selected: boolean;
  createdAt: string;
  answeredAt: string | null;
}

// Dot-separated labels after the "@": a dot can only start a label, so nothing is tried twice.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[^\s@.]{2,}$/;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function checkRound(input: RoundSettings, now: string): RoundSettings {
  const name = oneLine(input.name);
  if (!/\p{L}/u.test(name)) throw new RuleError('error.roundNameMissing');
  if (name.length > ROUND_NAME_MAX) throw new RuleError('error.roundNameTooLong', { max: ROUND_NAME_MAX });
  const purpose = input.purpose.trim();
  if (purpose.length > ROUND_TEXT_MAX) throw new RuleError('error.roundTextTooLong', { max: ROUND_TEXT_MAX });
  const criteria = input.criteria?.trim() || null;
  if (criteria && criteria.length > ROUND_TEXT_MAX) throw new RuleError('error.roundTextTooLong', { max: ROUND_TEXT_MAX });
  if (!Number.isInteger(input.seats) || input.seats < 1 || input.seats > SEATS_MAX) throw new RuleError('error.roundSeats', { max: SEATS_MAX });
  if (input.deadline !== null) {
    const at = Date.parse(input.deadline);
    if (Number.isNaN(at) || at <= Date.parse(now)) throw new RuleError('error.roundDeadlinePast');
    if (at - Date.parse(now) > ROUND_LONGEST_DAYS * 86_400_000) throw new RuleError('error.roundDeadlineFar', { days: ROUND_LONGEST_DAYS });
  }
  return { name, purpose, seats: input.seats, deadline: input.deadline, selfNomination: input.selfNomination, criteria };
}

export type Nominee = { kind: 'member'; userId: string; name: string } | { kind: 'external'; name: string; email: string };

/**
 * A nomination is open while the round is and its deadline has not passed; a member nominates
 * themself only where the round allows it; a person is nominated once per round.
 */
export function checkNomination(
  round: Pick<NominationRound, 'status' | 'deadline' | 'selfNomination'>,
  existing: readonly Pick<Nomination, 'nomineeUserId' | 'nomineeEmail'>[],
  nominee: Nominee,
  nominatorId: string,
  motivation: string,
  now: string,
): { nominee: Nominee; motivation: string } {
  if (round.status !== 'open') throw new RuleError('error.roundClosed');
  if (round.deadline && Date.parse(round.deadline) <= Date.parse(now)) throw new RuleError('error.roundDeadlinePassed');
  const text = motivation.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) throw new RuleError('error.motivationMissing');
  if (text.length > MOTIVATION_MAX) throw new RuleError('error.motivationTooLong', { max: MOTIVATION_MAX });
  if (nominee.kind === 'member') {
    if (nominee.userId === nominatorId && !round.selfNomination) throw new RuleError('error.selfNominationNotAllowed');
    if (existing.some((n) => n.nomineeUserId === nominee.userId)) throw new RuleError('error.alreadyNominated', { name: nominee.name });
    return { nominee, motivation: text };
  }
  const name = oneLine(nominee.name);
  const email = nominee.email.trim().toLowerCase();
  if (!/\p{L}/u.test(name) || name.length > ROUND_NAME_MAX) throw new RuleError('error.externalNameMissing');
  if (email.length > 320 || !EMAIL.test(email)) throw new RuleError('error.externalEmailInvalid');
  if (existing.some((n) => n.nomineeEmail === email)) throw new RuleError('error.alreadyNominated', { name });
  return { nominee: { kind: 'external', name, email }, motivation: text };
}

/** Those the chair may pick or put to a vote: members who accepted, and external persons. */
export function eligible(nominations: readonly Nomination[]): Nomination[] {
  return nominations.filter((n) => n.consent === 'accepted' || n.consent === 'external');
}

export function checkSelection(round: Pick<NominationRound, 'seats' | 'status'>, nominations: readonly Nomination[], selectedIds: readonly string[]): Nomination[] {
  if (round.status !== 'open') throw new RuleError('error.roundClosed');
  const unique = [...new Set(selectedIds)];
  if (unique.length === 0) throw new RuleError('error.selectionEmpty');
  if (unique.length > round.seats) throw new RuleError('error.selectionTooMany', { seats: round.seats });
  const allowed = new Map(eligible(nominations).map((n) => [n.id, n]));
  const picked = unique.map((id) => allowed.get(id));
  if (picked.some((n) => n === undefined)) throw new RuleError('error.selectionNotEligible');
  return picked as Nomination[];
}

function joinNames(locale: Locale, names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  const and = locale === 'sv' ? 'och' : 'and';
  return `${names.slice(0, -1).join(', ')} ${and} ${names.at(-1)}`;
}

/** "Rådet nominerar X och Y till arbetsgruppen för …": the decision the chair's selection drafts. */
export function selectionDecisionText(locale: Locale, roundName: string, names: readonly string[]): string {
  return locale === 'sv'
    ? `Rådet nominerar ${joinNames(locale, names)} till ${roundName}.`
    : `The council nominates ${joinNames(locale, names)} to ${roundName}.`;
}
