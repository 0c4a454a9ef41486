/**
 * Events whose time zone nobody knows (a custom zone from an imported invitation, a name no
 * mapping has): kept, read in the council's own zone, told to the chair once, and named by
 * `kalender` until they are mended.
 */
import { belongsToCouncil } from '../domain/calendar.js';
import type { Council } from '../domain/council.js';
import { zonedToUtc } from '../domain/meeting-time.js';
import type { CalendarChange, CalendarEvent, OutboxJob, UnknownZoneEvent } from './ports.js';

/**
 * The event's times read in the council's zone. The council's mailbox is in the council's region,
 * so a wall clock written in an unknown zone was almost always meant there; UTC would put a
 * Swedish meeting one or two hours out.
 */
export function inCouncilZone(event: CalendarEvent, timeZone: string): CalendarEvent {
  if (!event.unknownZone) return event;
  const [startDate, startTime] = event.unknownZone.start.split('T') as [string, string];
  const [endDate, endTime] = event.unknownZone.end.split('T') as [string, string];
  return { ...event, startsAt: zonedToUtc(startDate, startTime, timeZone), endsAt: zonedToUtc(endDate, endTime, timeZone) };
}

export function changeInCouncilZone(change: CalendarChange, timeZone: string): CalendarChange {
  return change.kind === 'event' ? { ...change, event: inCouncilZone(change.event, timeZone) } : change;
}

/** The event, when it is one of the council's still to come whose zone was guessed. */
function unknownZoneEvent(council: Council, event: CalendarEvent, now: string): UnknownZoneEvent | undefined {
  if (!event.unknownZone || event.cancelled || !council.calendar) return undefined;
  // A series is told of once, through its master: an occurrence carries little but its times.
  if (event.series && event.series.kind !== 'master') return undefined;
  if (!event.series && event.endsAt <= now) return undefined;
  if (!belongsToCouncil(event, council.calendar)) return undefined;
  const found: UnknownZoneEvent = { eventId: event.id, subject: event.subject, zone: event.unknownZone.zone, startsAt: event.startsAt, endsAt: event.endsAt };
  return event.series ? { ...found, series: true } : found;
}

/**
 * What `kalender` names after a round: those still listed that the round did not report (a delta
 * round reports only changes; a full round reports everything), and those the round read in a
 * guessed zone. An event mended in Outlook, removed or past leaves the list.
 */
export function unknownZonesAfter(
  council: Council,
  before: readonly UnknownZoneEvent[],
  changes: Iterable<CalendarChange>,
  full: boolean,
  now: string,
): UnknownZoneEvent[] {
  const reported = new Set<string>();
  const found: UnknownZoneEvent[] = [];
  for (const change of changes) {
    const id = change.kind === 'event' ? change.event.id : change.id;
    reported.add(id);
    const entry = change.kind === 'event' ? unknownZoneEvent(council, change.event, now) : undefined;
    if (entry) found.push(entry);
  }
  const kept = full ? [] : before.filter((e) => !reported.has(e.eventId) && (e.series || e.endsAt > now));
  return [...kept, ...found].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/**
 * The chair's word on an event of the council read in a guessed zone; once per event, zone and
 * time (the key), so a later sync does not repeat it, and a moved event is told again.
 */
export function unknownZoneJob(council: Council, event: UnknownZoneEvent, now: string): OutboxJob {
  return {
    key: `calendar-zone:${council.id}:${event.eventId}:${event.zone}:${event.startsAt}`,
    kind: 'calendarUnknownZone',
    payload: { councilId: council.id, subject: event.subject, zone: event.zone, startsAt: event.startsAt, endsAt: event.endsAt },
    dueAt: now,
  };
}
