import { z } from 'zod';
import type { AgendaView } from '../app/agendas.js';
import { addItemNote, closeMeeting, goToItem, type ItemTarget } from '../app/running.js';
import { t } from '../i18n/index.js';
import { freshAgenda, target, updatePostedCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { flag, id, version } from './card-fields.js';
import { respondWithCard } from './replies.js';
import type { Notice } from './views.js';

/** `queued`: the change queued the live card's update itself (in its transaction). */
async function answer(turn: ActionTurn, agenda: AgendaView, notice?: Notice, queued = false): Promise<void> {
  if (queued) turn.kit.wakeOutbox();
  else await updatePostedCard(turn, agenda);
  await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
}

const goTo = defineAction({
  verb: 'meeting.goTo',
  schema: z.object({ meetingId: id, version, target: z.enum(['next', 'previous', 'item']), itemId: id.optional() }),
  async run(turn, data) {
    const itemTarget: ItemTarget =
      data.target === 'item' ? { kind: 'item', itemId: data.itemId ?? '' } : { kind: data.target };
    await answer(turn, await goToItem(turn.kit.meetingDeps, { ...target(turn, data), target: itemTarget }), undefined, true);
  },
  freshCard: freshAgenda,
});

const close = defineAction({
  verb: 'meeting.close',
  schema: z.object({ meetingId: id, version, closeTable: flag }),
  async run(turn, data) {
    const agenda = await closeMeeting(turn.kit.meetingDeps, { ...target(turn, data), unreached: data.closeTable ? 'table' : 'leave' });
    await answer(turn, agenda, { text: t(agenda.view.council.locale, 'live.closedNotice'), kind: 'good' }, true);
  },
  freshCard: freshAgenda,
});

/** The secretary's note (anteckning) from the live card, on the item the card showed as current. */
const note = defineAction({
  verb: 'note.add',
  schema: z.object({ meetingId: id, forItemId: id, nText: z.string().max(50_000).default('') }),
  async run(turn, data) {
    const { agenda, created, itemNumber } = await addItemNote(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      itemId: data.forItemId,
      text: data.nText,
      clientKey: `card:${data.forItemId}:${turn.actorId}:${data.nText.trim()}`.slice(0, 256),
    });
    const locale = agenda.view.council.locale;
    await answer(turn, agenda, created ? { text: t(locale, 'note.saved', { number: itemNumber }), kind: 'good' } : { text: t(locale, 'note.already'), kind: 'warning' });
  },
});

export const runningActions: CardAction[] = [goTo, close, note];
