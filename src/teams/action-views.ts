import type { ActionComment, ActionItem } from '../domain/action-item.js';
import type { Locale } from '../domain/council.js';
import { formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const SHOWN = 30;
const COMMENTS_SHOWN = 3;

export interface ActionsCardOptions {
  mine: boolean;
  today: string;
  timeZone: string;
  /** Names for comment authors. */
  names: ReadonlyMap<string, string>;
  comments: readonly ActionComment[];
  mayAct: (item: ActionItem) => boolean;
  notice?: Notice;
  /** Above the list: why the card came (a personal card to a new owner). */
  intro?: string;
}

/** Open action items, each with "Klar" and "Kommentera" for whoever may act on it (its owner, the chair, the secretary). */
export function actionsCard(items: readonly ActionItem[], locale: Locale, options: ActionsCardOptions): CardJson {
  const shown = items.slice(0, SHOWN);
  return renderTemplate('actions', {
    notice: options.notice?.text ?? null,
    noticeStyle: options.notice?.kind ?? 'default',
    intro: options.intro ?? null,
    title: t(locale, options.mine ? 'actions.mine' : 'actions.title'),
    list: options.mine ? 'mine' : 'all',
    items: shown.map((item, index) => {
      const overdue = item.dueDate !== null && item.dueDate < options.today;
      const due = item.dueDate
        ? t(locale, overdue ? 'actions.overdue' : 'actions.due', { date: formatShortDate(item.dueDate, locale) })
        : t(locale, 'actions.noDue');
      const comments = options.comments.filter((c) => c.actionItemId === item.id);
      return {
        id: item.id,
        version: item.version,
        field: `c${index}`,
        text: item.text,
        meta: t(locale, 'actions.meta', { owner: item.ownerName, due }),
        overdue,
        comments: comments.slice(-COMMENTS_SHOWN).map((c) => ({
          text: `${options.names.get(c.userId) ?? '?'}, ${formatShortDate(utcToZoned(c.createdAt, options.timeZone).date, locale)}: ${c.text}`,
        })),
        olderComments: comments.length > COMMENTS_SHOWN ? t(locale, 'actions.olderComments', { count: comments.length - COMMENTS_SHOWN }) : null,
        canAct: options.mayAct(item),
        labels: {
          done: t(locale, 'actions.done'),
          comment: t(locale, 'actions.comment'),
          commentText: t(locale, 'actions.commentText'),
          commentSend: t(locale, 'actions.commentSend'),
          required: t(locale, 'card.required'),
        },
      };
    }),
    more: items.length > SHOWN ? t(locale, 'actions.more', { count: items.length - SHOWN }) : null,
    labels: { none: t(locale, 'actions.none') },
  });
}
