import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import { type Minutes, buildMinutes } from '../domain/minutes.js';
import { type AgendaView, load } from './agendas.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

/** The minutes of a meeting as recorded so far. */
export async function minutesOf(deps: MeetingDeps, agenda: AgendaView, version = 1): Promise<Minutes> {
  const { view, meeting } = agenda;
  const [attendance, guests, reservations, protocolNotes, actions, upcoming] = await Promise.all([
    deps.attendance.forMeeting(meeting.id),
    deps.meetings.guests(meeting.id),
    deps.decisions.reservations(meeting.id),
    deps.decisions.protocolNotes(meeting.id),
    deps.actionItems.forMeeting(meeting.id),
    deps.meetings.upcoming(view.council.id, meeting.endsAt, 5),
  ]);
  return buildMinutes({
    council: view.council,
    meeting,
    diaryNumber: null,
    members: view.members,
    attendance,
    guests,
    regrets: agenda.regrets,
    items: agenda.timing.items,
    notes: agenda.notes,
    decisions: agenda.decisions,
    reservations,
    protocolNotes,
    actions,
    polls: [],
    nominations: [],
    nextMeetings: upcoming.filter((m) => m.id !== meeting.id && m.status === 'planned').slice(0, 3),
    adjusters: [],
    version,
  });
}

/**
 * The meeting whose minutes the secretary means: the one given, or the latest that has been
 * held (open or closed). Nothing decided yet means nothing to write minutes of.
 */
export async function meetingForMinutes(deps: MeetingDeps, input: { conversationId: string; actorId: string; meetingId?: string }): Promise<AgendaView> {
  const view: CouncilView = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  let meeting: Meeting | undefined;
  if (input.meetingId) {
    meeting = await deps.meetings.findById(input.meetingId);
    if (!meeting || meeting.councilId !== view.council.id) throw new RuleError('error.meetingNotFound');
  } else {
    meeting = (await deps.meetings.findOpen(view.council.id)) ?? (await deps.meetings.latestHeld(view.council.id));
  }
  if (!meeting || meeting.status === 'planned' || meeting.status === 'cancelled') throw new RuleError('error.minutesNoMeeting');
  return load(deps, view, meeting);
}
