import { type Quorum, isVotingRole, quorum, statusOf, unconfirmedCount } from '../domain/attendance.js';
import { noteAct } from './attendance.js';
import { type CouncilMember, requirePermission } from '../domain/council.js';
import {
  type Decision,
  type DecisionInput,
  type ParticipationContext,
  type ProtocolNote,
  type Reservation,
  checkDecision,
  checkProtocolNote,
  checkReservation,
} from '../domain/decision.js';
import { type Meeting, meetingBegan } from '../domain/meeting.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { type AgendaView, load } from './agenda-view.js';
import { decisionCardJob, liveCardJobs } from './conversation-jobs.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

/**
 * Voting members who may be there, for checking a vote's count: those present and those still to
 * be confirmed (expected, no återbud), so a vote taken before the roll call is confirmed is not
 * refused; before attendance is taken every voting member counts.
 */
async function presentVoting(deps: MeetingDeps, view: CouncilView, meetingId: string): Promise<number> {
  const attendance = await deps.attendance.forMeeting(meetingId);
  const voting = view.members.filter((m) => isVotingRole(m.role));
  return voting.filter((m) => ['present', 'unconfirmed'].includes(statusOf(attendance, m))).length || voting.length;
}

/**
 * Records a decision on an item of the council's running meeting: the item a card showed, or
 * else the one under discussion. Retries of the same message or click (same `clientKey`) give
 * the decision recorded the first time. A tabled or referred-back item takes no further
 * decision: that one has to be changed or undone first. The decision's card and the live
 * agenda card's update are queued with it; the caller wakes the outbox.
 */
export async function recordDecision(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; clientKey: string; meetingId?: string; itemId?: string; decision: DecisionInput },
): Promise<{ decision: Decision; created: boolean; agenda: AgendaView; quorum?: Quorum; unconfirmed?: number }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = input.meetingId ? await deps.meetings.findById(input.meetingId) : await deps.meetings.findOpen(view.council.id);
  if (!meeting || meeting.councilId !== view.council.id) throw new RuleError(input.meetingId ? 'error.meetingNotFound' : 'error.meetingNotOpen');
  if (meeting.status === 'closed' || meeting.status === 'approved') throw new RuleError('error.decisionMeetingClosed');
  if (meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  const agenda = await load(deps, view, meeting);
  const itemId = input.itemId ?? meeting.currentItemId;
  const item = agenda.timing.items.find((i) => i.id === itemId);
  if (!item) throw new RuleError(input.itemId ? 'error.itemNotFound' : 'error.noCurrentItem');
  const checked = checkDecision(input.decision, await presentVoting(deps, view, meeting.id));
  const retried = await deps.decisions.findByClientKey(input.clientKey);
  if (retried) return { decision: retried, created: false, agenda };
  const returning = agenda.decisions.find((d) => d.agendaItemId === item.id && d.outcome !== 'decided');
  // An item without a number of its own (a standing item before the chair's item 1) is named by its title.
  if (returning) throw new RuleError(returning.outcome === 'tabled' ? 'error.itemTabled' : 'error.itemReferredBack', { number: item.number || `”${item.title}”` });
  const id = deps.newId();
  const at = deps.clock.now().toISOString();
  const { decision, created } = await deps.decisions.record(
    {
      ...checked,
      id,
      meetingId: meeting.id,
      agendaItemId: item.id,
      itemNumber: item.number,
      itemTitle: item.title,
      recordedBy: input.actorId,
      recordedAt: at,
    },
    input.clientKey,
    [decisionCardJob(id, at), ...liveCardJobs(meeting, at)],
  );
  if (created) await noteAct(deps, view, meeting, input.actorId, 'recorded');
  const attendance = await deps.attendance.forMeeting(meeting.id);
  // Nothing else changed: the view gains the decision rather than being read again.
  return {
    decision,
    created,
    agenda: created ? { ...agenda, decisions: [...agenda.decisions, decision] } : agenda,
    quorum: quorum(attendance, view.members, view.council.quorumRule),
    unconfirmed: unconfirmedCount(attendance, view.members),
  };
}

/** A decision of this council's meetings (ids on cards can be forged), with its meeting. */
async function councilDecision(deps: MeetingDeps, view: CouncilView, decisionId: string): Promise<{ decision: Decision; meeting: Meeting }> {
  const decision = await deps.decisions.findById(decisionId);
  const meeting = decision && (await deps.meetings.findById(decision.meetingId));
  if (!decision || !meeting || meeting.councilId !== view.council.id) throw new RuleError('error.decisionNotFound');
  return { decision, meeting };
}

/**
 * Changes what was recorded. The secretary may correct a decision until the minutes are
 * approved; a card acted on after someone else changed the decision is answered as stale.
 */
export async function editDecision(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; decisionId: string; expectedVersion: number; decision: DecisionInput },
): Promise<Decision> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const { decision, meeting } = await councilDecision(deps, view, input.decisionId);
  if (meeting.status === 'approved') throw new RuleError('error.decisionApproved');
  if (decision.version !== input.expectedVersion) throw new StaleError();
  const checked = checkDecision(input.decision, await presentVoting(deps, view, meeting.id));
  const updated = await deps.decisions.update(decision.id, checked, input.expectedVersion);
  if (!updated) throw new StaleError();
  return updated;
}

