import { openingAttendance } from '../domain/attendance.js';
import { type AttendanceView, noteAct, viewOf } from './attendance.js';
import { requirePermission } from '../domain/council.js';
import { NOT_REACHED } from '../domain/decision.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { carriedItem, insertAfterStanding } from '../domain/agenda-standing.js';
import type { Meeting } from '../domain/meeting.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { type AgendaView, afterMove, load } from './agendas.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import { liveCardJobs } from './conversation-jobs.js';
import type { MeetingDeps } from './meetings.js';

/** A meeting can be opened from this long before its planned start. */
export const OPEN_EARLY_HOURS = 12;

export type ItemTarget = { kind: 'next' } | { kind: 'previous' } | { kind: 'item'; itemId: string } | { kind: 'number'; number: string };

async function runner(deps: MeetingDeps, conversationId: string, actorId: string): Promise<CouncilView> {
  const view = await requireCouncil(deps, conversationId);
  requirePermission(roleOf(view, actorId), 'meeting.run');
  return view;
}

/** The council's meeting in progress, as a running view. */
export async function openMeetingView(deps: MeetingDeps, conversationId: string): Promise<AgendaView | undefined> {
  const view = await requireCouncil(deps, conversationId);
  const open = await deps.meetings.findOpen(view.council.id);
  return open ? load(deps, view, open) : undefined;
}

/**
 * Opens the council's next meeting: its first item becomes current, and attendance is prefilled
 * (the chair and the opener present, återbud as sent, the rest to confirm) for the chair or
 * secretary to confirm. Opening an open meeting again answers with it as it is.
 */
export async function openMeeting(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string },
): Promise<{ agenda: AgendaView; alreadyOpen: boolean; attendance: AttendanceView }> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const open = await deps.meetings.findOpen(view.council.id);
  if (open) return { agenda: await load(deps, view, open), alreadyOpen: true, attendance: await viewOf(deps, view, open) };
  const now = deps.clock.now();
  const [next] = await deps.meetings.upcoming(view.council.id, now.toISOString(), 1);
  if (!next || Date.parse(next.startsAt) - now.getTime() > OPEN_EARLY_HOURS * 3_600_000) throw new RuleError('error.noMeetingToOpen');
  const items = await deps.meetings.agenda(next.id);
  const at = now.toISOString();
  const opened = await deps.meetings.moveCurrent(next.id, { toItemId: items[0]?.id ?? null, changes: { status: 'open', openedAt: at } }, next.version, at);
  if (!opened) throw new StaleError();
  const regrets = (await deps.meetings.regrets(next.id)).map((r) => r.userId);
  const existing = await deps.attendance.forMeeting(next.id);
  await deps.attendance.mark(next.id, openingAttendance(view.members, regrets, input.actorId, at, existing), input.actorId, at);
  return { agenda: await load(deps, view, opened), alreadyOpen: false, attendance: await viewOf(deps, view, opened) };
}

function targetIndex(agenda: AgendaView, target: ItemTarget): number {
  const items = agenda.timing.items;
  const current = items.findIndex((i) => i.id === agenda.meeting.currentItemId);
  switch (target.kind) {
    case 'next':
      if (current + 1 >= items.length) throw new RuleError('error.lastItem');
      return current + 1;
    case 'previous':
      if (current <= 0) throw new RuleError('error.firstItem');
      return current - 1;
    case 'item':
    case 'number': {
      const index = items.findIndex((i) => (target.kind === 'item' ? i.id === target.itemId : i.number === target.number));
      if (index < 0) throw new RuleError('error.itemNotFound');
      return index;
    }
  }
}

async function runningMeeting(deps: MeetingDeps, view: CouncilView, meetingId: string | undefined): Promise<Meeting> {
  const meeting = meetingId ? await deps.meetings.findById(meetingId) : await deps.meetings.findOpen(view.council.id);
  if (!meeting || meeting.councilId !== view.council.id || meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  return meeting;
}

/** Moves to another item. A command has no version (it acts on the meeting as it is); a card has. */
export async function goToItem(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId?: string; expectedVersion?: number; target: ItemTarget },
): Promise<AgendaView> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const meeting = await runningMeeting(deps, view, input.meetingId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== meeting.version) throw new StaleError();
  const agenda = await load(deps, view, meeting);
  const item = agenda.timing.items[targetIndex(agenda, input.target)]!;
  const at = deps.clock.now().toISOString();
  const moved = await deps.meetings.moveCurrent(meeting.id, { toItemId: item.id }, meeting.version, at, liveCardJobs(meeting, at));
  if (!moved) throw new StaleError();
  return afterMove(deps, agenda, moved);
}

