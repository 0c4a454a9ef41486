import { numberedTitle } from '../domain/agenda-labels.js';
import type { AgendaView } from '../app/agenda-view.js';
import { leftItems, undecided } from '../app/running.js';
import { type ItemLeft, itemList } from '../domain/closing.js';
import { formatMeetingWhen, formatTime, utcToZoned } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';

/**
 * A card stays under the size budget: the rest of a very long agenda closes with the proposed
 * choice. The live card, large already, shows fewer than the closing card does.
 */
const MAX_ITEMS = 30;
export const MAX_ITEMS_ON_LIVE_CARD = 8;

const CHOICE_KEYS = { table: 'close.table', strike: 'close.strike', handled: 'close.handled' } as const satisfies Record<string, MessageKey>;

/** The items left with a choice each, as the closing card and the live card's close form show them. */
export function closingData(agenda: AgendaView, left: readonly ItemLeft[] = leftItems(agenda), max = MAX_ITEMS) {
  const locale = agenda.view.council.locale;
  const shown = left.slice(0, max);
  const more = left.length - shown.length;
  const leftIds = new Set(left.map((l) => l.item.id));
  // Reached but without a decision: no choice to make for them, only a warning before the close.
  const reached = undecided(agenda).filter((i) => !leftIds.has(i.id));
  const planned = t(locale, 'close.plannedDecision');
  return {
    undecided: reached.length > 0 ? t(locale, 'close.undecided', { items: itemList(reached) }) : null,
    text: left.length === 0 ? t(locale, 'live.closeAll') : left.length === 1 ? t(locale, 'close.introOne') : t(locale, 'close.introMany', { count: left.length }),
    hint: left.length > 0 ? [t(locale, 'close.hint'), more > 0 ? t(locale, 'close.more', { count: more }) : ''].filter(Boolean).join(' ') : null,
    items: shown.map((l, i) => ({
      inputId: `c${i}`,
      label: `${numberedTitle(l.item.number, l.item.title)}${l.item.kind === 'decision' && l.choices.includes('table') ? ` (${planned})` : ''}`,
      value: l.proposed,
      choices: l.choices.map((c) => ({ title: t(locale, CHOICE_KEYS[c]), value: c })),
    })),
    itemIds: shown.map((l) => l.item.id),
  };
}

/** The answer to "avsluta mötet" with items left: a question, not an error. */
export function closeCard(agenda: AgendaView, left: readonly ItemLeft[]): CardJson {
  const { view, meeting } = agenda;
  const locale = view.council.locale;
  return renderTemplate('meeting-close', {
    meetingLine: `${meeting.title} · ${formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone)}`,
    closing: closingData(agenda, left),
    canRun: true,
    meetingId: meeting.id,
    version: meeting.version,
    labels: { title: t(locale, 'close.title'), close: t(locale, 'live.closeConfirm') },
  });
}

/** The message at the bottom of the chat once the meeting is closed: when, what was tabled, what comes next. */
export function closedNotice(agenda: AgendaView, unconfirmed: number, openPolls = 0): string {
  const { view, meeting } = agenda;
  const locale = view.council.locale;
  const time = meeting.closedAt ? formatTime(utcToZoned(meeting.closedAt, view.council.timeZone).time, locale) : '';
  const tabled = agenda.decisions.filter((d) => d.outcome !== 'decided').length;
  const without = undecided(agenda);
  return [
    // Plain text, as every message the bot sends (replies.ts): no markdown emphasis.
    t(locale, 'close.notice', { time }),
    tabled === 0 ? '' : tabled === 1 ? t(locale, 'close.tabledOne') : t(locale, 'close.tabledMany', { count: tabled }),
    without.length > 0 ? t(locale, 'close.undecidedNotice', { items: itemList(without) }) : '',
    unconfirmed > 0 ? t(locale, 'close.unconfirmed', { count: unconfirmed }) : '',
    openPolls > 0 ? t(locale, 'close.openPolls', { count: openPolls }) : '',
    t(locale, 'close.nextSteps'),
  ]
    .filter(Boolean)
    .join('\n\n');
}
