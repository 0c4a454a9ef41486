/**
 * Who is at a meeting, and whether the council has a quorum. Attendance is a list of entries in
 * roster order so it stores as JSON and reads as the minutes do. Opening a meeting prefills it
 * (the chair and whoever opened present, återbud as given, the rest to confirm); the chair or
 * secretary confirms or corrects it; and whoever acts in the meeting counts as present unless
 * the chair or secretary said otherwise.
 */
import type { CouncilMember, Role } from './council.js';
import { RuleError } from './errors.js';

/** What a chair or secretary can mark. */
export const MARKED_STATUSES = ['present', 'absent', 'regrets', 'guest'] as const;
/** 'unconfirmed': expected (no återbud), not yet confirmed by the chair or secretary, not counted as present. */
export const ATTENDANCE_STATUSES = [...MARKED_STATUSES, 'unconfirmed'] as const;
/** 'guest' is an adjungerad who takes part; a guest who stays away is 'absent' or 'regrets'. */
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export type MarkedStatus = (typeof MARKED_STATUSES)[number];

/** Who put the status there; only the chair's (or secretary's) word stands against an act. */
export type AttendanceSource = 'chair' | 'opening' | 'acted';

/** What a person did in the meeting that shows they were there. */
export const ACTS = ['opened', 'recorded', 'voted', 'reserved', 'noted'] as const;
export type Act = (typeof ACTS)[number];

export interface AttendanceEntry {
  userId: string;
  status: AttendanceStatus;
  /** Unset on entries made before sources were kept: those were set by hand. */
  source?: AttendanceSource;
  /** The first act that showed the person was there, and when. */
  reason?: Act | null;
  reasonAt?: string | null;
}
export type Attendance = readonly AttendanceEntry[];

export type QuorumRule = { kind: 'majority' } | { kind: 'minimum'; count: number } | { kind: 'off' };
export const DEFAULT_QUORUM_RULE: QuorumRule = { kind: 'majority' };

export interface Quorum {
  /** null when the council has no quorum rule. */
  required: number | null;
  /** Voting members present. */
  present: number;
  met: boolean | null;
}

/** Guests (adjungerade) speak but do not vote, so they never count towards a quorum. */
export function isVotingRole(role: Role): boolean {
  return role !== 'guest';
}

/**
 * The attendance a meeting opens with: the chair and the person who opened it present, återbud
 * as given, everyone else to be confirmed. Entries already there (taken before the opening) stay.
 */
export function openingAttendance(
  members: readonly CouncilMember[],
  regretsUserIds: Iterable<string>,
  openerId: string,
  at: string,
  existing: Attendance = [],
): AttendanceEntry[] {
  const regrets = new Set(regretsUserIds);
  const out: AttendanceEntry[] = [];
  for (const m of members) {
    const known = existing.find((e) => e.userId === m.userId);
    const opener = m.userId === openerId;
    if (known && !(opener && known.status === 'unconfirmed')) continue;
    if (opener || m.role === 'chair') {
      out.push({ userId: m.userId, status: m.role === 'guest' ? 'guest' : 'present', source: 'opening', reason: opener ? 'opened' : null, reasonAt: opener ? at : null });
    } else {
      out.push({ userId: m.userId, status: regrets.has(m.userId) ? 'regrets' : 'unconfirmed', source: 'opening' });
    }
  }
  return out;
}

/**
 * The entry to write when a person acts in the meeting (records, votes, reserves, writes a
 * protocol note): present, with what they did and when, unless the chair or secretary set
 * them otherwise; undefined when nothing changes (already present with a reason).
 */
export function actedEntry(existing: AttendanceEntry | undefined, member: CouncilMember, act: Act, at: string): AttendanceEntry | undefined {
  const here = member.role === 'guest' ? 'guest' : 'present';
  const byChair = existing !== undefined && (existing.source ?? 'chair') === 'chair';
  if (byChair && existing.status !== here && existing.status !== 'unconfirmed') return undefined;
  if (existing?.status === here && existing.reason) return undefined;
  return { userId: member.userId, status: here, source: byChair ? 'chair' : 'acted', reason: act, reasonAt: at };
}

/** The member's status; people who joined the council after the meeting opened are to be confirmed. */
export function statusOf(attendance: Attendance, member: CouncilMember): AttendanceStatus {
  return attendance.find((e) => e.userId === member.userId)?.status ?? defaultStatus(member);
}

