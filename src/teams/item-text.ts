import type { Locale } from '../domain/council.js';
import { t } from '../i18n/index.js';

const UNNUMBERED = {
  'live.now': 'live.nowUnnumbered',
  'live.recordOn': 'live.recordOnUnnumbered',
  'decision.recorded': 'decision.recordedUnnumbered',
  'decision.recordedOn': 'decision.recordedOnUnnumbered',
  'note.saved': 'note.savedUnnumbered',
} as const;

/**
 * A sentence naming an item by number and title. A standing item placed before the chair's
 * item 1 has no number of its own, and "punkt  – …" would read as a mistake: it is named by title.
 */
export function itemSentence(locale: Locale, key: keyof typeof UNNUMBERED, item: { number: string; title: string }): string {
  return item.number ? t(locale, key, { number: item.number, title: item.title }) : t(locale, UNNUMBERED[key], { title: item.title });
}
