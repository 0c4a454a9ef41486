/**
 * When members are reminded of a meeting: so many days before, at a time of day in the
 * council's zone. Computed from the wall clock, so a reminder "7 days before at 08.00" is at
 * 08.00 also across a change to or from summer time.
 */
import { RuleError } from './errors.js';
import { utcToZoned, zonedToUtc } from './meeting-time.js';

export interface ReminderPolicy {
  /** Whole days before the meeting's date, e.g. [7, 1]; empty for no reminders. */
  daysBefore: number[];
  /** HH:MM in the council's time zone. */
  at: string;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { daysBefore: [7, 1], at: '08:00' };
export const REMINDER_DAYS_MAX = 60;

export function checkReminderPolicy(policy: ReminderPolicy): ReminderPolicy {
  const days = [...new Set(policy.daysBefore)].sort((a, b) => b - a);
  if (days.length > 5 || days.some((d) => !Number.isInteger(d) || d < 0 || d > REMINDER_DAYS_MAX)) {
    throw new RuleError('error.reminderDays', { max: REMINDER_DAYS_MAX });
  }
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(policy.at)) throw new RuleError('error.reminderTime');
  return { daysBefore: days, at: policy.at };
}

export function encodeReminderPolicy(policy: ReminderPolicy): string {
  return JSON.stringify(policy);
}

export function decodeReminderPolicy(text: string | null | undefined): ReminderPolicy {
  try {
    return checkReminderPolicy(JSON.parse(text ?? '') as ReminderPolicy);
  } catch {
    return DEFAULT_REMINDER_POLICY;
  }
}

export function minusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export interface ReminderTime {
  daysBefore: number;
  at: string;
}

/**
 * The reminders still ahead for a meeting: each policy day at the policy's time, dropped when
 * already past or not before the meeting itself (a reminder "0 days before" at 08.00 for a
 * meeting at 07.30 would come after it).
 */
export function reminderTimes(startsAt: string, timeZone: string, policy: ReminderPolicy, now: string): ReminderTime[] {
  const date = utcToZoned(startsAt, timeZone).date;
  return policy.daysBefore
    .map((daysBefore) => ({ daysBefore, at: zonedToUtc(minusDays(date, daysBefore), policy.at, timeZone) }))
    .filter((r) => r.at > now && r.at < startsAt);
}
