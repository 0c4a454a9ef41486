import type { ActionItem } from '../domain/action-item.js';
import { isGuestId, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { type ReminderPolicy, checkReminderPolicy } from '../domain/reminders.js';
import { type AgendaView, load } from './agenda-view.js';
import { type CouncilView, councilById, requireCouncil, roleOf } from './councils.js';
import { reminderJobs } from './jobs.js';
import type { MeetingDeps } from './meetings.js';

/** The meeting a reminder was queued for, as it is now; undefined when it moved, was cancelled or has begun. */
export async function dueMeeting(deps: MeetingDeps, meetingId: string, startsAt: string): Promise<AgendaView | undefined> {
  const meeting = await deps.meetings.findById(meetingId);
  if (!meeting || meeting.status !== 'planned' || meeting.startsAt !== startsAt) return undefined;
  const view = await councilById(deps, meeting.councilId);
  return view && load(deps, view, meeting);
}

/** Who gets a personal reminder: members with a Teams account who have not opted out or sent återbud. */
export async function reminderRecipients(deps: MeetingDeps, agenda: AgendaView): Promise<string[]> {
  const off = new Set(await deps.councils.remindersOff(agenda.view.council.id));
  const regrets = new Set(agenda.regrets.map((r) => r.userId));
  return agenda.view.members.filter((m) => !isGuestId(m.userId) && !off.has(m.userId) && !regrets.has(m.userId)).map((m) => m.userId);
}

export interface PersonalReminder {
  agenda: AgendaView;
  userId: string;
  myActions: ActionItem[];
}

/** One member's reminder as it should read when it goes out (checked again then, not when queued). */
export async function personalReminder(deps: MeetingDeps, input: { meetingId: string; startsAt: string; userId: string }): Promise<PersonalReminder | undefined> {
  const agenda = await dueMeeting(deps, input.meetingId, input.startsAt);
  if (!agenda || !(await reminderRecipients(deps, agenda)).includes(input.userId)) return undefined;
  const myActions = await deps.actionItems.forOwner(agenda.view.council.id, input.userId, 'open');
  return { agenda, userId: input.userId, myActions };
}

/** "påminnelser av" / "påminnelser på": a member's own reminders from this council. */
export async function setMyReminders(deps: MeetingDeps, input: { conversationId: string; actorId: string; on: boolean }): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  if (!roleOf(view, input.actorId)) throw new RuleError('error.notMember');
  await deps.councils.setRemindersOff(view.council.id, input.actorId, !input.on, deps.clock.now().toISOString());
  return view;
}

/**
 * The chair sets when reminders go out. Meetings already planned get reminders at the new
 * times too; those queued at the old times still go out (they were promised), once each.
 */
export async function setReminderPolicy(deps: MeetingDeps, input: { conversationId: string; actorId: string; policy: ReminderPolicy }): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.manageRoles');
  const policy = checkReminderPolicy(input.policy);
  const now = deps.clock.now().toISOString();
  if (!(await deps.councils.setReminderPolicy(view.council.id, policy, view.council.version, now))) throw new StaleError();
  const updated = await requireCouncil(deps, input.conversationId);
  const planned = (await deps.meetings.upcoming(view.council.id, now, 50)).filter((m) => m.status === 'planned');
  await deps.outbox.enqueue(planned.flatMap((m) => reminderJobs(updated.council, m, now)), now);
  return updated;
}