/** What to do with items the meeting never reached: ask first, table them all, or leave them. */
export type UnreachedChoice = 'ask' | 'table' | 'leave';

/**
 * Items the meeting never got to and that nothing was decided on. Breaks and the standing
 * items (opening, next meeting, closing) are no business to table.
 */
export function unreachedItems(agenda: AgendaView) {
  const reached = new Set(agenda.times.map((x) => x.itemId));
  const decided = new Set(agenda.decisions.map((d) => d.agendaItemId));
  return agenda.timing.items.filter((i) => !reached.has(i.id) && !decided.has(i.id) && i.kind !== 'break' && !i.standing);
}

export async function closeMeeting(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId?: string; expectedVersion?: number; unreached?: UnreachedChoice },
): Promise<AgendaView> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const meeting = await runningMeeting(deps, view, input.meetingId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== meeting.version) throw new StaleError();
  const unreached = unreachedItems(await load(deps, view, meeting));
  const choice = input.unreached ?? 'ask';
  if (choice === 'ask' && unreached.length > 0) {
    throw new RuleError('error.closeUnreached', { items: unreached.map((i) => i.number).join(', ') });
  }
  const at = deps.clock.now().toISOString();
  if (choice === 'table') {
    const words = NOT_REACHED[view.council.locale];
    for (const item of unreached) {
      // Keyed by meeting and item: closing again after a stale answer tables nothing twice.
      await deps.decisions.record(
        {
          id: deps.newId(),
          meetingId: meeting.id,
          agendaItemId: item.id,
          itemNumber: item.number,
          itemTitle: item.title,
          text: words.text,
          outcome: 'tabled',
          reason: words.reason,
          vote: null,
          recordedBy: input.actorId,
          recordedAt: at,
        },
        `close:${meeting.id}:${item.id}`,
      );
    }
  }
  const closed = await deps.meetings.moveCurrent(meeting.id, { toItemId: null, changes: { status: 'closed', closedAt: at } }, meeting.version, at, liveCardJobs(meeting, at));
  if (!closed) throw new StaleError();
  await carryOverTabled(deps, view, closed);
  return load(deps, view, closed);
}

/**
 * Items tabled or referred back return on the next meeting's draft agenda, with their history,
 * once; a later meeting scheduled afterwards does not get them (noted in the issue).
 */
async function carryOverTabled(deps: MeetingDeps, view: CouncilView, closed: Meeting): Promise<void> {
  const returning = (await deps.decisions.forMeeting(closed.id)).filter((d) => d.outcome !== 'decided');
  if (returning.length === 0) return;
  const [next] = (await deps.meetings.upcoming(view.council.id, closed.endsAt, 10)).filter((m) => m.status === 'planned' && m.id !== closed.id);
  if (!next) return;
  const date = utcToZoned(closed.startsAt, view.council.timeZone).date;
  const items = await deps.meetings.agenda(next.id);
  const carried = returning
    .filter((d) => !items.some((i) => i.carriedFrom === d.id))
    .map((d) => carriedItem(view.council.locale, d, date, deps.newId));
  if (carried.length === 0) return;
  await deps.meetings.saveAgenda(next.id, insertAfterStanding(items, carried), next.version, deps.clock.now().toISOString());
}

export const NOTE_MAX = 4_000;

/** "Anteckning: …": the secretary's notes on the item under discussion, once per message. */
export async function addItemNote(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; text: string; clientKey: string; meetingId?: string; itemId?: string },
): Promise<{ agenda: AgendaView; created: boolean; itemNumber: string }> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const meeting = await runningMeeting(deps, view, input.meetingId);
  const text = input.text.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) throw new RuleError('error.noteEmpty');
  if (text.length > NOTE_MAX) throw new RuleError('error.noteTooLong', { max: NOTE_MAX });
  const agenda = await load(deps, view, meeting);
  const item = agenda.timing.items.find((i) => i.id === (input.itemId ?? meeting.currentItemId));
  if (!item) throw new RuleError(input.itemId ? 'error.itemNotFound' : 'error.noCurrentItem');
  const { created } = await deps.meetings.addNote(
    { id: deps.newId(), meetingId: meeting.id, itemId: item.id, text, writtenBy: input.actorId, writtenAt: deps.clock.now().toISOString() },
    input.clientKey,
  );
  if (created) await noteAct(deps, view, meeting, input.actorId, 'recorded');
  return { agenda: await load(deps, view, meeting), created, itemNumber: item.number };
}
