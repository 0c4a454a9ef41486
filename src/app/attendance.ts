import { type Act, type Attendance, type MarkedStatus, type Quorum, actedEntry, markAttendance, quorum, statusOf } from '../domain/attendance.js';
import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import type { MeetingGuest } from './ports.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import { attendanceCardJobs } from './conversation-jobs.js';

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

/**
 * The meetings `närvaro` can mean: the running one; otherwise the last one held whose minutes
 * are not yet approved (its attendance can still be corrected) and the next one planned (its
 * attendance can be prepared). More than one: the person is asked which.
 */
export async function attendanceCandidates(deps: MeetingDeps, view: CouncilView): Promise<Meeting[]> {
  const open = await deps.meetings.findOpen(view.council.id);
  if (open) return [open];
  const [held, [next]] = await Promise.all([
    deps.meetings.latestHeld(view.council.id),
    deps.meetings.upcoming(view.council.id, deps.clock.now().toISOString(), 1),
  ]);
  return [held?.status === 'closed' ? held : undefined, next].filter((m): m is Meeting => m !== undefined);
}

async function attendanceMeeting(deps: MeetingDeps, view: CouncilView, meetingId: string): Promise<Meeting> {
  const meeting = await deps.meetings.findById(meetingId);
  if (!meeting || meeting.councilId !== view.council.id || meeting.status === 'cancelled') throw new RuleError('error.meetingNotFound');
  return meeting;
}

export async function viewOf(deps: MeetingDeps, view: CouncilView, meeting: Meeting): Promise<AttendanceView> {
  const [stored, regrets, guests] = await Promise.all([deps.attendance.forMeeting(meeting.id), deps.meetings.regrets(meeting.id), deps.meetings.guests(meeting.id)]);
  // Before the opening the återbud sent so far are the attendance there is.
  const regretted = new Set(regrets.map((r) => r.userId));
  const attendance = view.members.map(
    (m) => stored.find((e) => e.userId === m.userId) ?? { userId: m.userId, status: regretted.has(m.userId) ? ('regrets' as const) : statusOf(stored, m) },
  );
  return { view, meeting, attendance, quorum: quorum(attendance, view.members, view.council.quorumRule), guests };
}

/** The attendance of the meeting named, or of the one `närvaro` means; `choose` when it could mean two. */
export async function meetingAttendance(
  deps: MeetingDeps,
  input: { conversationId: string; meetingId?: string },
): Promise<{ attendance: AttendanceView; choose?: undefined } | { attendance?: undefined; choose: { view: CouncilView; meetings: Meeting[] } }> {
  const view = await requireCouncil(deps, input.conversationId);
  if (input.meetingId) return { attendance: await viewOf(deps, view, await attendanceMeeting(deps, view, input.meetingId)) };
  const candidates = await attendanceCandidates(deps, view);
  if (candidates.length === 0) throw new RuleError('error.attendanceNoMeeting');
  if (candidates.length > 1) return { choose: { view, meetings: candidates } };
  return { attendance: await viewOf(deps, view, candidates[0]!) };
}

/** Attendance can be taken before a meeting, during it, and corrected after it until the minutes are approved. */
function checkEditable(meeting: Meeting): void {
  if (meeting.status === 'approved') throw new RuleError('error.attendanceApproved');
  if (meeting.status !== 'planned' && meeting.status !== 'open' && meeting.status !== 'closed') throw new RuleError('error.meetingNotFound');
}

export function attendanceEditable(meeting: Meeting): boolean {
  return meeting.status === 'planned' || meeting.status === 'open' || meeting.status === 'closed';
}

/**
 * The chair or secretary marks who is there; only the council's people can be marked. The card
 * sends everyone as shown: only a changed status, or one still to be confirmed, is written as
 * theirs, so a status that came from an återbud or an act keeps where it came from.
 */
export async function markMeetingAttendance(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; marks: readonly { userId: string; status: MarkedStatus }[] },
): Promise<AttendanceView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = await attendanceMeeting(deps, view, input.meetingId);
  checkEditable(meeting);
  const stored = await deps.attendance.forMeeting(meeting.id);
  let attendance: Attendance = stored;
  const written = new Set<string>();
  for (const mark of input.marks) {
    const member = view.members.find((m) => m.userId === mark.userId);
    const current = member ? statusOf(stored, member) : undefined;
    const wanted = member?.role === 'guest' && mark.status === 'present' ? 'guest' : mark.status;
    if (member && current === wanted) continue;
    attendance = markAttendance(attendance, view.members, mark.userId, mark.status);
    written.add(mark.userId);
  }
  const changed = attendance.filter((e) => written.has(e.userId));
  const at = deps.clock.now().toISOString();
  await deps.attendance.mark(meeting.id, changed, input.actorId, at);
  // The card posted at the opening follows (the one clicked is answered with the new state at once).
  if (changed.length > 0) await deps.outbox.enqueue(attendanceCardJobs(meeting, at), at);
  return viewOf(deps, view, meeting);
}

/**
 * Someone acted in the running meeting (recorded, voted, reserved, wrote a protocol note): they
 * were there, unless the chair or secretary said otherwise. Written after the act itself; the
 * act is the record, and a person left to confirm after a crash in between is on the card.
 */
export async function noteAct(deps: MeetingDeps, view: CouncilView, meeting: Meeting | undefined, userId: string, act: Act): Promise<void> {
  if (!meeting || meeting.status !== 'open') return;
  const member = view.members.find((m) => m.userId === userId);
  if (!member) return;
  const at = deps.clock.now().toISOString();
  const changed = await deps.attendance.markActed(meeting.id, userId, (existing) => actedEntry(existing, member, act, at), at);
  if (changed) await deps.outbox.enqueue(attendanceCardJobs(meeting, at), at);
}

async function editableMeeting(deps: MeetingDeps, input: { conversationId: string; actorId: string; meetingId: string }) {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const meeting = await attendanceMeeting(deps, view, input.meetingId);
  checkEditable(meeting);
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
