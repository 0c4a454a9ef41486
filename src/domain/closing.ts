/**
 * What happens to the items a meeting did not deal with when the chair closes it. Each gets its
 * own choice; the defaults are what a chair would pick, so closing is usually one tap.
 */
import type { TimedAgendaItem } from './agenda.js';
import { isProceduralTitle } from './agenda-kind.js';

export const DISPOSITIONS = ['table', 'strike', 'handled'] as const;
/** Tabled to the next meeting, struck from the agenda, or dealt with without a decision. */
export type Disposition = (typeof DISPOSITIONS)[number];

export interface ItemLeft {
  item: TimedAgendaItem;
  /** The choices the chair has for it: a procedural item is never tabled. */
  choices: readonly Disposition[];
  proposed: Disposition;
}

/** Breaks, the standing items and the meeting's own order (opening, adjusters, AOB, closing). */
export function isProcedural(item: Pick<TimedAgendaItem, 'kind' | 'standing' | 'title'>): boolean {
  return item.kind === 'break' || item.standing !== undefined || isProceduralTitle(item.title);
}

/**
 * The items neither reached nor decided, with the chair's choices and the proposed one. A
 * heading with sub-items is dealt with through them: it is never proposed for tabling (its
 * sub-items are, each on its own). Procedural items are never tabled.
 */
export function itemsLeft(items: readonly TimedAgendaItem[], handled: ReadonlySet<string>): ItemLeft[] {
  const out: ItemLeft[] = [];
  items.forEach((item, index) => {
    if (handled.has(item.id)) return;
    const heading = item.level === 0 && items[index + 1]?.level === 1;
    if (isProcedural(item)) out.push({ item, choices: ['handled', 'strike'], proposed: 'handled' });
    else out.push({ item, choices: DISPOSITIONS, proposed: heading ? 'handled' : 'table' });
  });
  return out;
}

/** Whether closing needs the chair's word: something would be tabled (or could be) by default. */
export function needsAsking(left: readonly ItemLeft[]): boolean {
  return left.some((l) => l.proposed !== 'handled');
}

/**
 * The items planned for a decision (kind "decision") that have none recorded, tabled or
 * referred back: the chair is told at closing and the secretary sees them marked in the draft.
 * A heading with sub-items is decided through them, and the meeting's own order never counts.
 */
export function undecidedItems(items: readonly TimedAgendaItem[], decidedItemIds: ReadonlySet<string>): TimedAgendaItem[] {
  return items.filter((item, index) => {
    if (item.kind !== 'decision' || decidedItemIds.has(item.id) || isProcedural(item)) return false;
    return !(item.level === 0 && items[index + 1]?.level === 1);
  });
}

/** "3 a. Budget, 5. Jourverksamhet": items as a chair reads them in one line. */
export function itemList(items: readonly Pick<TimedAgendaItem, 'number' | 'title'>[]): string {
  return items.map((i) => `${i.number}. ${i.title}`).join(', ');
}
