import { minutesToTime, timeToMinutes } from './meeting-time.js';

export const AGENDA_ITEM_KINDS = ['information', 'discussion', 'decision', 'election', 'break', 'reported'] as const;
export type AgendaItemKind = (typeof AGENDA_ITEM_KINDS)[number];

export interface AgendaItemDraft {
  id: string;
  title: string;
  kind: AgendaItemKind;
  /** 1 = sub-item of the previous level-0 item. */
  level: 0 | 1;
  durationMinutes?: number;
  /** "HH:MM": a planned start the chair gave. */
  fixedStart?: string;
  presenters: string[];
  description?: string;
  links: { title: string; url: string }[];
  /** Set on the items every agenda starts with, e.g. the previous meeting's notes. */
  standing?: StandingItem;
  /** The decision (tabled or referred back) that brought this item back from an earlier meeting. */
  carriedFrom?: string;
  /** The number the chair's own agenda gave it ("3 a"), shown instead of a computed one (see agenda-labels). */
  label?: string;
}

export type StandingItem = 'previousMinutes';

export interface TimedAgendaItem extends AgendaItemDraft {
  /** "1", "2", "3 a", "3 b" */
  number: string;
  plannedStart?: string;
  plannedEnd?: string;
}

export interface AgendaTiming {
  items: TimedAgendaItem[];
  totalMinutes: number;
  meetingMinutes: number;
  /** > 0 when the agenda runs past the meeting's end. */
  overrunMinutes: number;
  /** Items without a known duration. */
  untimed: number;
}

const LAST_MINUTE_OF_DAY = 23 * 60 + 59;

/**
 * "1", "2", "3", and "3 a", "3 b" … for sub-items of item 3; after "z" come "aa", "ab" … as in
 * spreadsheet columns. A sub-item with no main item before it (the very first item) has nothing
 * to hang under, so it is numbered as a main item and the sub-items after it hang under it.
 * An agenda with the chair's own numbers shows those; its items without one (standing items the
 * chair's agenda did not have) show none, rather than take a number from the chair's items.
 */
export function numberItems(items: AgendaItemDraft[]): string[] {
  if (items.some((item) => item.label)) return items.map((item) => item.label ?? '');
  let main = 0;
  let sub = 0;
  return items.map((item, index) => {
    if (effectiveLevel(items, index) === 0) {
      main += 1;
      sub = 0;
      return String(main);
    }
    sub += 1;
    return `${main} ${subLetters(sub)}`;
  });
}

/**
 * Planned times, by these rules:
 * - Items run in order from the meeting start, sub-items like any other item.
 * - An item starts at its fixedStart when that is at or after the running clock; otherwise at the
 *   running clock. A fixedStart the clock has already passed cannot be kept: the item starts late
 *   and the lateness carries through to the end (and so into the overrun).
 * - It lasts its durationMinutes; without one, an item given a start of its own ("13.10 Ekonomi")
 *   lasts until the next item's fixedStart (never less than zero); otherwise it is untimed: its
 *   start is shown, it has no end, and the clock does not move on. An item the chair gave no time
 *   at all is never stretched over a gap (the standing item before an agenda that starts at 13.00
 *   in a meeting planned from 08.00 is not "08.00–13.00"). The last item, when it was given a
 *   start of its own ("15.00 Övriga frågor"), runs to the meeting's end: that is what such an
 *   agenda means.
 * - An agenda with no time anywhere (no durations, no starts) shows no planned times: every item
 *   "at 13.00" would read as a plan nobody made.
 * - totalMinutes runs from the meeting start to the end of the last timed item (0 when none is
 *   timed); overrunMinutes is what it exceeds the meeting's length by.
 * - Times never wrap past midnight: shown times stop at 23:59 while the count goes on, so the rest
 *   shows up as overrun.
 * This is a calculator, not a validator: a malformed fixedStart is ignored, a negative or
 * non-numeric duration counts as missing, a malformed meeting start is taken as midnight, and a
 * meeting end that is malformed or not after its start gives a meeting of 0 minutes.
 */
