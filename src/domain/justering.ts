/**
 * Justering: the minutes are approved by the adjusters (justerare) the council names. Each
 * approves one version; a change after approval makes a new version that needs approval again.
 */
import { type CouncilMember, isGuestId } from './council.js';
import { RuleError } from './errors.js';

export const ADJUSTERS_MAX = 3;
/** How long adjusters may take at most; minutes are usually approved within two weeks. */
export const JUSTERING_DAYS_MAX = 60;

export type MinutesStatus = 'draft' | 'sent' | 'approved';

export interface MinutesRecord {
  meetingId: string;
  version: number;
  status: MinutesStatus;
  /** YYYY-MM-DD in the council's zone: the day adjusters are asked to approve by. */
  deadline: string | null;
  sentAt: string | null;
  approvedAt: string | null;
  updatedAt: string;
  /** The diarienummer the minutes carry, when the council's registry gives one. */
  diaryNumber: string | null;
  export: MinutesExport | null;
}

/** 'waiting': Graph refuses the app's credentials; the export goes on once an administrator renews them. */
export type ExportStatus = 'pending' | 'done' | 'retrying' | 'waiting' | 'failed';

export interface MinutesExport {
  status: ExportStatus;
  detail: string | null;
  files: { name: string; webUrl: string }[];
  at: string | null;
}

export const DIARY_NUMBER_MAX = 100;

export function checkDiaryNumber(text: string): string | null {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (trimmed === '' || /^(inget|ingen|none|-)$/i.test(trimmed)) return null;
  if (trimmed.length > DIARY_NUMBER_MAX || !/[\p{L}\p{N}]/u.test(trimmed)) throw new RuleError('error.diaryNumber', { max: DIARY_NUMBER_MAX });
  return trimmed;
}

export interface Adjuster {
  meetingId: string;
  userId: string;
  /** The version this person approved, if any; an older one counts for nothing. */
  approvedVersion: number | null;
  approvedAt: string | null;
}

export interface MinutesComment {
  id: string;
  meetingId: string;
  userId: string;
  version: number;
  text: string;
  createdAt: string;
}

export const COMMENT_MAX = 2_000;

/** Adjusters are members of the council (not guests), at most three, each once. */
export function checkAdjusters(members: readonly CouncilMember[], userIds: readonly string[]): string[] {
  const unique = [...new Set(userIds)];
  if (unique.length === 0 || unique.length > ADJUSTERS_MAX) throw new RuleError('error.adjusterCount', { max: ADJUSTERS_MAX });
  for (const id of unique) {
    const member = members.find((m) => m.userId === id);
    if (!member || member.role === 'guest' || isGuestId(id)) throw new RuleError('error.adjusterNotMember', { name: member?.name ?? id });
  }
  return unique;
}

export function isApprovedBy(adjuster: Adjuster, version: number): boolean {
  return adjuster.approvedVersion === version;
}

/** Approved when every named adjuster has approved the current version. */
export function allApproved(adjusters: readonly Adjuster[], version: number): boolean {
  return adjusters.length > 0 && adjusters.every((a) => isApprovedBy(a, version));
}

export function checkComment(text: string): string {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new RuleError('error.minutesCommentEmpty');
  if (trimmed.length > COMMENT_MAX) throw new RuleError('error.minutesCommentTooLong', { max: COMMENT_MAX });
  return trimmed;
}
