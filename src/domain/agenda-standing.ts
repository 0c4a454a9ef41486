import type { AgendaItemDraft } from './agenda.js';
import type { Locale } from './council.js';

const titles: Record<Locale, string> = {
  sv: 'Föregående mötes anteckningar och actionpunkter',
  en: 'Notes and action items from the previous meeting',
};

/**
 * What every new meeting's draft agenda starts with: the previous meeting's notes and action
 * items. (The items tabled at the previous meeting follow it once meetings record tablings.)
 * It has no duration of its own, so an imported agenda's times (which usually cover it under
 * "Inledning") are not pushed back by it.
 */
export function standingItems(locale: Locale, newId: () => string): AgendaItemDraft[] {
  return [
    {
      id: newId(),
      title: titles[locale],
      kind: 'information',
      level: 0,
      presenters: [],
      links: [],
      standing: 'previousMinutes',
    },
  ];
}
