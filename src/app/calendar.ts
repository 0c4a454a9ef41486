import { type CouncilCalendar, belongsToCouncil, checkCategory, checkHorizon, checkMailbox, checkSubjectRule, syncWindow } from '../domain/calendar.js';
import { type Council, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { type AgendaView, load as loadAgenda } from './agenda-view.js';
import { bodyKeepingJoin, eventInput } from './calendar-event.js';
import { eventGone, followEvent, meetingFromEvent, meetingTimesFit } from './calendar-meetings.js';
import { changeInCouncilZone, unknownZoneJob, unknownZonesAfter } from './calendar-zone.js';
import { type SeriesInRound, type SeriesView, occurrenceRemoved, promoteOccurrences, reconcileSeries, seriesViews, syncSeries, tellNewSeries } from './calendar-series.js';
import { type CouncilView, councilById, requireCouncil, roleOf } from './councils.js';
import { calendarPushJobs } from './jobs.js';
import type { MeetingDeps } from './meetings.js';
import {
  type Calendar,
  CalendarAccessError,
  type CalendarChange,
  type CalendarEvent,
  type CalendarEventPatch,
  type CalendarStatus,
  CalendarSyncExpired,
  type CalendarSyncRepository,
  type CalendarSyncState,
  type GraphAccess,
  GraphCredentialsError,
  type GraphStatus,
  type Logger,
  type OutboxJob,
  TeamsMeetingRefused,
  type TeamsSource,
  TransientError,
} from './ports.js';

export interface CalendarDeps extends MeetingDeps {
  calendarSync: CalendarSyncRepository;
  /** Undefined without Graph settings: then nothing is written to or read from Exchange. */
  calendar: Calendar | undefined;
  syncIntervalMs: number;
  logger: Logger;
  /** Whether Graph takes the app's credentials; undefined without Graph settings. */
  graphAccess?: GraphAccess;
}

/** A delta round larger than this is a runaway paging loop, not a council's calendar. */
const MAX_PAGES = 200;

function hashOffset(text: string, modulo: number): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % modulo;
}

/**
 * The sync of one council in one time slot. Councils are spread over the slot by their id, so
 * two thousand calendars are not all asked in the same second; the key lets every instance
 * queue the same slot without doing it twice.
 */
export function calendarSyncJob(councilId: string, slot: number, intervalMs: number, dueNow?: string): OutboxJob {
  const dueAt = dueNow ?? new Date(slot * intervalMs + hashOffset(councilId, intervalMs)).toISOString();
  return { key: `calendar-sync:${councilId}:${slot}`, kind: 'calendarSync', payload: { councilId, slot }, dueAt };
}

/** A sync at once, after the chair changed the calendar: its own key, so it is not taken for the slot's sync already done. */
function syncNowJob(council: Council, nowIso: string, intervalMs: number): OutboxJob {
  const job = calendarSyncJob(council.id, slotOf(nowIso, intervalMs), intervalMs, nowIso);
  return { ...job, key: `${job.key}:v${council.version}` };
}

function slotOf(nowIso: string, intervalMs: number): number {
  return Math.floor(Date.parse(nowIso) / intervalMs);
}

/** At start: every connected council has its next sync queued (a no-op for those that have). */
export async function queueCalendarSyncs(deps: CalendarDeps): Promise<number> {
  if (!deps.calendar) return 0;
  const now = deps.clock.now().toISOString();
  const councils = await deps.councils.withCalendar();
  const slot = slotOf(now, deps.syncIntervalMs);
  await deps.outbox.enqueue(
    councils.map((c) => calendarSyncJob(c.id, slot, deps.syncIntervalMs)),
    now,
  );
  return councils.length;
}

function requireCalendarAdmin(view: CouncilView, actorId: string): void {
  requirePermission(roleOf(view, actorId), 'council.manageRoles');
}

/**
 * "kalender: rådet@region.se": the chair connects the council's calendar. Planned meetings go
 * into it, and the first sync runs at once.
 */
