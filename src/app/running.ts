import { openingAttendance } from '../domain/attendance.js';
import { type AttendanceView, noteAct, viewOf } from './attendance.js';
import { requirePermission } from '../domain/council.js';
import { NOT_REACHED } from '../domain/decision.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { carriedItem, insertAfterStanding } from '../domain/agenda-standing.js';
import type { Meeting } from '../domain/meeting.js';
import { formatTime, utcToZoned } from '../domain/meeting-time.js';
import { type AgendaView, afterMove, load } from './agenda-view.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import { liveCardJobs, meetingClosedJob } from './conversation-jobs.js';
import type { ClosingRecords } from './ports.js';
import { type Disposition, type ItemLeft, itemsLeft, needsAsking, undecidedItems } from '../domain/closing.js';
import type { AgendaItemDraft, TimedAgendaItem } from '../domain/agenda.js';
import { findByNumber, normaliseItemNumber } from '../domain/agenda-labels.js';
import { t } from '../i18n/index.js';
import type { MeetingDeps } from './meetings.js';

/** A meeting can be opened from this long before its planned start. */
export const OPEN_EARLY_HOURS = 12;
/** "avsluta mötet" this long after a close is about that meeting (and is told it is closed); later, about none. */
const CLOSED_RECENTLY_HOURS = 12;

export type ItemTarget = { kind: 'next' } | { kind: 'previous' } | { kind: 'item'; itemId: string };

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
    case 'item': {
      const index = items.findIndex((i) => i.id === target.itemId);
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

/** "punkt 2 a" that names no single item: the chair picks one, and nothing moves until then. */
export interface ItemQuestion {
  agenda: AgendaView;
  number: string;
  reason: 'ambiguous' | 'missing';
  candidates: TimedAgendaItem[];
}

/**
 * "punkt 2 a": the item the chair numbered so. A number two items share, or one the agenda does
 * not have, is answered with a question listing the candidates; the meeting stays where it is.
 */
export async function goToNumber(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; number: string },
): Promise<{ moved: AgendaView } | { ask: ItemQuestion }> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const meeting = await runningMeeting(deps, view, undefined);
  const agenda = await load(deps, view, meeting);
  const match = findByNumber(agenda.timing.items, input.number);
  if (match.kind !== 'one') return { ask: { agenda, number: normaliseItemNumber(input.number) ?? input.number.trim(), reason: match.kind, candidates: match.items } };
  const at = deps.clock.now().toISOString();
  const moved = await deps.meetings.moveCurrent(meeting.id, { toItemId: match.item.id }, meeting.version, at, liveCardJobs(meeting, at));
  if (!moved) throw new StaleError();
  return { moved: await afterMove(deps, agenda, moved) };
}

/**
 * How the chair closes: `ask` answers with the items left when any would be tabled (or could
 * be); `defaults` closes with the proposed choice for each; `leave` records nothing for them;
 * `chosen` is the closing card's answer, item by item.
 */
export type CloseChoice = { kind: 'ask' } | { kind: 'defaults' } | { kind: 'leave' } | { kind: 'chosen'; items: Readonly<Record<string, Disposition>> };

export type CloseResult = { closed: true; agenda: AgendaView } | { closed: false; agenda: AgendaView; left: ItemLeft[] };

/** The items the meeting neither reached nor decided, with the chair's choices for each. */
export function leftItems(agenda: AgendaView): ItemLeft[] {
  const handled = new Set([...agenda.times.map((x) => x.itemId), ...agenda.decisions.flatMap((d) => (d.agendaItemId ? [d.agendaItemId] : []))]);
  return itemsLeft(agenda.timing.items, handled);
}

/** The items planned for a decision with none recorded yet (a tabling counts as recorded). */
export function undecided(agenda: AgendaView): TimedAgendaItem[] {
  return undecidedItems(agenda.timing.items, new Set(agenda.decisions.flatMap((d) => (d.agendaItemId ? [d.agendaItemId] : []))));
}

function chosenFor(left: ItemLeft, choice: CloseChoice): Disposition {
  if (choice.kind === 'leave') return 'handled';
  const chosen = choice.kind === 'chosen' ? choice.items[left.item.id] : undefined;
  return chosen && left.choices.includes(chosen) ? chosen : left.proposed;
}

async function closingMeeting(deps: MeetingDeps, view: CouncilView, meetingId: string | undefined): Promise<Meeting> {
  let meeting = meetingId ? await deps.meetings.findById(meetingId) : await deps.meetings.findOpen(view.council.id);
  if (!meeting && !meetingId) {
    // "avsluta mötet" typed again just after the close: that meeting, so the answer says it is closed already.
    const held = await deps.meetings.latestHeld(view.council.id);
    const recent = held?.closedAt && deps.clock.now().getTime() - Date.parse(held.closedAt) < CLOSED_RECENTLY_HOURS * 3_600_000;
    if (recent) meeting = held;
  }
  if (!meeting || meeting.councilId !== view.council.id) throw new RuleError('error.meetingNotOpen');
  if (meeting.status === 'closed' || meeting.status === 'approved') throw alreadyClosed(view, meeting);
  if (meeting.status !== 'open') throw new RuleError('error.meetingNotOpen');
  return meeting;
}

