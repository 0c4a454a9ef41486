import { itemSentence } from './item-text.js';
import { z } from 'zod';
import type { AgendaView } from '../app/agenda-view.js';
import { AGENDA_MAX_ITEMS } from '../app/agendas.js';
import { type CloseChoice, addItemNote, closeMeeting, goToItem, type ItemTarget } from '../app/running.js';
import { DISPOSITIONS } from '../domain/closing.js';
import { formatTime, utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { freshAgenda, target, updatePostedCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { flag, id, version } from './card-fields.js';
import { respondWithCard } from './replies.js';
import { doneCard } from './views.js';
import type { Notice } from './views.js';

/** `queued`: the change queued the live card's update itself (in its transaction). */
async function answer(turn: ActionTurn, agenda: AgendaView, notice?: Notice, queued = false): Promise<void> {
  if (queued) turn.kit.wakeOutbox();
  else await updatePostedCard(turn, agenda);
  await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
}

const goTo = defineAction({
  verb: 'meeting.goTo',
  schema: z.object({ meetingId: id, version, target: z.enum(['next', 'previous', 'item']), itemId: id.optional(), asked: flag }),
  async run(turn, data) {
    const itemTarget: ItemTarget =
      data.target === 'item' ? { kind: 'item', itemId: data.itemId ?? '' } : { kind: data.target };
    const agenda = await goToItem(turn.kit.meetingDeps, { ...target(turn, data), target: itemTarget });
    if (!data.asked) return answer(turn, agenda, undefined, true);
    // The question "which item?" becomes its answer; the live card above is updated by the outbox.
    turn.kit.wakeOutbox();
    const item = agenda.timing.items.find((i) => i.id === agenda.meeting.currentItemId);
    const locale = agenda.view.council.locale;
    await respondWithCard(turn.context, doneCard(t(locale, 'item.chooseTitle'), item ? itemSentence(locale, 'live.now', item) : ''));
  },
  freshCard: freshAgenda,
});

/**
 * Closing from the live card's form or the closing card: each item's choice comes as c0, c1, …
 * in the order of `itemIds`, which the card carries. A card from before the choices were per
 * item sends `closeTable` instead.
 */
const close = defineAction({
  verb: 'meeting.close',
  schema: z
    .object({ meetingId: id, version, itemIds: z.array(id).max(AGENDA_MAX_ITEMS).optional(), closeTable: flag, asked: flag })
    .catchall(z.unknown())
    .transform((d) => {
      const choice: CloseChoice = d.itemIds
        ? {
            kind: 'chosen',
            items: Object.fromEntries(
              d.itemIds.flatMap((itemId, i) => {
                const parsed = z.enum(DISPOSITIONS).safeParse(d[`c${i}`]);
                return parsed.success ? [[itemId, parsed.data]] : [];
              }),
            ),
          }
        : { kind: d.closeTable ? 'defaults' : 'leave' };
      return { meetingId: d.meetingId, version: d.version, choice, asked: d.asked };
    }),
  async run(turn, data) {
    const result = await closeMeeting(turn.kit.meetingDeps, { ...target(turn, data), choice: data.choice });
    // Chosen on the card, so never a question again; the notice at the bottom of the chat was queued with the close.
    if (!result.closed) throw new Error('closing with choices asked again');
    const locale = result.agenda.view.council.locale;
    const closedAt = result.agenda.meeting.closedAt ?? '';
    const time = formatTime(utcToZoned(closedAt, result.agenda.view.council.timeZone).time, locale);
    const said = t(locale, 'close.notice', { time });
    if (!data.asked) return answer(turn, result.agenda, { text: said, kind: 'good' }, true);
    // The question card becomes its answer; the live card above is updated by the outbox.
    turn.kit.wakeOutbox();
    await respondWithCard(turn.context, doneCard(t(locale, 'live.closedNotice'), said));
  },
  freshCard: freshAgenda,
});

/** The secretary's note (anteckning) from the live card, on the item the card showed as current. */
const note = defineAction({
  verb: 'note.add',
  schema: z.object({ meetingId: id, forItemId: id, nText: z.string().max(50_000).default('') }),
  async run(turn, data) {
    const { agenda, created, itemNumber, itemTitle } = await addItemNote(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      itemId: data.forItemId,
      text: data.nText,
      clientKey: `card:${data.forItemId}:${turn.actorId}:${data.nText.trim()}`.slice(0, 256),
    });
    const locale = agenda.view.council.locale;
    await answer(turn, agenda, created ? { text: itemSentence(locale, 'note.saved', { number: itemNumber, title: itemTitle }), kind: 'good' } : { text: t(locale, 'note.already'), kind: 'warning' });
  },
});

export const runningActions: CardAction[] = [goTo, close, note];
