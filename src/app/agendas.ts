import { type AgendaItemDraft, type AgendaItemKind, moveItem } from '../domain/agenda.js';
import type { ParsedAgendaItem } from '../domain/agenda-text.js';
import { mergeImported, relabel } from '../domain/agenda-labels.js';
import { requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { type AgendaView, load } from './agenda-view.js';
import { type CouncilView, councilActingOn, requireCouncil, roleOf } from './councils.js';
import { calendarPushJobs } from './jobs.js';
import type { MeetingDeps } from './meetings.js';

/** 300 imported or added items, plus room for the standing items every agenda starts with. */
export const AGENDA_MAX_ITEMS = 310;
export const ITEM_TITLE_MAX = 200;

export interface ItemFields {
  title: string;
  kind: AgendaItemKind;
  level: 0 | 1;
  durationMinutes?: number;
  presenters: string[];
  description?: string;
  links?: AgendaItemDraft['links'];
}

/** The meeting, checked to belong to the conversation's council (ids on cards can be forged). */
async function councilMeeting(deps: MeetingDeps, conversationId: string, meetingId: string) {
  const view = await requireCouncil(deps, conversationId);
  const meeting = await deps.meetings.findById(meetingId);
  if (!meeting || meeting.councilId !== view.council.id || meeting.status === 'cancelled') throw new RuleError('error.meetingNotFound');
  return { view, meeting };
}

/**
 * In the council's conversation, as above; in a member's own chat (a reminder's Återbud button),
 * the meeting's council, whose members alone may act on it.
 */
async function meetingHereOrOwn(deps: MeetingDeps, conversationId: string, meetingId: string) {
  const meeting = await deps.meetings.findById(meetingId);
  const view = meeting && (await councilActingOn(deps, conversationId, meeting.councilId));
  if (!meeting || !view || meeting.status === 'cancelled') throw new RuleError('error.meetingNotFound');
  return { view, meeting };
}

export async function nextMeetingAgenda(deps: MeetingDeps, conversationId: string): Promise<AgendaView | undefined> {
  const view = await requireCouncil(deps, conversationId);
  const [next] = await deps.meetings.upcoming(view.council.id, deps.clock.now().toISOString(), 1);
  return next ? load(deps, view, next) : undefined;
}

export async function meetingAgenda(deps: MeetingDeps, conversationId: string, meetingId: string): Promise<AgendaView> {
  const { view, meeting } = await councilMeeting(deps, conversationId, meetingId);
  return load(deps, view, meeting);
}

type Edit = (items: AgendaItemDraft[], view: CouncilView) => AgendaItemDraft[];

/** Every agenda change: role check, version check, the change, one save. */
async function changeAgenda(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number },
  edit: Edit,
  find: typeof councilMeeting = councilMeeting,
): Promise<AgendaView> {
  const { view, meeting } = await find(deps, input.conversationId, input.meetingId);
  requirePermission(roleOf(view, input.actorId), 'agenda.edit');
  if (meeting.version !== input.expectedVersion) throw new StaleError();
  const items = relabel(edit(await deps.meetings.agenda(meeting.id), view));
  if (items.length > AGENDA_MAX_ITEMS) throw new RuleError('error.agendaTooLong', { max: AGENDA_MAX_ITEMS });
  const now = deps.clock.now().toISOString();
  // The calendar event carries the agenda in its body; a planned meeting's event follows it, a
  // while after the edit, so that the edits of one sitting cost attendees one update e-mail.
  const jobs = meeting.status === 'planned' ? calendarPushJobs(view.council, [meeting], now, deps.calendarAgendaDelayMs) : [];
  const saved = await deps.meetings.saveAgenda(meeting.id, items, input.expectedVersion, now, jobs);
  if (!saved) throw new StaleError();
  return load(deps, view, saved);
}