export function timeAgenda(items: AgendaItemDraft[], meeting: { start: string; end: string }): AgendaTiming {
  const meetingStart = timeToMinutes(meeting.start) ?? 0;
  const meetingEnd = timeToMinutes(meeting.end);
  const meetingMinutes = meetingEnd === undefined ? 0 : Math.max(0, meetingEnd - meetingStart);
  const numbers = numberItems(items);
  const fixedStarts = items.map((item) => (item.fixedStart === undefined ? undefined : timeToMinutes(item.fixedStart)));

  const anyTime = items.some((item, index) => fixedStarts[index] !== undefined || knownDuration(item.durationMinutes) !== undefined);
  let clock = meetingStart;
  let lastEnd = meetingStart;
  let untimed = 0;
  const timed = items.map((item, index): TimedAgendaItem => {
    const fixed = fixedStarts[index];
    const start = fixed !== undefined && fixed > clock ? fixed : clock;
    clock = start;
    const duration =
      knownDuration(item.durationMinutes) ??
      (fixed === undefined ? undefined : untilNextFixedStart(fixedStarts[index + 1], start)) ??
      (index === items.length - 1 && fixed !== undefined ? untilNextFixedStart(meetingEnd, start) : undefined);
    const result: TimedAgendaItem = { ...item, number: numbers[index] ?? '' };
    if (anyTime) result.plannedStart = clockTime(start);
    if (duration === undefined) {
      untimed += 1;
      return result;
    }
    clock = start + duration;
    lastEnd = clock;
    result.plannedEnd = clockTime(clock);
    return result;
  });

  const totalMinutes = lastEnd - meetingStart;
  return {
    items: timed,
    totalMinutes,
    meetingMinutes,
    overrunMinutes: Math.max(0, totalMinutes - meetingMinutes),
    untimed,
  };
}

/**
 * The item with `id` moved so that it ends up at `toIndex` (clamped); a main item takes its
 * sub-items along. A main item never lands between another item's sub-items, which would
 * adopt them: moving up it goes before that item, moving down after its last sub-item (or, with
 * no room above, after the sub-items). A sub-item moves alone and stays a sub-item of whatever
 * main item now precedes it. A leading sub-item, numbered as a main item, moves as one and
 * becomes one. Unknown ids leave the order as it is.
 */
export function moveItem(items: AgendaItemDraft[], id: string, toIndex: number): AgendaItemDraft[] {
  const from = items.findIndex((item) => item.id === id);
  if (from < 0 || Number.isNaN(toIndex)) return [...items];

  const isMain = effectiveLevel(items, from) === 0;
  let blockEnd = from + 1;
  if (isMain) while (blockEnd < items.length && items[blockEnd]!.level === 1) blockEnd += 1;
  const block = items.slice(from, blockEnd);
  if (isMain && block[0]!.level === 1) block[0] = { ...block[0]!, level: 0 };
  const rest = [...items.slice(0, from), ...items.slice(blockEnd)];

  let at = Math.min(Math.max(Math.trunc(toIndex), 0), rest.length);
  if (isMain) {
    const isBoundary = (i: number): boolean => i === rest.length || rest[i]!.level === 0;
    if (at < from) {
      while (at > 0 && !isBoundary(at)) at -= 1;
      while (!isBoundary(at)) at += 1;
    } else {
      while (!isBoundary(at)) at += 1;
    }
  }
  return [...rest.slice(0, at), ...block, ...rest.slice(at)];
}

// ---------------------------------------------------------------------------------------------

function effectiveLevel(items: readonly AgendaItemDraft[], index: number): 0 | 1 {
  return index === 0 ? 0 : (items[index]?.level ?? 0);
}

/** 1 → "a", 26 → "z", 27 → "aa": bijective base 26, so there is no "zero" letter. */
function subLetters(n: number): string {
  let letters = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(97 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function knownDuration(minutes: number | undefined): number | undefined {
  return minutes !== undefined && Number.isFinite(minutes) && minutes >= 0 ? Math.round(minutes) : undefined;
}

function untilNextFixedStart(nextFixed: number | undefined, start: number): number | undefined {
  return nextFixed === undefined ? undefined : Math.max(0, nextFixed - start);
}

function clockTime(minutes: number): string {
  return minutesToTime(Math.min(minutes, LAST_MINUTE_OF_DAY));
}