export async function connectCalendar(
  deps: CalendarDeps,
  input: { conversationId: string; actorId: string; mailbox: string; category?: string; subjectRule?: string | null },
): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requireCalendarAdmin(view, input.actorId);
  if (!deps.calendar) throw new RuleError('error.calendarNotConfigured');
  const calendar: CouncilCalendar = {
    mailbox: checkMailbox(input.mailbox),
    category: checkCategory(input.category ?? view.council.calendar?.category ?? view.council.name),
    subjectRule: input.subjectRule === undefined ? (view.council.calendar?.subjectRule ?? null) : input.subjectRule === null ? null : checkSubjectRule(input.subjectRule),
    ...(view.council.calendar?.horizonWeeks !== undefined ? { horizonWeeks: view.council.calendar.horizonWeeks } : {}),
  };
  return saveCalendar(deps, view, calendar);
}

/** "kalender kategori: …" / "kalender ämne: …": how the council's events are recognised; "kalender horisont: 12": how far ahead a series' occurrences become meetings. */
export async function setCalendarRule(
  deps: CalendarDeps,
  input: { conversationId: string; actorId: string; category?: string; subjectRule?: string; horizon?: string },
): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requireCalendarAdmin(view, input.actorId);
  const current = view.council.calendar;
  if (!current) throw new RuleError('error.calendarNotConnected');
  const horizonWeeks = input.horizon === undefined ? current.horizonWeeks : checkHorizon(input.horizon);
  return saveCalendar(deps, view, {
    mailbox: current.mailbox,
    category: input.category === undefined ? current.category : checkCategory(input.category),
    subjectRule: input.subjectRule === undefined ? current.subjectRule : checkSubjectRule(input.subjectRule),
    ...(horizonWeeks !== undefined ? { horizonWeeks } : {}),
  });
}

async function saveCalendar(deps: CalendarDeps, view: CouncilView, calendar: CouncilCalendar): Promise<CouncilView> {
  const now = deps.clock.now().toISOString();
  if (!(await deps.councils.setCalendar(view.council.id, calendar, view.council.version, now))) throw new StaleError();
  const updated = await requireCouncil(deps, view.council.conversationId);
  const planned = (await deps.meetings.upcoming(view.council.id, now, 50)).filter((m) => m.status === 'planned');
  const previous = await deps.calendarSync.find(view.council.id);
  const sameMailbox = previous?.mailbox === calendar.mailbox;
  await deps.calendarSync.save(
    {
      councilId: view.council.id,
      mailbox: calendar.mailbox,
      // Another mailbox, or other rules, start from a full round: the old delta link says nothing about them.
      window: null,
      deltaLink: null,
      status: sameMailbox ? previous.status : 'ok',
      detail: sameMailbox ? previous.detail : null,
      checkedAt: now,
      syncedAt: sameMailbox ? previous.syncedAt : null,
      teams: sameMailbox ? previous.teams : null,
    },
    [
      syncNowJob(updated.council, now, deps.syncIntervalMs),
      ...calendarPushJobs(updated.council, sameMailbox ? planned.filter((m) => !m.externalEventId) : planned, now),
    ],
  );
  return updated;
}

/** "kalender av": meetings stay in the bot and in Outlook as they are; nothing more is synced. */
export async function disconnectCalendar(deps: CalendarDeps, input: { conversationId: string; actorId: string }): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requireCalendarAdmin(view, input.actorId);
  if (!view.council.calendar) throw new RuleError('error.calendarNotConnected');
  if (!(await deps.councils.setCalendar(view.council.id, null, view.council.version, deps.clock.now().toISOString()))) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

export async function calendarStatus(
  deps: CalendarDeps,
  conversationId: string,
): Promise<{ view: CouncilView; state: CalendarSyncState | undefined; graph: boolean; graphStatus: GraphStatus; series: SeriesView[] }> {
  const view = await requireCouncil(deps, conversationId);
  const state = view.council.calendar ? await deps.calendarSync.find(view.council.id) : undefined;
  const series = view.council.calendar ? await seriesViews(deps, view.council, deps.clock.now().toISOString()) : [];
  return { view, state, graph: deps.calendar !== undefined, graphStatus: deps.graphAccess?.status() ?? { status: 'ok' }, series };
}