function cleanFields(fields: ItemFields): Omit<AgendaItemDraft, 'id'> {
  const title = fields.title.replace(/\s+/g, ' ').trim().slice(0, ITEM_TITLE_MAX);
  if (title === '') throw new RuleError('error.itemTitleMissing');
  return {
    title,
    kind: fields.kind,
    level: fields.level,
    ...(fields.durationMinutes !== undefined ? { durationMinutes: fields.durationMinutes } : {}),
    presenters: fields.presenters.map((p) => p.trim()).filter(Boolean).slice(0, 10),
    ...(fields.description?.trim() ? { description: fields.description.trim().slice(0, 1000) } : {}),
    links: (fields.links ?? []).slice(0, 5),
  };
}

/** An item as the agenda stores it, from an item the text parser understood. */
export function draftFromParsed(item: ParsedAgendaItem, newId: () => string): AgendaItemDraft {
  return {
    id: newId(),
    title: item.title.slice(0, ITEM_TITLE_MAX),
    kind: item.kind,
    level: /\s[a-z]+$/.test(item.number) ? 1 : 0,
    ...(item.durationMinutes !== undefined ? { durationMinutes: item.durationMinutes } : {}),
    ...(item.start ? { fixedStart: item.start } : {}),
    presenters: item.presenters,
    ...(item.description ? { description: item.description } : {}),
    links: [],
    label: item.number,
  };
}

/**
 * Imported items replace the agenda with the chair's numbers; the standing and returning items
 * stay, where the text has them or else first (see mergeImported).
 */
export async function importAgenda(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; items: readonly ParsedAgendaItem[] },
): Promise<AgendaView> {
  if (input.items.length === 0) throw new RuleError('error.agendaEmpty');
  // A Word agenda sent in the personal chat is confirmed there, for the meeting's own council.
  return changeAgenda(
    deps,
    input,
    (current) =>
      mergeImported(
        current,
        input.items.map((item) => draftFromParsed(item, deps.newId)),
      ),
    meetingHereOrOwn,
  );
}

export async function addAgendaItem(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; fields: ItemFields },
): Promise<AgendaView> {
  const fields = cleanFields(input.fields);
  return changeAgenda(deps, input, (current) => [...current, { id: deps.newId(), ...fields }]);
}

function indexOf(items: AgendaItemDraft[], itemId: string): number {
  const index = items.findIndex((i) => i.id === itemId);
  if (index < 0) throw new RuleError('error.itemNotFound');
  return index;
}

export async function editAgendaItem(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; itemId: string; fields: ItemFields },
): Promise<AgendaView> {
  const fields = cleanFields(input.fields);
  return changeAgenda(deps, input, (current) => {
    const index = indexOf(current, input.itemId);
    const { durationMinutes: _d, description: _x, ...kept } = current[index]!;
    return current.map((item, i) => (i === index ? { ...kept, ...fields } : item));
  });
}

export async function moveAgendaItem(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; itemId: string; direction: 'up' | 'down' },
): Promise<AgendaView> {
  return changeAgenda(deps, input, (current) => {
    const index = indexOf(current, input.itemId);
    return moveItem(current, input.itemId, input.direction === 'up' ? index - 1 : index + 1);
  });
}

export async function removeAgendaItem(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; expectedVersion: number; itemId: string },
): Promise<AgendaView> {
  return changeAgenda(deps, input, (current) => {
    const index = indexOf(current, input.itemId);
    return current.filter((_, i) => i !== index);
  });
}

export async function sendRegrets(
  deps: MeetingDeps,
  input: { conversationId: string; actorId: string; meetingId: string; note: string | null; withdraw: boolean },
): Promise<AgendaView> {
  const { view, meeting } = await meetingHereOrOwn(deps, input.conversationId, input.meetingId);
  requirePermission(roleOf(view, input.actorId), 'meeting.regrets');
  if (meeting.status !== 'planned') throw new RuleError('error.meetingAlreadyStarted');
  if (input.withdraw) {
    await deps.meetings.withdrawRegret(meeting.id, input.actorId);
  } else {
    const note = input.note?.replace(/\s+/g, ' ').trim().slice(0, 500) || null;
    await deps.meetings.saveRegret({ meetingId: meeting.id, userId: input.actorId, note, createdAt: deps.clock.now().toISOString() });
  }
  return load(deps, view, meeting);
}
