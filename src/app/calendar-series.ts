/**
 * Recurring Outlook series. Graph's calendarView delta gives a series as its master (which holds
 * the pattern, and comes only when its first occurrence is inside the window), each occurrence as
 * a bare stub (id, start, end, seriesMasterId) and each exception in full; it reports the series
 * whole whenever anything in it changes, and a deleted occurrence only by its absence. So the bot
 * keeps the series as one thing, with the occurrences it was last told of, and makes an
 * occurrence a meeting only once it is within the council's planning horizon: a year of a
 * series is one notice and a few meetings, not a burst.
 */
import { belongsToCouncil, horizonWeeksOf } from '../domain/calendar.js';
import type { Council } from '../domain/council.js';
import { MEETING_PLACE_MAX, MEETING_TITLE_MAX } from '../domain/meeting.js';
import { seriesWords } from '../domain/recurrence.js';
import type { CalendarDeps } from './calendar.js';
import { inCouncilZone } from './calendar-zone.js';
import { clean, eventGone, followEvent, meetingFromEvent, meetingTimesFit } from './calendar-meetings.js';
import type { Calendar, CalendarEvent, CalendarOccurrence, CalendarSeries, OutboxJob } from './ports.js';

const WEEK_MS = 7 * 86_400_000;

/** The parts of the series a round brought: its master (when it came) and its occurrences and exceptions. */
export interface SeriesInRound {
  master: CalendarEvent | undefined;
  parts: CalendarEvent[];
}

/** An occurrence as the event its meeting follows: the exception's own subject and place, else the series'. */
function occurrenceEvent(occurrence: CalendarOccurrence, series: CalendarSeries): CalendarEvent {
  return {
    id: occurrence.eventId,
    subject: occurrence.subject ?? series.subject,
    startsAt: occurrence.startsAt,
    endsAt: occurrence.endsAt,
    place: occurrence.place ?? series.place,
    categories: [],
    cancelled: occurrence.cancelled,
    onlineUrl: series.onlineUrl,
  };
}

function seriesNoticeJob(council: Council, seriesId: string, now: string): OutboxJob {
  return { key: `calendar-series:${council.id}:${seriesId}`, kind: 'calendarSeriesNotice', payload: { councilId: council.id, seriesId }, dueAt: now };
}

/** Brings the council's series up to date with what a round said of them; the number of parts that could not be read. */
export async function syncSeries(deps: CalendarDeps, calendar: Calendar, council: Council, round: Map<string, SeriesInRound>, now: string): Promise<number> {
  const settings = council.calendar!;
  const known = new Map((await deps.calendarSync.series(council.id)).map((s) => [s.id, s]));
  let unreadable = 0;
  for (const [seriesId, seen] of round) {
    const stored = known.get(seriesId);
    // The master comes only when its first occurrence is in the window; an older series is asked for.
    const asked = seen.master || stored ? undefined : await calendar.event(settings.mailbox, seriesId);
    const master = seen.master ?? (asked && inCouncilZone(asked, council.timeZone));
    if (!stored && !master) {
      unreadable += 1;
      continue;
    }
    if (master?.cancelled) {
      await seriesGone(deps, council, seriesId);
      continue;
    }
    if (!stored && !belongsToCouncil(master!, settings)) continue;
    // A series of all-day or week-long events (deadlines, holidays) holds no meetings: not a series to tell of.
    if (!stored && !meetingTimesFit(master!)) {
      unreadable += 1;
      continue;
    }
    const series: CalendarSeries = {
      councilId: council.id,
      id: seriesId,
      subject: clean(master?.subject ?? stored!.subject, MEETING_TITLE_MAX) ?? council.name,
      place: master ? clean(master.place, MEETING_PLACE_MAX) : stored!.place,
      onlineUrl: master ? master.onlineUrl : stored!.onlineUrl,
      startsAt: master?.startsAt ?? stored!.startsAt,
      recurrence: master?.series?.recurrence ?? stored?.recurrence ?? null,
      // Told once the round's meetings are made, so the notice can name them.
      toldAt: stored?.toldAt ?? null,
      updatedAt: now,
    };
    const occurrences: CalendarOccurrence[] = seen.parts.filter(meetingTimesFit).map((part) => ({
      councilId: council.id,
      seriesId,
      eventId: part.id,
      startsAt: part.startsAt,
      endsAt: part.endsAt,
      subject: part.series?.kind === 'exception' ? clean(part.subject, MEETING_TITLE_MAX) : null,
      place: part.series?.kind === 'exception' ? clean(part.place, MEETING_PLACE_MAX) : null,
      cancelled: part.cancelled,
    }));
    unreadable += seen.parts.length - occurrences.length;
    // A round with the master or plain occurrences holds the series whole: an occurrence known
    // before and not in it was deleted. An exception alone (should Graph send one so) changes just itself.
    const whole = seen.master !== undefined || seen.parts.some((p) => p.series?.kind === 'occurrence');
    const before = stored && whole ? await deps.calendarSync.occurrences(council.id, seriesId) : [];
    const listed = new Set(occurrences.map((o) => o.eventId));
    await deps.calendarSync.saveSeries(series, whole ? occurrences : undefined);
    if (!whole) for (const occurrence of occurrences) await deps.calendarSync.saveOccurrence(occurrence);
    for (const gone of before.filter((o) => !listed.has(o.eventId))) await eventGone(deps, council, gone.eventId);
    for (const occurrence of occurrences) {
      if (occurrence.cancelled) {
        await eventGone(deps, council, occurrence.eventId);
        continue;
      }
      const meeting = await deps.meetings.findByExternalEvent(council.id, occurrence.eventId);
      if (meeting) await followEvent(deps, council, meeting, occurrenceEvent(occurrence, series), now);
    }
  }
  return unreadable;
}

