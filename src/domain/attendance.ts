/**
 * Who is at a meeting, as the secretary marks it, and whether the council has a quorum.
 * Attendance is a list of entries in roster order so it stores as JSON and reads as the minutes do.
 */
import type { CouncilMember, Role } from './council.js';
import { RuleError } from './errors.js';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'regrets', 'guest'] as const;
/** 'guest' is an adjungerad who takes part; a guest who stays away is 'absent' or 'regrets'. */
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export interface AttendanceEntry {
  userId: string;
  status: AttendanceStatus;
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

/** Before anyone is marked: återbud as given, guests as taking part, everyone else absent. */
export function initialAttendance(members: readonly CouncilMember[], regretsUserIds: Iterable<string>): AttendanceEntry[] {
  const regrets = new Set(regretsUserIds);
  return members.map((m) => ({ userId: m.userId, status: regrets.has(m.userId) ? 'regrets' : defaultStatus(m) }));
}

/** The member's status; people who joined the council after the meeting opened count as absent until marked. */
export function statusOf(attendance: Attendance, member: CouncilMember): AttendanceStatus {
  return attendance.find((e) => e.userId === member.userId)?.status ?? defaultStatus(member);
}

/** The attendance with one person marked. A guest marked present takes part as adjungerad. */
export function markAttendance(
  attendance: Attendance,
  members: readonly CouncilMember[],
  userId: string,
  status: AttendanceStatus,
): AttendanceEntry[] {
  const member = members.find((m) => m.userId === userId);
  if (!member) throw new RuleError('error.memberNotFound');
  const isGuest = member.role === 'guest';
  if (status === 'guest' && !isGuest) throw new RuleError('error.attendanceGuestOnly');
  const entry: AttendanceEntry = { userId, status: isGuest && status === 'present' ? 'guest' : status };
  const known = attendance.some((e) => e.userId === userId);
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
];

const ROLE_ORDER: Record<Role, number> = { chair: 0, member: 1, secretary: 2, guest: 3 };

/** Members by status; within a group the chair first and the secretary last, as minutes list them. */
export function groupAttendance(attendance: Attendance, members: readonly CouncilMember[]): Record<AttendanceStatus, CouncilMember[]> {
  const groups: Record<AttendanceStatus, CouncilMember[]> = { present: [], absent: [], regrets: [], guest: [] };
  const ordered = members.map((m, i) => ({ m, i })).sort((a, b) => ROLE_ORDER[a.m.role] - ROLE_ORDER[b.m.role] || a.i - b.i);
  for (const { m } of ordered) groups[statusOf(attendance, m)].push(m);
  return groups;
}

function defaultStatus(member: CouncilMember): AttendanceStatus {
  return member.role === 'guest' ? 'guest' : 'absent';
}
