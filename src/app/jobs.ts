/**
 * The outbox jobs that a change to a meeting queues, whichever feature made the change: a new,
 * moved or edited meeting needs its reminders and its calendar event to follow it. Kept apart
 * from the features so that they depend on this module and not on each other.
 */
import type { Council } from '../domain/council.js';
import type { Meeting } from '../domain/meeting.js';
import { reminderTimes } from '../domain/reminders.js';
import type { OutboxJob } from './ports.js';

/**
 * The reminder jobs for a meeting at its current time. Keyed by the start time too: a moved
 * meeting gets new jobs, and the old ones find the meeting elsewhere and send nothing.
 */
export function reminderJobs(council: Council, meeting: Pick<Meeting, 'id' | 'startsAt'>, now: string): OutboxJob[] {
  return reminderTimes(meeting.startsAt, council.timeZone, council.reminderPolicy, now).map((r) => ({
    key: `meeting-reminder:${meeting.id}:${meeting.startsAt}:${r.daysBefore}`,
    kind: 'meetingReminder',
    payload: { meetingId: meeting.id, startsAt: meeting.startsAt, daysBefore: r.daysBefore },
    dueAt: r.at,
  }));
}

/** Keeps the meeting's calendar event in step: made, changed or cancelled, whatever the meeting is now when the job runs. */
export function calendarPushJob(meetingId: string, now: string, delayMs = 0): OutboxJob {
  if (delayMs <= 0) return { key: `calendar-push:${meetingId}`, kind: 'calendarPush', payload: { meetingId }, dueAt: now, mode: 'rearm' };
  // A key of its own: a re-armed job keeps its time, and a move made while agenda edits wait must not wait with them.
  // Either push sends the meeting as it is then; the later one finds nothing left to change.
  const dueAt = new Date(Date.parse(now) + delayMs).toISOString();
  return { key: `calendar-push-agenda:${meetingId}`, kind: 'calendarPush', payload: { meetingId }, dueAt, mode: 'rearm' };
}

/**
 * `delayMs` for agenda edits: one job per meeting waits that long from the first edit, and an
 * unsent job keeps its time, so a session of edits reaches the calendar as one change.
 */
export function calendarPushJobs(council: Council, meetings: readonly Pick<Meeting, 'id'>[], now: string, delayMs = 0): OutboxJob[] {
  return council.calendar ? meetings.map((m) => calendarPushJob(m.id, now, delayMs)) : [];
}
