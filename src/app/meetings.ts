import { type Council, requirePermission } from '../domain/council.js';
import { insertAfterStanding, standingItems } from '../domain/agenda-standing.js';
import { returningItems } from './running.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { MEETING_PLACE_MAX, MEETING_TITLE_MAX, type Meeting, checkMeetingTimes } from '../domain/meeting.js';
import { formatShortDate, formatTime, isValidDate, isValidTime, zonedToUtcChecked } from '../domain/meeting-time.js';
import { type CouncilDeps, type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { ActionItemRepository, AttendanceRepository, DecisionRepository, MeetingRepository, OutboxRepository } from './ports.js';
import { calendarPushJobs, reminderJobs } from './jobs.js';

export interface MeetingDeps extends CouncilDeps {
  meetings: MeetingRepository;
  attendance: AttendanceRepository;
  decisions: DecisionRepository;
  actionItems: ActionItemRepository;
  outbox: OutboxRepository;
  /** Agenda edits reach the calendar this long after the first of them, together: each update mails every attendee. */
  calendarAgendaDelayMs?: number;
}

/** A meeting as a person gives it: local date and times in the council's time zone. */
export interface MeetingInput {
  date: string;
  start: string;
  end: string;
  place: string | null;
  online: boolean;
  title: string | null;
  /**
   * Which reading of a start or end time the clock shows twice (the night summer time ends) the
   * person chose: the first (still summer time) or the second. Unused on other nights.
   */
  startFold?: Fold;
  endFold?: Fold;
}

export type Fold = 'earlier' | 'later';

/** A start or end the clock shows twice that night, with its two UTC offsets. */
export interface AmbiguousTime {
  which: 'start' | 'end';
  date: string;
  time: string;
  earlierOffset: string;
  laterOffset: string;
}

/** Nothing is saved until the person says which of the twice-shown times they mean. */
export class AmbiguousTimeError extends RuleError {
  constructor(readonly times: readonly AmbiguousTime[]) {
    const first = times[0]!;
    super('error.timeAmbiguous', { date: first.date, time: first.time });
    this.name = 'AmbiguousTimeError';
  }
}

/** A council meets a handful of times a year; a longer plan is a mistake, and must fit on one card. */
export const SCHEDULE_MAX = 50;
export const UPCOMING_SHOWN = 10;

/**
 * The instants a typed meeting means in the council's zone. A time the clock skips that night
 * is refused, naming the skipped hour; one it shows twice needs the person's choice
 * (AmbiguousTimeError) unless the input carries it.
 */
export function localInstants(council: Council, input: MeetingInput): { startsAt: string; endsAt: string } {
  if (!isValidDate(input.date)) throw new RuleError('error.invalidDate', { date: input.date });
  for (const time of [input.start, input.end]) {
    if (!isValidTime(time)) throw new RuleError('error.invalidTime', { time });
  }
  const locale = council.locale;
  const ambiguous: AmbiguousTime[] = [];
  const instant = (which: 'start' | 'end', time: string, fold: Fold | undefined): string => {
    const reading = zonedToUtcChecked(input.date, time, council.timeZone);
    if (reading.kind === 'ok') return reading.utc;
    if (reading.kind === 'gap') {
      throw new RuleError('error.timeInGap', {
        time: formatTime(time, locale),
        date: formatShortDate(input.date, locale),
        from: formatTime(reading.gapStart, locale),
        to: formatTime(reading.gapEnd, locale),
      });
    }
    if (fold) return fold === 'earlier' ? reading.earlier : reading.later;
    ambiguous.push({
      which,
      date: formatShortDate(input.date, locale),
      time: formatTime(time, locale),
      earlierOffset: reading.earlierOffset,
      laterOffset: reading.laterOffset,
    });
    return reading.earlier;
  };
  const startsAt = instant('start', input.start, input.startFold);
  const endsAt = instant('end', input.end, input.endFold);
  if (ambiguous.length > 0) throw new AmbiguousTimeError(ambiguous);
  return { startsAt, endsAt };
}

function toInstants(council: Council, input: MeetingInput, nowIso: string): { startsAt: string; endsAt: string } {
  const { startsAt, endsAt } = localInstants(council, input);
  checkMeetingTimes(startsAt, endsAt);
  if (startsAt < nowIso) throw new RuleError('error.meetingInPast', { when: `${input.date} ${input.start}` });
  return { startsAt, endsAt };
}

function clean(text: string | null, max: number): string | null {
  const trimmed = text?.replace(/\s+/g, ' ').trim() ?? '';
  return trimmed === '' ? null : trimmed.slice(0, max);
}

/** Throws what scheduling these would refuse (a time the clock skips, an end before the start, a past date), saving nothing. */
export function checkMeetingInputs(council: Council, inputs: readonly MeetingInput[], nowIso: string): void {
  for (const input of inputs) toInstants(council, input, nowIso);
}

/** Schedules one meeting or a whole plan: every meeting is checked first, then all are saved together. */
export async function scheduleMeetings(
  deps: MeetingDeps,
  input: {
    conversationId: string;
    actorId: string;
    meetings: readonly MeetingInput[];
    /**
     * Ids derived from the card that asked (Teams retries invokes): when the first already
     * exists the schedule was saved before and is returned as it is, not saved twice.
     */
    ids?: readonly string[];
  },
): Promise<{ view: CouncilView; meetings: Meeting[]; alreadySaved: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.schedule');
  if (input.meetings.length > SCHEDULE_MAX) throw new RuleError('error.scheduleTooLong', { max: SCHEDULE_MAX });
  const ids = input.ids ?? input.meetings.map(() => deps.newId());
  const saved = ids[0] === undefined ? undefined : await deps.meetings.findById(ids[0]);
  if (saved) {
    const all = await Promise.all(ids.map((id) => deps.meetings.findById(id)));
    return { view, meetings: all.filter((m): m is Meeting => m !== undefined), alreadySaved: true };
  }
  const now = deps.clock.now().toISOString();
  const drafts = input.meetings.map((m, i) => {
    const { startsAt, endsAt } = toInstants(view.council, m, now);
    return {
      id: ids[i] ?? deps.newId(),
      councilId: view.council.id,
      title: clean(m.title, MEETING_TITLE_MAX) ?? view.council.name,
      startsAt,
      endsAt,
      place: clean(m.place, MEETING_PLACE_MAX),
      online: m.online,
      onlineUrl: null,
      status: 'planned' as const,
      externalEventId: null,
      agendaCardActivityId: null,
      createdBy: input.actorId,
      createdAt: now,
    };
  });
  // The items tabled at the last meeting held come back on the next one's draft agenda, also
  // when it is planned after the close: on the earliest of these, unless a planned one has them.
  const returning = await returningItems(deps, view, await deps.meetings.latestHeld(view.council.id));
  const earliest = drafts.reduce<(typeof drafts)[number] | undefined>((a, m) => (!a || m.startsAt < a.startsAt ? m : a), undefined);
  const meetings = await deps.meetings.create(
    drafts.map((meeting) => ({
      meeting,
      agenda: insertAfterStanding(standingItems(view.council.locale, deps.newId), meeting === earliest ? returning : []),
    })),
    [...drafts.flatMap((meeting) => reminderJobs(view.council, meeting, now)), ...calendarPushJobs(view.council, drafts, now)],
  );
  return { view, meetings: meetings.sort((a, b) => a.startsAt.localeCompare(b.startsAt)), alreadySaved: false };
}

export async function upcomingMeetings(
  deps: MeetingDeps,
  conversationId: string,
): Promise<{ view: CouncilView; meetings: Meeting[]; more: number }> {
  const view = await requireCouncil(deps, conversationId);
  const found = await deps.meetings.upcoming(view.council.id, deps.clock.now().toISOString(), SCHEDULE_MAX);
  return { view, meetings: found.slice(0, UPCOMING_SHOWN), more: Math.max(0, found.length - UPCOMING_SHOWN) };
}

/** The meeting, checked to belong to the conversation's council and to be changeable by the actor. */
async function editableMeeting(deps: MeetingDeps, conversationId: string, actorId: string, meetingId: string, expectedVersion: number) {
  const view = await requireCouncil(deps, conversationId);
  requirePermission(roleOf(view, actorId), 'meeting.schedule');
  const meeting = await deps.meetings.findById(meetingId);
  if (!meeting || meeting.councilId !== view.council.id || meeting.status === 'cancelled') throw new RuleError('error.meetingNotFound');
  if (meeting.status !== 'planned') throw new RuleError('error.meetingAlreadyStarted');
  if (meeting.version !== expectedVersion) throw new StaleError();
  return { view, meeting };
}

/** Moves a meeting or changes its place or title; the agenda's times follow the new start. */
export async function updateMeeting(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; meeting: MeetingInput },
): Promise<{ view: CouncilView; meeting: Meeting }> {
  const { view, meeting } = await editableMeeting(deps, input.conversationId, input.actorId, input.meetingId, input.expectedVersion);
  const now = deps.clock.now().toISOString();
  const { startsAt, endsAt } = toInstants(view.council, input.meeting, now);
  // A moved meeting gets reminders at its new time; the old ones will find it moved and stay quiet.
  const jobs = [...(startsAt === meeting.startsAt ? [] : reminderJobs(view.council, { id: meeting.id, startsAt }, now)), ...calendarPushJobs(view.council, [meeting], now)];
  const updated = await deps.meetings.update(
    input.meetingId,
    {
      startsAt,
      endsAt,
      title: clean(input.meeting.title, MEETING_TITLE_MAX) ?? view.council.name,
      place: clean(input.meeting.place, MEETING_PLACE_MAX),
      online: input.meeting.online,
    },
    input.expectedVersion,
    now,
    jobs,
  );
  if (!updated) throw new StaleError();
  return { view, meeting: updated };
}

export async function cancelMeeting(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number },
): Promise<{ view: CouncilView; meeting: Meeting }> {
  const { view } = await editableMeeting(deps, input.conversationId, input.actorId, input.meetingId, input.expectedVersion);
  const now = deps.clock.now().toISOString();
  const updated = await deps.meetings.update(input.meetingId, { status: 'cancelled' }, input.expectedVersion, now, calendarPushJobs(view.council, [{ id: input.meetingId }], now));
  if (!updated) throw new StaleError();
  return { view, meeting: updated };
}
