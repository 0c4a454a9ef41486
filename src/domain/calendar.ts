/**
 * A council's calendar in Exchange: which mailbox holds it, and which of its events are the
 * council's meetings (those the bot made, those with the council's category, and those whose
 * subject matches the chair's rule).
 */
import { RuleError } from './errors.js';
import { DEFAULT_HORIZON_WEEKS, HORIZON_WEEKS_MAX, HORIZON_WEEKS_MIN } from './recurrence.js';

export interface CouncilCalendar {
  /** The user or shared mailbox, e.g. vardvalsradet@region.se. */
  mailbox: string;
  /** The Outlook category the bot puts on its events and recognises on others'. */
  category: string;
  /** Events whose subject contains this (case-insensitive) belong to the council too. */
  subjectRule: string | null;
  /**
   * The planning horizon: occurrences of a recurring series this many weeks ahead or nearer are
   * meetings; later ones wait, so a series of a year is not a year of meetings at once. Absent:
   * DEFAULT_HORIZON_WEEKS.
   */
  horizonWeeks?: number;
}

export const CALENDAR_CATEGORY_MAX = 255;
export const CALENDAR_RULE_MAX = 100;

// Dot-separated labels after the "@": a dot can only start a label, so nothing is tried twice.
const MAILBOX = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)+$/;

export function checkMailbox(address: string): string {
  const trimmed = address.trim().replace(/^mailto:/i, '');
  if (trimmed.length > 254 || !MAILBOX.test(trimmed)) throw new RuleError('error.calendarMailbox', { mailbox: address.trim().slice(0, 80) });
  return trimmed.toLowerCase();
}

export function checkCategory(category: string): string {
  const trimmed = category.replace(/\s+/g, ' ').trim();
  // Outlook keeps categories by name; a comma would split it into two in some clients.
  if (trimmed === '' || trimmed.length > CALENDAR_CATEGORY_MAX || trimmed.includes(',')) throw new RuleError('error.calendarCategory');
  return trimmed;
}

export function checkSubjectRule(rule: string): string | null {
  const trimmed = rule.replace(/\s+/g, ' ').trim();
  if (trimmed === '') return null;
  if (trimmed.length < 3 || trimmed.length > CALENDAR_RULE_MAX) throw new RuleError('error.calendarRule', { max: CALENDAR_RULE_MAX });
  return trimmed;
}

function fold(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('sv').replace(/\s+/g, ' ').trim();
}

/** Whether an event the bot did not make is one of the council's meetings. */
export function belongsToCouncil(event: { subject: string; categories: readonly string[] }, calendar: Pick<CouncilCalendar, 'category' | 'subjectRule'>): boolean {
  const category = fold(calendar.category);
  if (event.categories.some((c) => fold(c) === category)) return true;
  return calendar.subjectRule !== null && fold(event.subject).includes(fold(calendar.subjectRule));
}

export function checkHorizon(text: string): number {
  const weeks = /^(\d{1,3})(?:\s*(?:v|veckor|vecka|w|weeks?)\.?)?$/i.exec(text.trim());
  const n = weeks ? Number(weeks[1]) : NaN;
  if (!(n >= HORIZON_WEEKS_MIN && n <= HORIZON_WEEKS_MAX)) throw new RuleError('error.calendarHorizon', { min: HORIZON_WEEKS_MIN, max: HORIZON_WEEKS_MAX });
  return n;
}

export function encodeCalendar(calendar: CouncilCalendar | null): {
  calendar_mailbox: string | null;
  calendar_category: string | null;
  calendar_subject_rule: string | null;
  calendar_horizon_weeks: number | null;
} {
  return {
    calendar_mailbox: calendar?.mailbox ?? null,
    calendar_category: calendar?.category ?? null,
    calendar_subject_rule: calendar?.subjectRule ?? null,
    calendar_horizon_weeks: calendar?.horizonWeeks ?? null,
  };
}

export function decodeCalendar(mailbox: string | null, category: string | null, subjectRule: string | null, horizonWeeks: number | null = null): CouncilCalendar | null {
  return mailbox ? { mailbox, category: category ?? '', subjectRule, ...(horizonWeeks === null ? {} : { horizonWeeks: Number(horizonWeeks) }) } : null;
}

export function horizonWeeksOf(calendar: CouncilCalendar): number {
  return calendar.horizonWeeks ?? DEFAULT_HORIZON_WEEKS;
}

/**
 * The stretch of time a sync follows: from a week back (a meeting just held may still be
 * moved in Outlook) to a year ahead. Fixed per month, because a delta link belongs to its window.
 */
export function syncWindow(nowIso: string): { start: string; end: string } {
  const now = new Date(nowIso);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 7 * 86_400_000);
  const end = new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth() + 1, 1));
  return { start: start.toISOString(), end: end.toISOString() };
}
