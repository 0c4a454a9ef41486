/**
 * The agenda read model: a meeting as every feature shows it (items, timing, regrets, times,
 * notes, decisions, open action items). Reminders, the calendar, the running meeting and the
 * minutes read it; only the agenda feature changes it.
 */
import type { ActionItem } from '../domain/action-item.js';
import { type AgendaItemDraft, type AgendaTiming, timeAgenda } from '../domain/agenda.js';
import type { Decision } from '../domain/decision.js';
import type { Meeting } from '../domain/meeting.js';
import { utcToZoned } from '../domain/meeting-time.js';
import type { CouncilView } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import type { ItemNote, ItemTime, Regret } from './ports.js';

export interface AgendaView {
  view: CouncilView;
  meeting: Meeting;
  items: AgendaItemDraft[];
  timing: AgendaTiming;
  regrets: Regret[];
  /** Actual start and end per item once the meeting has run. */
  times: ItemTime[];
  /** When the view was made, for the elapsed time of a running meeting. */
  now: string;
  /** The council's open action items, reviewed under the standing item. */
  openActions: ActionItem[];
  /** The secretary's notes (anteckningar) per item, once the meeting has run. */
  notes: ItemNote[];
  /** Decisions recorded so far, in the order they were made. */
  decisions: Decision[];
}

export async function load(deps: MeetingDeps, view: CouncilView, meeting: Meeting): Promise<AgendaView> {
  const [items, regrets, times, openActions, notes, decisions] = await Promise.all([
    deps.meetings.agenda(meeting.id),
    deps.meetings.regrets(meeting.id),
    meeting.status === 'planned' ? Promise.resolve([]) : deps.meetings.itemTimes(meeting.id),
    deps.actionItems.open(view.council.id),
    meeting.status === 'planned' ? Promise.resolve([]) : deps.meetings.notes(meeting.id),
    meeting.status === 'planned' ? Promise.resolve([]) : deps.decisions.forMeeting(meeting.id),
  ]);
  const zone = view.council.timeZone;
  const timing = timeAgenda(items, { start: utcToZoned(meeting.startsAt, zone).time, end: utcToZoned(meeting.endsAt, zone).time });
  return { view, meeting, items, timing, regrets, times, now: deps.clock.now().toISOString(), openActions, notes, decisions };
}

/** The view after the meeting moved to another item: only the meeting and its times changed. */
export async function afterMove(deps: MeetingDeps, agenda: AgendaView, moved: Meeting): Promise<AgendaView> {
  return { ...agenda, meeting: moved, times: await deps.meetings.itemTimes(moved.id), now: deps.clock.now().toISOString() };
}
