import { requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { type Adjuster, JUSTERING_DAYS_MAX, type MinutesComment, type MinutesRecord, checkAdjusters, checkComment } from '../domain/justering.js';
import { matchMember, requireOneMember } from '../domain/member-match.js';
import { isValidDate, utcToZoned } from '../domain/meeting-time.js';
import { type AgendaView, load } from './agenda-view.js';
import { type CouncilView, councilActingOn, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import { meetingForMinutes } from './minutes.js';
import { minutesExportJob } from './minutes-export.js';
import type { JusteringRepository, OutboxJob } from './ports.js';

export interface JusteringDeps extends MeetingDeps {
  justering: JusteringRepository;
}

export interface JusteringView {
  agenda: AgendaView;
  minutes: MinutesRecord;
  adjusters: Adjuster[];
}

async function viewOf(deps: JusteringDeps, agenda: AgendaView): Promise<JusteringView> {
  const [minutes, adjusters] = await Promise.all([deps.justering.find(agenda.meeting.id), deps.justering.adjusters(agenda.meeting.id)]);
  const fallback: MinutesRecord = { meetingId: agenda.meeting.id, version: 1, status: 'draft', deadline: null, sentAt: null, approvedAt: null, updatedAt: agenda.now, diaryNumber: null, export: null };
  return { agenda, minutes: minutes ?? fallback, adjusters };
}

/** "justerare: Björn Berg, Eva Ek": the secretary or chair names who approves the minutes. */
export async function nameAdjusters(deps: JusteringDeps, input: { conversationId: string; actorId: string; names: string }): Promise<JusteringView> {
  const agenda = await meetingForMinutes(deps, input);
  const minutes = await deps.justering.find(agenda.meeting.id);
  if (minutes?.status === 'approved') throw new RuleError('error.minutesApproved');
  const members = agenda.view.members;
  const names = input.names.split(/,|\boch\b|\band\b|&/).map((n) => n.trim()).filter((n) => n !== '');
  const ids = names.map((name) => {
    const match = matchMember(name, members);
    if (match.kind === 'none') throw new RuleError('error.adjusterNotMember', { name });
    return requireOneMember(match, name).userId;
  });
  const checked = checkAdjusters(members, ids);
  await deps.justering.setAdjusters(agenda.meeting.id, checked, deps.clock.now().toISOString());
  return viewOf(deps, agenda);
}

export function justeringAskJob(meetingId: string, version: number, userId: string, now: string): OutboxJob {
  return { key: `justering-ask:${meetingId}:${version}:${userId}`, kind: 'justeringAsk', payload: { meetingId, version, userId }, dueAt: now };
}

/** "skicka för justering senast 2026-12-10": each adjuster gets a personal card to approve or comment. */
export async function sendForApproval(deps: JusteringDeps, input: { conversationId: string; actorId: string; deadline: string }): Promise<JusteringView> {
  const agenda = await meetingForMinutes(deps, input);
  if (agenda.meeting.status === 'open') throw new RuleError('error.minutesMeetingOpen');
  const current = await viewOf(deps, agenda);
  if (current.minutes.status === 'approved') throw new RuleError('error.minutesApproved');
  if (current.adjusters.length === 0) throw new RuleError('error.adjustersMissing');
  const now = deps.clock.now().toISOString();
  const today = utcToZoned(now, agenda.view.council.timeZone).date;
  if (!isValidDate(input.deadline)) throw new RuleError('error.invalidDate', { date: input.deadline });
  const latest = new Date(Date.parse(`${today}T00:00:00Z`) + JUSTERING_DAYS_MAX * 86_400_000).toISOString().slice(0, 10);
  if (input.deadline < today || input.deadline > latest) throw new RuleError('error.justeringDeadline', { days: JUSTERING_DAYS_MAX });
  const version = current.minutes.version;
  const jobs = current.adjusters.filter((a) => a.approvedVersion !== version).map((a) => justeringAskJob(agenda.meeting.id, version, a.userId, now));
  await deps.justering.send(agenda.meeting.id, input.deadline, now, jobs);
  return viewOf(deps, agenda);
}

/** The minutes an adjuster acts on from their card, wherever the card is (usually the personal chat). */
async function adjusterView(deps: JusteringDeps, input: { conversationId: string; actorId: string; meetingId: string }): Promise<JusteringView> {
  const meeting = await deps.meetings.findById(input.meetingId);
  const view: CouncilView | undefined = meeting && (await councilActingOn(deps, input.conversationId, meeting.councilId));
  if (!meeting || !view) throw new RuleError('error.meetingNotFound');
  return viewOf(deps, await load(deps, view, meeting));
}

export type ApproveResult = { outcome: 'approved' | 'recorded'; view: JusteringView };

/** "Godkänn" on the adjuster's card; the last approval locks the minutes and the meeting. */
export async function approveMinutes(deps: JusteringDeps, input: { conversationId: string; actorId: string; meetingId: string; version: number }): Promise<ApproveResult> {
  const before = await adjusterView(deps, input);
  const me = before.adjusters.find((a) => a.userId === input.actorId);
  if (!me) throw new RuleError('error.notAdjuster');
  if (me.approvedVersion === input.version && before.minutes.version === input.version) return { outcome: 'recorded', view: before };
  const now = deps.clock.now().toISOString();
  const jobs: OutboxJob[] = [
    { key: `justering-done:${input.meetingId}:${input.version}`, kind: 'justeringDone', payload: { meetingId: input.meetingId, version: input.version }, dueAt: now },
    // The approved minutes are saved in the same breath as the approval, retried until they are.
    minutesExportJob({ meetingId: input.meetingId, version: input.version, draft: false }, now, 'approved'),
  ];
  const result = await deps.justering.approve(input.meetingId, input.actorId, input.version, now, jobs);
  if (result === 'stale') throw new StaleError();
  if (result === 'notAdjuster') throw new RuleError('error.notAdjuster');
  return { outcome: result, view: await adjusterView(deps, input) };
}

/** Who reads an adjuster's comment: the secretaries, or the chair in a council without one. */
function commentReaders(view: JusteringView): string[] {
  const members = view.agenda.view.members;
  const secretaries = members.filter((m) => m.role === 'secretary');
  return (secretaries.length > 0 ? secretaries : members.filter((m) => m.role === 'chair')).map((m) => m.userId);
}

/** "Kommentera" on the adjuster's card: the secretary is told. */
export async function commentOnMinutes(
  deps: JusteringDeps,
  input: { conversationId: string; actorId: string; meetingId: string; version: number; text: string; clientKey: string },
): Promise<{ comment: MinutesComment; created: boolean; view: JusteringView }> {
  const view = await adjusterView(deps, input);
  const role = roleOf(view.agenda.view, input.actorId);
  if (!view.adjusters.some((a) => a.userId === input.actorId) && role !== 'chair' && role !== 'secretary') throw new RuleError('error.notAdjuster');
  if (view.minutes.status === 'approved') throw new RuleError('error.minutesApproved');
  const text = checkComment(input.text);
  const id = deps.newId();
  const now = deps.clock.now().toISOString();
  const result = await deps.justering.addComment(
    { id, meetingId: input.meetingId, userId: input.actorId, version: view.minutes.version, text, createdAt: now },
    input.clientKey,
    // One job per reader, so a failed send to one is retried without sending the others twice.
    commentReaders(view).map((to) => ({ key: `justering-comment:${id}:${to}`, kind: 'justeringComment', payload: { meetingId: input.meetingId, commentId: id, to }, dueAt: now })),
  );
  return { ...result, view };
}

/** "ändra protokollet": approved minutes opened for a change; they need approval again. */
export async function reopenMinutes(deps: JusteringDeps, input: { conversationId: string; actorId: string }): Promise<JusteringView> {
  const agenda = await meetingForMinutes(deps, input);
  requirePermission(roleOf(agenda.view, input.actorId), 'meeting.run');
  const current = await viewOf(deps, agenda);
  if (current.minutes.status !== 'approved') throw new RuleError('error.minutesNotApproved');
  const reopened = await deps.justering.reopen(agenda.meeting.id, current.minutes.version, deps.clock.now().toISOString());
  if (!reopened) throw new StaleError();
  const meeting = (await deps.meetings.findById(agenda.meeting.id))!;
  return viewOf(deps, await load(deps, agenda.view, meeting));
}

export async function justeringStatus(deps: JusteringDeps, input: { conversationId: string; actorId: string }): Promise<JusteringView> {
  return viewOf(deps, await meetingForMinutes(deps, input));
}

/** For the outbox: the minutes' state as it is now. */
export async function justeringById(deps: JusteringDeps, meetingId: string, conversationId = ''): Promise<JusteringView | undefined> {
  try {
    return await adjusterView(deps, { conversationId, actorId: '', meetingId });
  } catch {
    return undefined;
  }
}
