import { z } from 'zod';
import { type ActionDeps, completeActionItem, createActionItem, openActionItems } from '../app/action-items.js';
import { type CouncilView, roleOf } from '../app/councils.js';
import type { ActionItem } from '../domain/action-item.js';
import { can } from '../domain/council.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { actionsCard } from './action-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { id, version } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity, respondWithCard } from './replies.js';
import type { TurnKit } from './turn-kit.js';
import type { Notice } from './views.js';

function deps(kit: TurnKit): ActionDeps {
  return kit.meetingDeps;
}

function today(kit: TurnKit, view: CouncilView): string {
  return utcToZoned(kit.deps.clock.now().toISOString(), view.council.timeZone).date;
}

function mayComplete(view: CouncilView, viewerId: string) {
  return (item: ActionItem) => item.ownerUserId === viewerId || can(roleOf(view, viewerId), 'meeting.run');
}

/** "Åtgärd: Helena kommunicerar beslutet senast 15/4" */
export async function actionCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const { item, created, view } = await createActionItem(deps(turn.kit), {
    conversationId: activity.conversation.id,
    actorId: activity.from.id,
    text,
    clientKey: `message:${activity.conversation.id}:${activity.id ?? ''}`,
  });
  const notice: Notice = { text: t(turn.locale, created ? 'actions.created' : 'actions.already'), kind: created ? 'good' : 'warning' };
  const card = actionsCard([item], turn.locale, { mine: false, today: today(turn.kit, view), mayComplete: mayComplete(view, activity.from.id), notice });
  await turn.context.sendActivity(cardActivity(card));
}

export async function listActionsCommand(turn: CommandTurn, mine: boolean): Promise<void> {
  const activity = turn.context.activity;
  const { view, items } = await openActionItems(deps(turn.kit), activity.conversation.id, mine ? activity.from.id : undefined);
  const card = actionsCard(items, turn.locale, { mine, today: today(turn.kit, view), mayComplete: mayComplete(view, activity.from.id) });
  await turn.context.sendActivity(cardActivity(card));
}

const done = defineAction({
  verb: 'action.done',
  schema: z.object({ itemId: id, version }),
  async run(turn: ActionTurn, data) {
    await completeActionItem(deps(turn.kit), {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      itemId: data.itemId,
      expectedVersion: data.version,
    });
    const { view, items } = await openActionItems(deps(turn.kit), turn.conversationId);
    const locale = view.council.locale;
    const notice: Notice = { text: t(locale, 'actions.completed'), kind: 'good' };
    await respondWithCard(turn.context, actionsCard(items, locale, { mine: false, today: today(turn.kit, view), mayComplete: mayComplete(view, turn.actorId), notice }));
  },
  async freshCard(turn, notice) {
    const { view, items } = await openActionItems(deps(turn.kit), turn.conversationId);
    return actionsCard(items, view.council.locale, { mine: false, today: today(turn.kit, view), mayComplete: mayComplete(view, turn.actorId), notice });
  },
});

export const actionItemActions: CardAction[] = [done];