/** A problem with the mailbox is told to the council once per kind of problem, not at every sync. */
async function recordStatus(deps: CalendarDeps, council: Council, status: CalendarStatus, detail: string | null, patch: Partial<CalendarSyncState> = {}): Promise<void> {
  const now = deps.clock.now().toISOString();
  const previous = await deps.calendarSync.find(council.id);
  const mailbox = council.calendar?.mailbox ?? previous?.mailbox ?? '';
  const base: CalendarSyncState = previous?.mailbox === mailbox ? previous : { councilId: council.id, mailbox, window: null, deltaLink: null, status: 'ok', detail: null, checkedAt: now, syncedAt: null };
  const told = (s: CalendarStatus) => s === 'denied' || s === 'notFound';
  // The council hears of a mailbox it cannot use, and hears again when it can; passing failures are only logged.
  const jobs: OutboxJob[] =
    base.status !== status && (told(status) || (status === 'ok' && told(base.status)))
      ? [{ key: `calendar-status:${council.id}:${mailbox}:${status}:${now}`, kind: 'calendarStatus', payload: { councilId: council.id, status, detail }, dueAt: now }]
      : [];
  if (status === 'denied' || status === 'notFound') deps.logger.warn({ councilId: council.id, status, detail }, 'council calendar cannot be used');
  await deps.calendarSync.save({ ...base, ...patch, status, detail, checkedAt: now }, jobs);
}

/** Failures that trying again will not mend are recorded and reported, not retried for ever. */
async function handled(deps: CalendarDeps, council: Council, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    // Refused credentials are the administrator's, not this council's mailbox: nothing is recorded against it.
    if (err instanceof TransientError || err instanceof GraphCredentialsError) throw err;
    if (err instanceof CalendarAccessError) {
      if (err.reason === 'notFound' && (await followAlias(deps, council))) return;
      return recordStatus(deps, council, err.reason, err.detail);
    }
    deps.logger.error({ err, councilId: council.id }, 'council calendar request failed');
    await recordStatus(deps, council, 'failing', (err as Error).message ?? String(err));
  }
}

/**
 * A mailbox named by one of its SMTP aliases is unknown to /users/{id | userPrincipalName}: the
 * user holding the address is looked up, and the council's calendar moves to its main address.
 * False when there is none, or the app may not look users up; then the chair is asked for it.
 */
async function followAlias(deps: CalendarDeps, council: Council): Promise<boolean> {
  const alias = council.calendar?.mailbox;
  if (!alias || !deps.calendar) return false;
  let upn: string | undefined;
  try {
    upn = await deps.calendar.mailboxOf(alias);
  } catch {
    return false;
  }
  if (!upn || upn.toLowerCase() === alias.toLowerCase()) return false;
  const view = await councilById(deps, council.id);
  const calendar = view?.council.calendar;
  if (!view || calendar?.mailbox !== alias) return false;
  try {
    await saveCalendar(deps, view, { ...calendar, mailbox: checkMailbox(upn) });
  } catch (err) {
    // Changed meanwhile by the chair: the next sync sees whatever the calendar is now.
    if (err instanceof StaleError) return true;
    throw err;
  }
  const now = deps.clock.now().toISOString();
  await deps.outbox.enqueue([{ key: `calendar-alias:${council.id}:${alias}`, kind: 'calendarAlias', payload: { councilId: council.id, alias, mailbox: upn.toLowerCase() }, dueAt: now }], now);
  deps.logger.info({ councilId: council.id }, 'council calendar named by an alias: moved to the mailbox main address');
  return true;
}

/** The outbox job: the meeting as it is now goes to the calendar. */
export async function pushMeeting(deps: CalendarDeps, meetingId: string): Promise<void> {
  const calendar = deps.calendar;
  const meeting = await deps.meetings.findById(meetingId);
  if (!calendar || !meeting) return;
  const view = await councilById(deps, meeting.councilId);
  const settings = view?.council.calendar;
  if (!view || !settings) return;
  await handled(deps, view.council, async () => {
    if (meeting.status === 'cancelled') {
      if (meeting.externalEventId) await calendar.cancelEvent(settings.mailbox, meeting.externalEventId, `${meeting.title}`);
      return;
    }
    if (meeting.status !== 'planned') return;
    const agenda = await loadAgenda(deps, view, meeting);
    const push: Push = { deps, calendar, council: view.council, mailbox: settings.mailbox, agenda };
    if (meeting.externalEventId) await updateEvent(push, meeting.externalEventId);
    else await createEvent(push);
  });
}

