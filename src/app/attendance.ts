import { type Attendance, type AttendanceStatus, type Quorum, markAttendance, quorum } from '../domain/attendance.js';
import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import type { MeetingGuest } from './ports.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

export interface AttendanceView {
  view: CouncilView;
  meeting: Meeting;
  attendance: Attendance;
  quorum: Quorum;
  /** Guests (adjungerade) of this meeting only, added by name. */
  guests: MeetingGuest[];
}

export const GUEST_NAME_MAX = 200;
/** A meeting's invited guests; more is a conference, not a council meeting. */
export const GUESTS_MAX = 30;

/** The running meeting, or else the next one (attendance can be prepared before opening). */
async function attendanceMeeting(deps: MeetingDeps, view: CouncilView, meetingId?: string): Promise<Meeting> {
  const meeting = meetingId
    ? await deps.meetings.findById(meetingId)
    : ((await deps.meetings.findOpen(view.council.id)) ?? (await deps.meetings.upcoming(view.council.id, deps.clock.now().toISOString(), 1))[0]);
  if (!meeting || meeting.councilId !== view.council.id || meeting.status === 'cancelled') throw new RuleError('error.meetingNotFound');
  return meeting;
}

async function viewOf(deps: MeetingDeps, view: CouncilView, meeting: Meeting): Promise<AttendanceView> {
  const stored = await deps.attendance.forMeeting(meeting.id);
  const attendance = view.members.map((m) => stored.find((e) => e.userId === m.userId) ?? { userId: m.userId, status: 'absent' as const });
  const guests = await deps.meetings.guests(meeting.id);
  return { view, meeting, attendance, quorum: quorum(attendance, view.members, view.council.quorumRule), guests };
}

export async function meetingAttendance(deps: MeetingDeps, input: { conversationId: string; meetingId?: string }): Promise<AttendanceView> {
  const view = await requireCouncil(deps, input.conversationId);
  return viewOf(deps, view, await attendanceMeeting(deps, view, input.meetingId));
}

/** The secretary (or chair) marks who is there; only the council's people can be marked. */
export async function markMeetingAttendance(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; marks: readonly { userId: string; status: AttendanceStatus }[] },
): Promise<AttendanceView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = await attendanceMeeting(deps, view, input.meetingId);
  if (meeting.status !== 'planned' && meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  let attendance: Attendance = await deps.attendance.forMeeting(meeting.id);
  for (const mark of input.marks) attendance = markAttendance(attendance, view.members, mark.userId, mark.status);
  const changed = attendance.filter((e) => input.marks.some((m) => m.userId === e.userId));
  await deps.attendance.mark(meeting.id, changed, input.actorId, deps.clock.now().toISOString());
  return viewOf(deps, view, meeting);
}

async function editableMeeting(deps: MeetingDeps, input: { conversationId: string; actorId: string; meetingId: string }) {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = await attendanceMeeting(deps, view, input.meetingId);
  if (meeting.status !== 'planned' && meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  return { view, meeting };
}

/**
 * Somebody invited to this one meeting (a presenter, an official): written by name, listed
 * among the adjungerade in the minutes, never counted towards the quorum. Adding the same name
 * twice (a retried click) adds it once.
 */
export async function addMeetingGuest(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; name: string; organisation: string | null },
): Promise<AttendanceView> {
  const { view, meeting } = await editableMeeting(deps, input);
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!/\p{L}/u.test(name)) throw new RuleError('error.guestNameMissing');
  if (name.length > GUEST_NAME_MAX) throw new RuleError('error.guestNameTooLong', { max: GUEST_NAME_MAX });
  const organisation = input.organisation?.replace(/\s+/g, ' ').trim().slice(0, GUEST_NAME_MAX) || null;
  const guests = await deps.meetings.guests(meeting.id);
  const same = (a: string) => a.toLocaleLowerCase('sv') === name.toLocaleLowerCase('sv');
  if (!guests.some((g) => same(g.name))) {
    if (guests.length >= GUESTS_MAX) throw new RuleError('error.tooManyGuests', { max: GUESTS_MAX });
    await deps.meetings.addGuest({ id: deps.newId(), meetingId: meeting.id, name, organisation, addedBy: input.actorId, addedAt: deps.clock.now().toISOString() });
  }
  return viewOf(deps, view, meeting);
}

export async function removeMeetingGuest(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; guestId: string },
): Promise<AttendanceView> {
  const { view, meeting } = await editableMeeting(deps, input);
  // Removing one already removed (a retry, or a colleague first) leaves the same result.
  await deps.meetings.removeGuest(meeting.id, input.guestId);
  return viewOf(deps, view, meeting);
}