/** Undoes a decision recorded by mistake, while its meeting is still running. */
export async function undoDecision(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; decisionId: string },
): Promise<Decision> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const { decision, meeting } = await councilDecision(deps, view, input.decisionId);
  if (meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  await deps.decisions.remove(decision.id);
  return decision;
}

export interface DecisionView {
  view: CouncilView;
  meeting: Meeting;
  decision: Decision;
  reservations: Reservation[];
  notes: ProtocolNote[];
  /** The council's members when the meeting began, for names: someone who has left since keeps theirs. */
  membersThen?: CouncilMember[];
  /** The council's quorum as the meeting's attendance stands, and how many are still to be confirmed. */
  quorum?: Quorum;
  unconfirmed?: number;
}

export async function decisionView(deps: MeetingDeps, conversationId: string, decisionId: string): Promise<DecisionView> {
  const view = await requireCouncil(deps, conversationId);
  const { decision, meeting } = await councilDecision(deps, view, decisionId);
  const [reservations, notes, membersThen, attendance] = await Promise.all([
    deps.decisions.reservations(meeting.id),
    deps.decisions.protocolNotes(meeting.id),
    deps.councils.membersAt(view.council.id, meetingBegan(meeting)),
    deps.attendance.forMeeting(meeting.id),
  ]);
  return {
    view,
    membersThen,
    quorum: quorum(attendance, view.members, view.council.quorumRule),
    unconfirmed: unconfirmedCount(attendance, view.members),
    meeting,
    decision,
    reservations: reservations.filter((r) => r.decisionId === decision.id),
    notes: notes.filter((n) => n.decisionId === decision.id),
  };
}

/**
 * Without a decision named (a typed command), the latest decision on the item under
 * discussion, or else the latest of the meeting: what the member just heard.
 */
async function targetDecision(deps: MeetingDeps, view: CouncilView, decisionId: string | undefined): Promise<{ decision: Decision; meeting: Meeting }> {
  if (decisionId) return councilDecision(deps, view, decisionId);
  const meeting = await deps.meetings.findOpen(view.council.id);
  if (!meeting) throw new RuleError('error.meetingNotOpen');
  const decisions = await deps.decisions.forMeeting(meeting.id);
  const decision = decisions.filter((d) => d.agendaItemId === meeting.currentItemId).at(-1) ?? decisions.at(-1);
  if (!decision) throw new RuleError('error.noDecisionYet');
  return { decision, meeting };
}

async function participation(deps: MeetingDeps, view: CouncilView, meeting: Meeting, userId: string): Promise<ParticipationContext> {
  const attendance = await deps.attendance.forMeeting(meeting.id);
  return { status: meeting.status, attendance, members: view.members, userId };
}

/** A present voting member's reservation against a decision, while the meeting is open. */
export async function reserveAgainst(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; decisionId?: string; text: string | null },
): Promise<DecisionView & { created: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  const { decision, meeting } = await targetDecision(deps, view, input.decisionId);
  const existing = await deps.decisions.reservations(meeting.id);
  const text = input.text?.trim() || null;
  const mine = existing.find((r) => r.decisionId === decision.id && r.userId === input.actorId);
  // The same click retried is answered as done; only a second, different reservation is refused.
  if (mine && (mine.text ?? null) === text) return { ...(await decisionView(deps, input.conversationId, decision.id)), created: false };
  // Speaking up in the meeting shows the member is there, unless the chair has said otherwise.
  if (view.members.some((m) => m.userId === input.actorId && isVotingRole(m.role))) await noteAct(deps, view, meeting, input.actorId, 'reserved');
  checkReservation(await participation(deps, view, meeting, input.actorId), decision.id, text, existing);
  const created = await deps.decisions.addReservation({ decisionId: decision.id, meetingId: meeting.id, userId: input.actorId, text, createdAt: deps.clock.now().toISOString() });
  return { ...(await decisionView(deps, input.conversationId, decision.id)), created };
}

/** A protokollsanteckning by anyone who took part, until the minutes are approved. */
export async function addProtocolNote(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; decisionId?: string; text: string; clientKey: string },
): Promise<DecisionView & { created: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  const { decision, meeting } = await targetDecision(deps, view, input.decisionId);
  await noteAct(deps, view, meeting, input.actorId, 'noted');
  checkProtocolNote(await participation(deps, view, meeting, input.actorId), input.text);
  const { created } = await deps.decisions.addProtocolNote(
    {
      id: deps.newId(),
      meetingId: meeting.id,
      itemId: decision.agendaItemId,
      decisionId: decision.id,
      userId: input.actorId,
      text: input.text.trim(),
      createdAt: deps.clock.now().toISOString(),
    },
    input.clientKey,
  );
  return { ...(await decisionView(deps, input.conversationId, decision.id)), created };
}