interface Push {
  deps: CalendarDeps;
  calendar: Calendar;
  council: Council;
  mailbox: string;
  agenda: AgendaView;
}

async function createEvent(push: Push): Promise<void> {
  const { deps, calendar, mailbox, agenda } = push;
  const meeting = agenda.meeting;
  // The meeting's id as transactionId: a retry after a lost answer gets the same event back.
  if (!meeting.online) {
    const event = await calendar.createEvent(mailbox, eventInput(agenda), meeting.id);
    await deps.meetings.linkEvent(meeting.id, event.id, null);
    return;
  }
  if (await calendar.allowsTeams(mailbox)) {
    const event = await calendar.createEvent(mailbox, eventInput(agenda), meeting.id);
    if (event.onlineUrl) {
      await noteTeams(push, 'calendar', null);
      await deps.meetings.linkEvent(meeting.id, event.id, event.onlineUrl);
      return;
    }
    // Saved without a link although the calendar offers Teams: the link comes the other way, in the body.
    const joinUrl = await teamsMeeting(push);
    if (joinUrl) await calendar.updateEvent(mailbox, event.id, { bodyHtml: eventInput(agenda, joinUrl).bodyHtml });
    await deps.meetings.linkEvent(meeting.id, event.id, joinUrl);
    return;
  }
  // A calendar that offers no Teams (a shared or unlicensed mailbox) would save the event
  // without a link and without a word: the Teams meeting is made first, and its link goes in the body.
  const joinUrl = await teamsMeeting(push);
  const event = await calendar.createEvent(mailbox, { ...eventInput(agenda, joinUrl), online: false }, meeting.id);
  await deps.meetings.linkEvent(meeting.id, event.id, joinUrl);
}

/**
 * Changes only what differs from the event as it is: time, place, title and the agenda in the
 * body (one update, with Exchange's Teams join block kept as it was), then members who came or
 * went (an attendees-only change, which mails only them). Every other change costs each attendee
 * an e-mail, so nothing is sent when nothing the attendees see has changed.
 */
async function updateEvent(push: Push, eventId: string): Promise<void> {
  const { deps, calendar, mailbox, agenda } = push;
  const meeting = agenda.meeting;
  const event = await calendar.getEvent(mailbox, eventId);
  // Gone from the calendar: the next sync sees it removed and cancels the meeting.
  if (!event) return;
  let joinUrl = event.onlineUrl ?? meeting.onlineUrl;
  const patch: CalendarEventPatch = {};
  let linkInBody = false;
  if (meeting.online && !joinUrl) {
    // An online meeting whose event has no link (it was lost, or never came): it gets one now.
    if (await calendar.allowsTeams(mailbox)) patch.online = true;
    else linkInBody = (joinUrl = await teamsMeeting(push)) !== null;
  }
  const wanted = eventInput(agenda, event.onlineUrl ? null : joinUrl);
  if (event.subject !== wanted.subject) patch.subject = wanted.subject;
  if (Date.parse(event.startsAt) !== Date.parse(wanted.startsAt)) patch.startsAt = wanted.startsAt;
  if (Date.parse(event.endsAt) !== Date.parse(wanted.endsAt)) patch.endsAt = wanted.endsAt;
  if ((event.place ?? '') !== (wanted.place ?? '').trim()) patch.place = wanted.place;
  const changed = Object.keys(patch).length > 0 || linkInBody || !bodyShows(event.bodyHtml, wanted.bodyHtml);
  if (changed) {
    const body = bodyKeepingJoin(event.bodyHtml, event.onlineUrl, wanted.bodyHtml);
    if (body !== undefined) patch.bodyHtml = body;
    if (!sameSet(event.categories, wanted.categories)) patch.categories = wanted.categories;
  }
  // Nothing to send when the only difference was a body that cannot be rewritten safely.
  const updated = Object.keys(patch).length > 0 ? await calendar.updateEvent(mailbox, eventId, patch) : event;
  if (!updated) return;
  if (!sameSet(event.attendees, wanted.attendees.map((a) => a.email))) {
    await calendar.updateEvent(mailbox, eventId, { attendees: wanted.attendees });
  }
  // A join URL the bot has is never given up for none.
  const kept = updated.onlineUrl ?? joinUrl;
  if (kept && kept !== meeting.onlineUrl) await deps.meetings.linkEvent(meeting.id, eventId, kept);
}

