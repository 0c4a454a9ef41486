import { z } from 'zod';
import type { AgendaView } from '../app/agendas.js';
import { closeMeeting, goToItem, type ItemTarget } from '../app/running.js';
import { t } from '../i18n/index.js';
import { freshAgenda, target, updatePostedCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { id, version } from './card-fields.js';
import { respondWithCard } from './replies.js';
import type { Notice } from './views.js';

async function answer(turn: ActionTurn, agenda: AgendaView, notice?: Notice): Promise<void> {
  await updatePostedCard(turn, agenda);
  await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
}

const goTo = defineAction({
  verb: 'meeting.goTo',
  schema: z.object({ meetingId: id, version, target: z.enum(['next', 'previous', 'item']), itemId: id.optional() }),
  async run(turn, data) {
    const itemTarget: ItemTarget =
      data.target === 'item' ? { kind: 'item', itemId: data.itemId ?? '' } : { kind: data.target };
    await answer(turn, await goToItem(turn.kit.meetingDeps, { ...target(turn, data), target: itemTarget }));
  },
  freshCard: freshAgenda,
});

const close = defineAction({
  verb: 'meeting.close',
  schema: z.object({ meetingId: id, version }),
  async run(turn, data) {
    const agenda = await closeMeeting(turn.kit.meetingDeps, target(turn, data));
    await answer(turn, agenda, { text: t(agenda.view.council.locale, 'live.closedNotice'), kind: 'good' });
  },
  freshCard: freshAgenda,
});

export const runningActions: CardAction[] = [goTo, close];
