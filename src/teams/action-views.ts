import type { ActionItem } from '../domain/action-item.js';
import type { Locale } from '../domain/council.js';
import { formatShortDate } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const SHOWN = 30;

/** Open action items, each with "Klar" for whoever may close it (its owner, the chair, the secretary). */
export function actionsCard(
  items: readonly ActionItem[],
  locale: Locale,
  options: { mine: boolean; today: string; mayComplete: (item: ActionItem) => boolean; notice?: Notice },
): CardJson {
  const shown = items.slice(0, SHOWN);
  return renderTemplate('actions', {
    notice: options.notice?.text ?? null,
    noticeStyle: options.notice?.kind ?? 'default',
    title: t(locale, options.mine ? 'actions.mine' : 'actions.title'),
    items: shown.map((item) => {
      const overdue = item.dueDate !== null && item.dueDate < options.today;
      const due = item.dueDate
        ? t(locale, overdue ? 'actions.overdue' : 'actions.due', { date: formatShortDate(item.dueDate, locale) })
        : t(locale, 'actions.noDue');
      return {
        id: item.id,
        version: item.version,
        text: item.text,
        meta: t(locale, 'actions.meta', { owner: item.ownerName, due }),
        overdue,
        canComplete: options.mayComplete(item),
        doneLabel: t(locale, 'actions.done'),
      };
    }),
    more: items.length > SHOWN ? t(locale, 'actions.more', { count: items.length - SHOWN }) : null,
    labels: { none: t(locale, 'actions.none') },
  });
}
