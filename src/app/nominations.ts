import { can, isGuestId, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import {
  type Nomination,
  type NominationRound,
  type RoundSettings,
  checkNomination,
  checkRound,
  checkSelection,
  eligible,
  selectionDecisionText,
} from '../domain/nomination.js';
import type { Poll } from '../domain/poll.js';
import { type CouncilView, councilActingOn, councilById, requireCouncil, roleOf } from './councils.js';
import { POLL_CARD_CLAIM_MS, type PollDeps } from './polls.js';
import type { NominationRepository, OutboxJob } from './ports.js';

export interface NominationDeps extends PollDeps {
  nominations: NominationRepository;
}

export interface RoundView {
  view: CouncilView;
  round: NominationRound;
  nominations: Nomination[];
}

const ROUND_CARD_COALESCE_MS = 1_000;

function roundCardJob(deps: NominationDeps, roundId: string): OutboxJob {
  const due = new Date(deps.clock.now().getTime() + ROUND_CARD_COALESCE_MS).toISOString();
  return { key: `round-card:${roundId}`, kind: 'roundCard', payload: { roundId }, dueAt: due, mode: 'rearm' };
}

async function councilRound(deps: NominationDeps, conversationId: string, roundId: string): Promise<RoundView> {
  const round = await deps.nominations.findRound(roundId);
  const view = round && (await councilActingOn(deps, conversationId, round.councilId));
  if (!round || !view) throw new RuleError('error.roundNotFound');
  return { view, round, nominations: await deps.nominations.nominations(round.id) };
}

export async function showRound(deps: NominationDeps, input: { conversationId: string; roundId: string }): Promise<RoundView> {
  return councilRound(deps, input.conversationId, input.roundId);
}

export async function roundById(deps: NominationDeps, roundId: string): Promise<RoundView | undefined> {
  const round = await deps.nominations.findRound(roundId);
  const view = round && (await councilById(deps, round.councilId));
  return round && view ? { view, round, nominations: await deps.nominations.nominations(round.id) } : undefined;
}

/** The chair (or secretary) opens a round for a working group; during a meeting it belongs to it, and optionally to the item under discussion. */
export async function openRound(
  deps: NominationDeps,
  input: { conversationId: string; actorId: string; settings: RoundSettings; tieToCurrentItem: boolean; clientKey: string },
): Promise<RoundView & { created: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const now = deps.clock.now().toISOString();
  const settings = checkRound(input.settings, now);
  const meeting = await deps.meetings.findOpen(view.council.id);
  if (input.tieToCurrentItem && !meeting?.currentItemId) throw new RuleError('error.meetingNotOpen');
  const { round, created } = await deps.nominations.createRound(
    {
      ...settings,
      id: deps.newId(),
      councilId: view.council.id,
      meetingId: meeting?.id ?? null,
      agendaItemId: input.tieToCurrentItem ? (meeting?.currentItemId ?? null) : null,
      status: 'open',
      createdBy: input.actorId,
      createdAt: now,
      closedAt: null,
      pollId: null,
      activityId: null,
    },
    input.clientKey,
  );
  return { view, round, nominations: await deps.nominations.nominations(round.id), created };
}

export type NomineeInput = { kind: 'member'; userId: string } | { kind: 'external'; name: string; email: string };

/**
 * A member nominates a member (who is then asked for consent in their own chat) or an external
 * person by name and e-mail. Nominating oneself, where allowed, is consent already.
 */
export async function nominate(
  deps: NominationDeps,
  input: { conversationId: string; actorId: string; roundId: string; nominee: NomineeInput; motivation: string },
): Promise<RoundView & { nomination: Nomination; created: boolean }> {
  const { view, round, nominations } = await councilRound(deps, input.conversationId, input.roundId);
  const role = roleOf(view, input.actorId);
  if (!role || role === 'guest') throw new RuleError(role ? 'error.forbidden' : 'error.notMember');
  let nominee;
  if (input.nominee.kind === 'member') {
    const userId = input.nominee.userId;
    const member = view.members.find((m) => m.userId === userId);
    if (!member || isGuestId(member.userId)) throw new RuleError('error.nomineeNotMember');
    nominee = { kind: 'member' as const, userId: member.userId, name: member.name };
  } else {
    nominee = input.nominee;
  }
  const now = deps.clock.now().toISOString();
  const checked = checkNomination(round, nominations, nominee, input.actorId, input.motivation, now);
  const id = deps.newId();
  const self = checked.nominee.kind === 'member' && checked.nominee.userId === input.actorId;
  const jobs: OutboxJob[] = [roundCardJob(deps, round.id)];
  if (checked.nominee.kind === 'member' && !self) jobs.push({ key: `nomination-ask:${id}`, kind: 'nominationAsk', payload: { nominationId: id }, dueAt: now });
  const { nomination, created } = await deps.nominations.nominate(
    {
      id,
      roundId: round.id,
      nomineeUserId: checked.nominee.kind === 'member' ? checked.nominee.userId : null,
      nomineeName: checked.nominee.name,
      nomineeEmail: checked.nominee.kind === 'external' ? checked.nominee.email : null,
      nominatedBy: input.actorId,
      motivation: checked.motivation,
      consent: checked.nominee.kind === 'external' ? 'external' : self ? 'accepted' : 'pending',
      selected: false,
      createdAt: now,
      answeredAt: self ? now : null,
    },
    jobs,
  );
  return { view, round, nominations: await deps.nominations.nominations(round.id), nomination, created };
}

/** Only the nominee answers, and only while the round is open; a changed mind is allowed until then. */
export async function answerNomination(
  deps: NominationDeps,
  input: { conversationId: string; actorId: string; nominationId: string; answer: 'accepted' | 'declined' },
): Promise<RoundView & { nomination: Nomination }> {
  const found = await deps.nominations.findNomination(input.nominationId);
  if (!found) throw new RuleError('error.nominationNotFound');
  const { view, round } = await councilRound(deps, input.conversationId, found.roundId);
  if (found.nomineeUserId !== input.actorId) throw new RuleError('error.notTheNominee');
  if (round.status !== 'open') throw new RuleError('error.roundClosed');
  const answered = await deps.nominations.answer(found.id, input.answer, deps.clock.now().toISOString(), [roundCardJob(deps, round.id)]);
  if (!answered) throw new RuleError('error.roundClosed');
  return { view, round, nominations: await deps.nominations.nominations(round.id), nomination: answered };
}

export type RoundClosing = { kind: 'select'; nominationIds: readonly string[] } | { kind: 'poll' };

/**
 * The chair closes the round: picks among those who accepted (the decision is drafted and,
 * with an agenda item, recorded on it), or puts them to a vote with as many choices as seats,
 * whose result becomes the item's decision when the poll closes.
 */
export async function closeRound(
  deps: NominationDeps,
  input: { conversationId: string; actorId: string; roundId: string; expectedVersion: number; closing: RoundClosing },
): Promise<RoundView & { decisionText: string | null; poll: Poll | null }> {
  const { view, round, nominations } = await councilRound(deps, input.conversationId, input.roundId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  if (round.status !== 'open') throw new RuleError('error.roundClosed');
  if (round.version !== input.expectedVersion) throw new StaleError();
  const at = deps.clock.now().toISOString();
  const jobs = [roundCardJob(deps, round.id)];
  if (input.closing.kind === 'select') {
    const picked = checkSelection(round, nominations, input.closing.nominationIds);
    const closed = await deps.nominations.close(round.id, { selectedIds: picked.map((n) => n.id), pollId: null }, round.version, at, jobs);
    if (!closed) throw new StaleError();
    const text = selectionDecisionText(view.council.locale, round.name, picked.map((n) => n.nomineeName));
    await recordOnItem(deps, closed, text, at);
    return { view, round: closed, nominations: await deps.nominations.nominations(round.id), decisionText: text, poll: null };
  }
  const candidates = eligible(nominations);
  if (candidates.length <= round.seats) throw new RuleError('error.pollNeedsMoreNominees', { seats: round.seats, count: candidates.length });
  const pollId = deps.newId();
  const { poll } = await deps.polls.create(
    {
      id: pollId,
      councilId: view.council.id,
      meetingId: round.meetingId,
      agendaItemId: round.agendaItemId,
      question: round.name,
      options: candidates.map((n, i) => ({ id: `o${i + 1}`, text: optionText(n, candidates) })),
      maxChoices: round.seats,
      // Elections of persons are held by closed ballot.
      anonymous: true,
      resultsVisibility: 'afterClose',
      deadline: null,
      remindBeforeMinutes: null,
      status: 'open',
      createdBy: input.actorId,
      createdAt: at,
      closedAt: null,
      activityId: null,
    },
    `round-poll:${round.id}`,
    [],
    new Date(Date.parse(at) + POLL_CARD_CLAIM_MS).toISOString(),
  );
  const closed = await deps.nominations.close(round.id, { selectedIds: [], pollId: poll.id }, round.version, at, jobs);
  if (!closed) throw new StaleError();
  return { view, round: closed, nominations: await deps.nominations.nominations(round.id), decisionText: null, poll };
}

/** Two nominees of one name are told apart by their e-mail or their place in the list. */
function optionText(n: Nomination, all: readonly Nomination[]): string {
  const twins = all.filter((o) => o.nomineeName.toLocaleLowerCase('sv') === n.nomineeName.toLocaleLowerCase('sv'));
  if (twins.length === 1) return n.nomineeName;
  return `${n.nomineeName} (${n.nomineeEmail ?? twins.indexOf(n) + 1})`;
}

async function recordOnItem(deps: NominationDeps, round: NominationRound, text: string, at: string): Promise<void> {
  if (!round.meetingId || !round.agendaItemId) return;
  const meeting = await deps.meetings.findById(round.meetingId);
  if (!meeting || meeting.status === 'approved' || meeting.status === 'cancelled') return;
  const item = (await deps.meetings.agenda(meeting.id)).find((i) => i.id === round.agendaItemId);
  await deps.decisions.record(
    {
      id: deps.newId(),
      meetingId: meeting.id,
      agendaItemId: round.agendaItemId,
      itemNumber: null,
      itemTitle: item?.title ?? null,
      text,
      outcome: 'decided',
      reason: null,
      vote: null,
      recordedBy: round.createdBy,
      recordedAt: at,
    },
    `round:${round.id}`,
  );
}

/** Whether the viewer runs the round's council (sees closing actions). */
export function runsRound(view: CouncilView, userId: string | undefined): boolean {
  return userId !== undefined && can(roleOf(view, userId), 'meeting.run');
}
