import { statusOf } from '../domain/attendance.js';
import { isVotingRole } from '../domain/attendance.js';
import { requirePermission } from '../domain/council.js';
import { type Decision, type DecisionInput, checkDecision } from '../domain/decision.js';
import { RuleError } from '../domain/errors.js';
import { type AgendaView, load } from './agendas.js';
import { requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

/**
 * Records a decision on the item under discussion of the council's running meeting. Retries of
 * the same message or click (same `clientKey`) give the decision recorded the first time.
 */
export async function recordDecision(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; clientKey: string; decision: DecisionInput },
): Promise<{ decision: Decision; created: boolean; agenda: AgendaView }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = await deps.meetings.findOpen(view.council.id);
  if (!meeting) throw new RuleError('error.meetingNotOpen');
  const agenda = await load(deps, view, meeting);
  const item = agenda.timing.items.find((i) => i.id === meeting.currentItemId);
  if (!item) throw new RuleError('error.noCurrentItem');
  const attendance = await deps.attendance.forMeeting(meeting.id);
  const presentVoting = view.members.filter((m) => isVotingRole(m.role) && statusOf(attendance, m) === 'present').length;
  // Before attendance is taken every voting member counts, so a vote can still be recorded.
  const checked = checkDecision(input.decision, presentVoting || view.members.filter((m) => isVotingRole(m.role)).length);
  const { decision, created } = await deps.decisions.record(
    {
      ...checked,
      id: deps.newId(),
      meetingId: meeting.id,
      agendaItemId: item.id,
      itemNumber: item.number,
      itemTitle: item.title,
      recordedBy: input.actorId,
      recordedAt: deps.clock.now().toISOString(),
    },
    input.clientKey,
  );
  return { decision, created, agenda };
}

/** Undoes a decision recorded by mistake, while its meeting is still running. */
export async function undoDecision(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; decisionId: string },
): Promise<Decision> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const decision = await deps.decisions.findById(input.decisionId);
  const meeting = decision && (await deps.meetings.findById(decision.meetingId));
  if (!decision || !meeting || meeting.councilId !== view.council.id) throw new RuleError('error.decisionNotFound');
  if (meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  await deps.decisions.remove(decision.id);
  return decision;
}