/** Whether the event's body already says what ours says (Exchange may rewrite the markup, not the words). */
function bodyShows(current: string, ours: string): boolean {
  return textOf(current).includes(textOf(ours));
}

function textOf(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, ' ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&#(\d{1,7});/g, (_, code: string) => character(Number(code)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, code: string) => character(Number.parseInt(code, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function character(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((x) => x.toLowerCase()));
  const right = new Set(b.map((x) => x.toLowerCase()));
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/** A Teams meeting through the onlineMeetings API; null when the tenant does not let the app make one. */
async function teamsMeeting(push: Push): Promise<string | null> {
  const meeting = push.agenda.meeting;
  try {
    const joinUrl = await push.calendar.createTeamsMeeting(push.mailbox, { externalId: meeting.id, subject: meeting.title, startsAt: meeting.startsAt, endsAt: meeting.endsAt });
    await noteTeams(push, 'onlineMeetings', null);
    return joinUrl;
  } catch (err) {
    if (!(err instanceof TeamsMeetingRefused)) throw err;
    push.deps.logger.warn({ councilId: push.council.id, detail: err.detail }, 'no Teams meeting can be made for the council calendar');
    await noteTeams(push, 'manual', err.detail);
    return null;
  }
}

/** Remembers where the council's Teams links come from; the chair hears once when they must add them by hand. */
async function noteTeams(push: Push, teams: TeamsSource, detail: string | null): Promise<void> {
  const { deps, council, mailbox } = push;
  const state = await deps.calendarSync.find(council.id);
  if (!state || state.mailbox !== mailbox || state.teams === teams) return;
  const now = deps.clock.now().toISOString();
  const jobs: OutboxJob[] =
    teams === 'manual' || state.teams === 'manual'
      ? [{ key: `calendar-teams:${council.id}:${mailbox}:${teams}:${now}`, kind: 'calendarTeams', payload: { councilId: council.id, teams, detail }, dueAt: now }]
      : [];
  await deps.calendarSync.save({ ...state, teams }, jobs);
}

/** The outbox job: one council's calendar read for changes since the last time. */
export async function syncCalendar(deps: CalendarDeps, councilId: string, slot: number): Promise<void> {
  const council = await deps.councils.findById(councilId);
  if (!deps.calendar || !council?.calendar) return;
  const now = deps.clock.now().toISOString();
  // The next slot first: a failing round must not end the chain of syncs.
  await deps.outbox.enqueue([calendarSyncJob(councilId, Math.max(slot, slotOf(now, deps.syncIntervalMs)) + 1, deps.syncIntervalMs)], now);
  try {
    await handled(deps, council, () => runSync(deps, deps.calendar!, council));
  } catch (err) {
    // The slot is skipped, not retried: the next slot's sync reads whatever changed meanwhile
    // from the same delta link, so nothing is lost, and the syncs do not pile up while Graph waits.
    if (err instanceof GraphCredentialsError) return;
    throw err;
  }
}

interface Round {
  changes: CalendarChange[];
  deltaLink: string;
  full: boolean;
  window: { start: string; end: string };
}

async function readRound(calendar: Calendar, mailbox: string, state: CalendarSyncState | undefined, now: string): Promise<Round> {
  const window = syncWindow(now);
  const sameWindow = state?.window?.start === window.start && state.window.end === window.end;
  const resume = state?.mailbox === mailbox && sameWindow && state.deltaLink ? state.deltaLink : undefined;
  try {
    return { ...(await readPages(calendar, mailbox, resume ? { link: resume } : window)), full: !resume, window };
  } catch (err) {
    if (!(err instanceof CalendarSyncExpired) || !resume) throw err;
    return { ...(await readPages(calendar, mailbox, window)), full: true, window };
  }
}

async function readPages(calendar: Calendar, mailbox: string, from: { start: string; end: string } | { link: string }): Promise<{ changes: CalendarChange[]; deltaLink: string }> {
  const changes: CalendarChange[] = [];
  let next = from;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await calendar.changes(mailbox, next);
    changes.push(...result.changes);
    if (result.deltaLink) return { changes, deltaLink: result.deltaLink };
    next = { link: result.nextLink! };
  }
  throw new Error(`calendar delta did not end within ${MAX_PAGES} pages`);
}