/** The attendance with one person marked. A guest marked present takes part as adjungerad. */
export function markAttendance(
  attendance: Attendance,
  members: readonly CouncilMember[],
  userId: string,
  status: MarkedStatus,
): AttendanceEntry[] {
  const member = members.find((m) => m.userId === userId);
  if (!member) throw new RuleError('error.memberNotFound');
  const isGuest = member.role === 'guest';
  if (status === 'guest' && !isGuest) throw new RuleError('error.attendanceGuestOnly');
  const before = attendance.find((e) => e.userId === userId);
  const next = isGuest && status === 'present' ? 'guest' : status;
  // What the person did stays beside the status while it still says they were there.
  const keep = before && (next === 'present' || next === 'guest') ? { reason: before.reason ?? null, reasonAt: before.reasonAt ?? null } : { reason: null, reasonAt: null };
  const entry: AttendanceEntry = { userId, status: next, source: 'chair', ...keep };
  const known = before !== undefined;
  return known ? attendance.map((e) => (e.userId === userId ? entry : e)) : [...attendance, entry];
}

/** As stored: 'majority', 'off' or 'min:N'; anything unreadable falls back to the default. */
export function encodeQuorumRule(rule: QuorumRule): string {
  return rule.kind === 'minimum' ? `min:${rule.count}` : rule.kind;
}

export function decodeQuorumRule(text: string | null | undefined): QuorumRule {
  if (text === 'off') return { kind: 'off' };
  const min = /^min:(\d{1,4})$/.exec(text ?? '');
  if (min && Number(min[1]) >= 1) return { kind: 'minimum', count: Number(min[1]) };
  return DEFAULT_QUORUM_RULE;
}

export function checkQuorumRule(rule: QuorumRule): void {
  if (rule.kind === 'minimum' && !(Number.isInteger(rule.count) && rule.count >= 1)) throw new RuleError('error.quorumInvalid');
}

export function quorum(attendance: Attendance, members: readonly CouncilMember[], rule: QuorumRule = DEFAULT_QUORUM_RULE): Quorum {
  checkQuorumRule(rule);
  const voting = members.filter((m) => isVotingRole(m.role));
  const present = voting.filter((m) => statusOf(attendance, m) === 'present').length;
  if (rule.kind === 'off') return { required: null, present, met: null };
  // "More than half": 3 of 5, 4 of 6.
  const required = rule.kind === 'minimum' ? rule.count : Math.floor(voting.length / 2) + 1;
  return { required, present, met: present >= required };
}

/** The groups of Swedish minutes, in the order they are written. */
export const MINUTES_GROUPS: readonly { status: AttendanceStatus; sv: string; en: string }[] = [
  { status: 'present', sv: 'Närvarande', en: 'Present' },
  { status: 'absent', sv: 'Frånvarande', en: 'Absent' },
  { status: 'regrets', sv: 'Återbud', en: 'Apologies' },
  { status: 'guest', sv: 'Adjungerade', en: 'Co-opted' },
  { status: 'unconfirmed', sv: 'Närvaro inte bekräftad', en: 'Attendance not confirmed' },
];

const ROLE_ORDER: Record<Role, number> = { chair: 0, member: 1, secretary: 2, guest: 3 };

/** Members by status; within a group the chair first and the secretary last, as minutes list them. */
export function groupAttendance(attendance: Attendance, members: readonly CouncilMember[]): Record<AttendanceStatus, CouncilMember[]> {
  const groups: Record<AttendanceStatus, CouncilMember[]> = { present: [], absent: [], regrets: [], guest: [], unconfirmed: [] };
  const ordered = members.map((m, i) => ({ m, i })).sort((a, b) => ROLE_ORDER[a.m.role] - ROLE_ORDER[b.m.role] || a.i - b.i);
  for (const { m } of ordered) groups[statusOf(attendance, m)].push(m);
  return groups;
}

/** Someone with no entry: a guest member takes part; anyone else is to be confirmed (joined after the opening, or attendance not begun). */
function defaultStatus(member: CouncilMember): AttendanceStatus {
  return member.role === 'guest' ? 'guest' : 'unconfirmed';
}

/** Whether the attendance still has people the chair or secretary has not confirmed. */
export function unconfirmedCount(attendance: Attendance, members: readonly CouncilMember[]): number {
  return members.filter((m) => statusOf(attendance, m) === 'unconfirmed').length;
}
