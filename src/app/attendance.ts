import { type Attendance, type AttendanceStatus, type Quorum, markAttendance, quorum } from '../domain/attendance.js';
import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

export interface AttendanceView {
  view: CouncilView;
  meeting: Meeting;
  attendance: Attendance;
  quorum: Quorum;
}

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
  return { view, meeting, attendance, quorum: quorum(attendance, view.members) };
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
