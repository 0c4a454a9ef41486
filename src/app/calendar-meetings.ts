/**
 * What the calendar sync does to the council's meetings: a meeting made from an event, moved
 * with it, cancelled when it is gone. Shared by single events and the occurrences of a series.
 */
import { standingItems } from '../domain/agenda-standing.js';
import type { Council } from '../domain/council.js';
import { MEETING_PLACE_MAX, MEETING_TITLE_MAX, type Meeting, checkMeetingTimes } from '../domain/meeting.js';
import type { CalendarDeps } from './calendar.js';
import type { CalendarEvent, NewMeeting, OutboxJob } from './ports.js';
import { reminderJobs } from './jobs.js';

export function noticeJob(meeting: Meeting, change: 'created' | 'moved' | 'cancelled', now: string): OutboxJob {
  return { key: `calendar-notice:${meeting.id}:${change}:${meeting.version}:${meeting.startsAt}`, kind: 'calendarNotice', payload: { meetingId: meeting.id, change }, dueAt: now };
}

export function clean(text: string | null, max: number): string | null {
  const trimmed = text?.replace(/\s+/g, ' ').trim() ?? '';
  return trimmed === '' ? null : trimmed.slice(0, max);
}

/**
 * The event is gone from the calendar (deleted, or cancelled). A planned meeting is cancelled
 * with it. A meeting already open keeps everything recorded at it and goes on: the chair is told
 * once, in words, that the calendar no longer has it.
 */
export async function eventGone(deps: CalendarDeps, council: Council, eventId: string): Promise<void> {
  const meeting = await deps.meetings.findByExternalEvent(council.id, eventId);
  if (!meeting) return;
  const now = deps.clock.now().toISOString();
  if (meeting.status === 'open') {
    await deps.outbox.enqueue([{ key: `calendar-gone-open:${meeting.id}`, kind: 'calendarGoneWhileOpen', payload: { meetingId: meeting.id }, dueAt: now }], now);
    return;
  }
  if (meeting.status !== 'planned') return;
  await deps.meetings.update(meeting.id, { status: 'cancelled' }, meeting.version, now, [noticeJob(meeting, 'cancelled', now)]);
}

/** Whether the event can be a meeting at all (not an all-day or week-long event). */
export function meetingTimesFit(event: Pick<CalendarEvent, 'startsAt' | 'endsAt'>): boolean {
  try {
    checkMeetingTimes(event.startsAt, event.endsAt);
    return true;
  } catch {
    return false;
  }
}

/**
 * A new meeting for the event, with its standing agenda items and reminders; told in the chat
 * unless `notify` is false (the occurrences of a series the council is told of as one).
 */
export async function meetingFromEvent(deps: CalendarDeps, council: Council, event: CalendarEvent, now: string, notify: boolean): Promise<void> {
  // The bot's own new event, seen before its id was saved: the meeting is there already.
  const twin = (await deps.meetings.upcoming(council.id, now, 50)).find((m) => !m.externalEventId && m.status === 'planned' && m.startsAt === event.startsAt);
  if (twin && (await deps.meetings.linkEvent(twin.id, event.id, event.onlineUrl ?? twin.onlineUrl))) return;
  const draft: NewMeeting = {
    id: deps.newId(),
    councilId: council.id,
    title: clean(event.subject, MEETING_TITLE_MAX) ?? council.name,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    place: clean(event.place, MEETING_PLACE_MAX),
    online: event.onlineUrl !== null,
    onlineUrl: event.onlineUrl,
    status: 'planned',
    externalEventId: event.id,
    agendaCardActivityId: null,
    createdBy: 'calendar',
    createdAt: now,
  };
  const fresh = { ...draft, version: 1, updatedAt: now, currentItemId: null, openedAt: null, closedAt: null };
  const jobs = [...reminderJobs(council, draft, now), ...(notify ? [noticeJob(fresh, 'created', now)] : [])];
  await deps.meetings.createFromEvent(draft, standingItems(council.locale, deps.newId), jobs);
}

/** The calendar is the source of truth for time and place: a meeting not yet begun follows its event. */
export async function followEvent(deps: CalendarDeps, council: Council, meeting: Meeting, event: CalendarEvent, now: string, attempt = 0): Promise<void> {
  if (meeting.status !== 'planned') return;
  const place = clean(event.place, MEETING_PLACE_MAX);
  const title = clean(event.subject, MEETING_TITLE_MAX) ?? meeting.title;
  const moved = meeting.startsAt !== event.startsAt || meeting.endsAt !== event.endsAt;
  // A Teams link the bot made itself is in the body, not in the event's onlineMeeting: it stays.
  const onlineUrl = event.onlineUrl ?? meeting.onlineUrl;
  if (!moved && meeting.place === place && meeting.title === title && meeting.onlineUrl === onlineUrl) return;
  const jobs = meeting.startsAt !== event.startsAt ? reminderJobs(council, { id: meeting.id, startsAt: event.startsAt }, now) : [];
  const updated = await deps.meetings.update(
    meeting.id,
    { startsAt: event.startsAt, endsAt: event.endsAt, place, title, onlineUrl, online: onlineUrl !== null || meeting.online },
    meeting.version,
    now,
    jobs,
  );
  if (!updated) {
    // Somebody changed the meeting in the bot meanwhile; the calendar still has the last word.
    const current = attempt < 3 ? await deps.meetings.findById(meeting.id) : undefined;
    if (current) await followEvent(deps, council, current, event, now, attempt + 1);
    return;
  }
  if (moved) await deps.outbox.enqueue([noticeJob(updated, 'moved', now)], now);
}
