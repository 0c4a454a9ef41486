import type { Locale } from '../domain/council.js';
import type { Decision } from '../domain/decision.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

/** A recorded decision, with undo for those who run the meeting while it is still open. */
export function decisionCard(decision: Decision, locale: Locale, options: { canUndo: boolean; notice?: Notice }): CardJson {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const facts = [{ title: tr('decision.outcome'), value: tr(`outcome.${decision.outcome}` as MessageKey) }];
  if (decision.reason) facts.push({ title: tr('decision.reason'), value: decision.reason });
  if (decision.vote) facts.push({ title: tr('decision.vote'), value: tr('decision.voteText', { ...decision.vote }) });
  return renderTemplate('decision', {
    notice: options.notice?.text ?? null,
    noticeStyle: options.notice?.kind ?? 'default',
    heading: tr('decision.recorded', { number: decision.itemNumber ?? '', title: decision.itemTitle ?? '' }),
    text: decision.text,
    facts,
    decisionId: decision.id,
    canUndo: options.canUndo,
    labels: { undo: tr('decision.undo') },
  });
}