async function runSync(deps: CalendarDeps, calendar: Calendar, council: Council): Promise<void> {
  const settings = council.calendar!;
  const now = deps.clock.now().toISOString();
  const state = await deps.calendarSync.find(council.id);
  const round = await readRound(calendar, settings.mailbox, state, now);
  // The last word on an event is the one that counts, when a round reports it twice.
  const latest = new Map<string, CalendarChange>();
  for (const change of round.changes) latest.set(changeId(change), changeInCouncilZone(change, council.timeZone));
  const listedBefore = state?.mailbox === settings.mailbox ? (state.unknownZones ?? []) : [];
  const unknownZones = unknownZonesAfter(council, listedBefore, latest.values(), round.full, now);
  const zoneJobs = unknownZones.map((e) => unknownZoneJob(council, e, now));
  if (zoneJobs.length > 0) {
    deps.logger.warn({ councilId: council.id, events: zoneJobs.length }, 'calendar events in an unknown time zone were read in the council time zone');
    await deps.outbox.enqueue(zoneJobs, now);
  }
  // A series' master, occurrences and exceptions are taken together; single events one by one.
  const series = new Map<string, SeriesInRound>();
  let unreadable = 0;
  for (const change of latest.values()) {
    const part = change.kind === 'event' ? change.event.series : undefined;
    if (change.kind === 'event' && part) {
      const entry = series.get(part.masterId) ?? { master: undefined, parts: [] };
      if (part.kind === 'master') entry.master = change.event;
      else entry.parts.push(change.event);
      series.set(part.masterId, entry);
    } else if (change.kind === 'unreadable') unreadable += 1;
    else if (change.kind === 'removed') {
      if (!(await occurrenceRemoved(deps, council, change.id))) await eventGone(deps, council, change.id);
    } else if (!(await eventSeen(deps, council, change.event, now))) unreadable += 1;
  }
  unreadable += await syncSeries(deps, calendar, council, series, now);
  if (round.full) {
    // A full round lists everything there is: a linked meeting whose event is not in it was deleted meanwhile.
    // An event there but unreadable is still there: its meeting is not cancelled for it.
    const seen = new Set([...latest.values()].filter((c) => c.kind !== 'removed').map(changeId));
    await reconcileSeries(deps, council, seen, round.window);
    for (const meeting of await deps.meetings.linkedBetween(council.id, round.window.start, round.window.end)) {
      if (!seen.has(meeting.externalEventId!)) await eventGone(deps, council, meeting.externalEventId!);
    }
  }
  await promoteOccurrences(deps, council, now);
  await tellNewSeries(deps, council, now);
  if (unreadable > 0) deps.logger.warn({ councilId: council.id, unreadable }, 'calendar events without the fields a meeting needs were skipped');
  const after = deps.clock.now().toISOString();
  await recordStatus(deps, council, 'ok', null, { window: round.window, deltaLink: round.deltaLink, syncedAt: after, mailbox: settings.mailbox, unknownZones });
}

function changeId(change: CalendarChange): string {
  return change.kind === 'event' ? change.event.id : change.id;
}

/** A single event as a meeting; false when it cannot be one (an all-day or week-long event). */
async function eventSeen(deps: CalendarDeps, council: Council, event: CalendarEvent, now: string): Promise<boolean> {
  if (!meetingTimesFit(event)) return false;
  const meeting = await deps.meetings.findByExternalEvent(council.id, event.id);
  if (meeting) {
    if (event.cancelled) return eventGone(deps, council, event.id).then(() => true);
    await followEvent(deps, council, meeting, event, now);
    return true;
  }
  if (event.cancelled || event.startsAt <= now || !belongsToCouncil(event, council.calendar!)) return true;
  await meetingFromEvent(deps, council, event, now, true);
  return true;
}