/** Series not yet told of get their one notice, once their first meetings are made (a crash in between only delays it). */
export async function tellNewSeries(deps: CalendarDeps, council: Council, now: string): Promise<void> {
  for (const series of await deps.calendarSync.series(council.id)) {
    if (series.toldAt === null) await deps.calendarSync.saveSeries({ ...series, toldAt: now }, undefined, [seriesNoticeJob(council, series.id, now)]);
  }
}

/** The whole series was deleted (or cancelled) in Outlook: its meetings go with it, and the series line. */
export async function seriesGone(deps: CalendarDeps, council: Council, seriesId: string): Promise<void> {
  for (const occurrence of await deps.calendarSync.occurrences(council.id, seriesId)) await eventGone(deps, council, occurrence.eventId);
  await deps.calendarSync.removeSeries(council.id, seriesId);
}

/**
 * Occurrences within the planning horizon become meetings. Run after every round, so an
 * occurrence becomes a meeting as time brings it near, whether or not the calendar changed.
 */
export async function promoteOccurrences(deps: CalendarDeps, council: Council, now: string): Promise<void> {
  const horizonEnd = new Date(Date.parse(now) + horizonWeeksOf(council.calendar!) * WEEK_MS).toISOString();
  const series = new Map((await deps.calendarSync.series(council.id)).map((s) => [s.id, s]));
  if (series.size === 0) return;
  // A series not yet told of is told as one notice naming its meetings, not a notice per meeting.
  const quiet = new Set([...series.values()].filter((s) => s.toldAt === null).map((s) => s.id));
  for (const occurrence of await deps.calendarSync.occurrences(council.id)) {
    if (occurrence.cancelled || occurrence.startsAt <= now || occurrence.startsAt > horizonEnd) continue;
    const of = series.get(occurrence.seriesId);
    if (!of || (await deps.meetings.findByExternalEvent(council.id, occurrence.eventId))) continue;
    await meetingFromEvent(deps, council, occurrenceEvent(occurrence, of), now, !quiet.has(of.id));
  }
}

/** Stored occurrences of the window that a full round did not list are gone; so are series left with none. */
export async function reconcileSeries(deps: CalendarDeps, council: Council, seen: ReadonlySet<string>, window: { start: string; end: string }): Promise<void> {
  const all = await deps.calendarSync.occurrences(council.id);
  const gone = all.filter((o) => !seen.has(o.eventId) && o.startsAt >= window.start && o.startsAt < window.end);
  for (const occurrence of gone) await eventGone(deps, council, occurrence.eventId);
  await deps.calendarSync.removeOccurrences(council.id, gone.map((o) => o.eventId));
  const left = new Set(all.filter((o) => !gone.includes(o)).map((o) => o.seriesId));
  for (const series of await deps.calendarSync.series(council.id)) {
    if (!left.has(series.id) && !seen.has(series.id)) await deps.calendarSync.removeSeries(council.id, series.id);
  }
}

/** One occurrence reported removed on its own: its meeting is cancelled, and the occurrence forgotten. */
export async function occurrenceRemoved(deps: CalendarDeps, council: Council, eventId: string): Promise<boolean> {
  const known = (await deps.calendarSync.series(council.id)).some((s) => s.id === eventId);
  if (known) {
    await seriesGone(deps, council, eventId);
    return true;
  }
  await deps.calendarSync.removeOccurrences(council.id, [eventId]);
  return false;
}

/** What the council is told of a series: the series in words, and its meetings already planned here. */
export interface SeriesView {
  series: CalendarSeries;
  words: string;
  /** Meetings of the series already made, by start (UTC). */
  planned: string[];
}

export async function seriesViews(deps: CalendarDeps, council: Council, now: string): Promise<SeriesView[]> {
  const views: SeriesView[] = [];
  for (const series of await deps.calendarSync.series(council.id)) {
    const coming = (await deps.calendarSync.occurrences(council.id, series.id)).filter((o) => !o.cancelled && o.endsAt > now);
    const planned: string[] = [];
    for (const occurrence of coming) {
      const meeting = await deps.meetings.findByExternalEvent(council.id, occurrence.eventId);
      if (meeting?.status === 'planned') planned.push(meeting.startsAt);
    }
    const words = series.recurrence
      ? seriesWords({ recurrence: series.recurrence, startsAt: series.startsAt, remaining: coming.length, lastStartsAt: coming.at(-1)?.startsAt ?? null }, council.locale, council.timeZone, now)
      : '';
    views.push({ series, words, planned });
  }
  return views;
}
