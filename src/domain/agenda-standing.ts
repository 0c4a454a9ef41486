import type { AgendaItemDraft } from './agenda.js';
import type { Locale } from './council.js';
import type { Decision } from './decision.js';

/** Named as the bot names them everywhere: the document is the protokoll, action items are åtgärder. */
export const STANDING_TITLES: Record<Locale, string> = {
  sv: 'Föregående mötes protokoll och åtgärder',
  en: 'Minutes and action items from the previous meeting',
};

/**
 * What every new meeting's draft agenda starts with: the previous meeting's minutes and action
 * items. (The items tabled at the previous meeting follow it once meetings record tablings.)
 * It has no duration of its own, so an imported agenda's times (which usually cover it under
 * "Inledning") are not pushed back by it.
 */
export function standingItems(locale: Locale, newId: () => string): AgendaItemDraft[] {
  return [
    {
      id: newId(),
      title: STANDING_TITLES[locale],
      kind: 'information',
      level: 0,
      presenters: [],
      links: [],
      standing: 'previousMinutes',
    },
  ];
}

const history = {
  sv: { tabled: 'Bordlagt', referredBack: 'Återremitterat' },
  en: { tabled: 'Tabled', referredBack: 'Referred back' },
} as const;

/** A tabled or referred-back item as it returns: its title, and what happened to it and why. */
export function carriedItem(locale: Locale, decision: Decision, meetingDate: string, newId: () => string): AgendaItemDraft {
  const outcome = decision.outcome === 'referredBack' ? 'referredBack' : 'tabled';
  const why = decision.reason ? `: ${decision.reason}` : '';
  return {
    id: newId(),
    title: decision.itemTitle ?? decision.text.slice(0, 200),
    kind: 'decision',
    level: 0,
    presenters: [],
    description: `${history[locale][outcome]} ${meetingDate}${why}`,
    links: [],
    carriedFrom: decision.id,
  };
}

/**
 * Returning items come right after the standing items, before the new business; on an imported
 * agenda that has the previous meeting's notes further down ("3. Föregående mötes anteckningar"),
 * right after that item and its sub-items, unnumbered, so no number of the chair's shifts.
 */
export function insertAfterStanding(items: readonly AgendaItemDraft[], carried: readonly AgendaItemDraft[]): AgendaItemDraft[] {
  let last = -1;
  items.forEach((item, i) => {
    if (item.standing || item.carriedFrom) last = i;
  });
  let index = last + 1;
  while (index > 0 && index < items.length && items[index]!.level === 1) index += 1;
  return [...items.slice(0, index), ...carried, ...items.slice(index)];
}