function alreadyClosed(view: CouncilView, meeting: Meeting): RuleError {
  const time = meeting.closedAt ? formatTime(utcToZoned(meeting.closedAt, view.council.timeZone).time, view.council.locale) : '';
  return new RuleError('error.meetingAlreadyClosed', { time });
}

/**
 * Closes the running meeting. What happens to each item left (tabled to the next meeting, struck,
 * or dealt with without a decision) is saved with the close in one transaction, with the notice
 * at the bottom of the chat and the live card's update; a second close at the same moment (two
 * chairs, a retried click) is told the meeting is closed already and changes nothing.
 */
export async function closeMeeting(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId?: string; expectedVersion?: number; choice: CloseChoice },
): Promise<CloseResult> {
  const view = await runner(deps, input.conversationId, input.actorId);
  const meeting = await closingMeeting(deps, view, input.meetingId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== meeting.version) throw new StaleError();
  const agenda = await load(deps, view, meeting);
  const left = leftItems(agenda);
  // An item planned for a decision that got none is worth a question too: the chair may have forgotten to record it.
  if (input.choice.kind === 'ask' && (needsAsking(left) || undecided(agenda).length > 0)) return { closed: false, agenda, left };
  const at = deps.clock.now().toISOString();
  const words = NOT_REACHED[view.council.locale];
  const decisions: ClosingRecords['decisions'][number][] = [];
  const notes: ClosingRecords['notes'][number][] = [];
  for (const l of left) {
    const disposition = chosenFor(l, input.choice);
    const { item } = l;
    // Keyed by meeting and item: nothing is recorded twice for an item, whoever closes.
    if (disposition === 'table') {
      decisions.push({
        decision: { id: deps.newId(), meetingId: meeting.id, agendaItemId: item.id, itemNumber: item.number, itemTitle: item.title, text: words.text, outcome: 'tabled', reason: words.reason, recordedBy: input.actorId, recordedAt: at },
        clientKey: `close:${meeting.id}:${item.id}`,
      });
    } else if (disposition === 'strike') {
      notes.push({
        note: { id: deps.newId(), meetingId: meeting.id, itemId: item.id, text: t(view.council.locale, 'close.struckNote'), writtenBy: input.actorId, writtenAt: at },
        clientKey: `close:${meeting.id}:${item.id}`,
      });
    }
  }
  const jobs = [...liveCardJobs(meeting, at), meetingClosedJob(meeting.id, at)];
  const closed = await deps.meetings.close(meeting.id, meeting.version, at, { decisions, notes }, jobs);
  if (!closed) {
    const now = await deps.meetings.findById(meeting.id);
    if (now && (now.status === 'closed' || now.status === 'approved')) throw alreadyClosed(view, now);
    throw new StaleError();
  }
  const held = await load(deps, view, closed);
  await carryOverTabled(deps, view, closed);
  return { closed: true, agenda: held };
}

/**
 * Items tabled or referred back at the last meeting held return on the next meeting's draft
 * agenda, with their history, once: at the close when the next meeting is planned already, or
 * when it is planned afterwards (see returningItems).
 */
async function carryOverTabled(deps: MeetingDeps, view: CouncilView, closed: Meeting): Promise<void> {
  const [next] = (await deps.meetings.upcoming(view.council.id, closed.endsAt, 10)).filter((m) => m.status === 'planned' && m.id !== closed.id);
  if (!next) return;
  const carried = await returningItems(deps, view, closed);
  if (carried.length === 0) return;
  const items = await deps.meetings.agenda(next.id);
  await deps.meetings.saveAgenda(next.id, insertAfterStanding(items, carried), next.version, deps.clock.now().toISOString());
}

/**
 * The tabled and referred-back items of the meeting held last that no planned meeting carries
 * yet, as items for a draft agenda.
 */
export async function returningItems(deps: MeetingDeps, view: CouncilView, held: Meeting | undefined): Promise<AgendaItemDraft[]> {
  if (!held || (held.status !== 'closed' && held.status !== 'approved')) return [];
  const returning = (await deps.decisions.forMeeting(held.id)).filter((d) => d.outcome !== 'decided');
  if (returning.length === 0) return [];
  const planned = (await deps.meetings.upcoming(view.council.id, held.endsAt, 20)).filter((m) => m.status === 'planned');
  const agendas = await Promise.all(planned.map((m) => deps.meetings.agenda(m.id)));
  const carried = new Set(agendas.flat().flatMap((i) => (i.carriedFrom ? [i.carriedFrom] : [])));
  const date = utcToZoned(held.startsAt, view.council.timeZone).date;
  return returning.filter((d) => !carried.has(d.id)).map((d) => carriedItem(view.council.locale, d, date, deps.newId));
}

export const NOTE_MAX = 4_000;

/** "Anteckning: …": the secretary's notes on the item under discussion, once per message. */
export async function addItemNote(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; text: string; clientKey: string; meetingId?: string; itemId?: string },
): Promise<{ agenda: AgendaView; created: boolean; itemNumber: string; itemTitle: string }> {
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
  return { agenda: await load(deps, view, meeting), created, itemNumber: item.number, itemTitle: item.title };
}
