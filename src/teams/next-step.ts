import type { Locale } from '../domain/council.js';
import { t } from '../i18n/index.js';

/** The steps of a council's first meeting, each answer pointing at the next one. */
export type Step = 'afterSetup' | 'afterPlanned' | 'afterAgenda';

/** An answer's notice with one short sentence on what to do next, so a new chair needs no manual. */
export function withNextStep(locale: Locale, text: string, step: Step): string {
  return `${text} ${t(locale, `next.${step}`)}`;
}
