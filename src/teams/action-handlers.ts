import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { type ActionDeps, type ActionInput, assignedItem, commentOnActionItem, completeActionItem, createActionItem, myOpenItemsEverywhere, openItemsOf } from '../app/action-items.js';
import { type ActionCardPayload, actionCardJob } from '../app/conversation-jobs.js';
import { conversationKind, councilConversationId } from './activity.js';
import { type CouncilView, requireCouncil, roleOf } from '../app/councils.js';
import type { ActionItem } from '../domain/action-item.js';
import { can } from '../domain/council.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { actionsCard } from './action-views.js';
import { meetingAgenda } from '../app/agendas.js';
import { agendaCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, date, id, version } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity, respondWithCard } from './replies.js';
import type { TurnKit } from './turn-kit.js';
import type { Notice } from './views.js';

function deps(kit: TurnKit): ActionDeps {
  return kit.meetingDeps;
}

function listCard(kit: TurnKit, view: CouncilView, viewerId: string, items: ActionItem[], comments: Parameters<typeof actionsCard>[2]['comments'], options: { mine: boolean; notice?: Notice; intro?: string }) {
  const locale = view.council.locale;
  return actionsCard(items, locale, {
    ...options,
    today: utcToZoned(kit.deps.clock.now().toISOString(), view.council.timeZone).date,
    timeZone: view.council.timeZone,
    names: new Map(view.members.map((m) => [m.userId, m.name])),
    comments,
    mayAct: (item) => item.ownerUserId === viewerId || can(roleOf(view, viewerId), 'meeting.run'),
  });
}

/** The new owner's personal card (sent from the outbox): their open items, the new one first. */
export function assignedCard(kit: TurnKit, found: NonNullable<Awaited<ReturnType<typeof assignedItem>>>, reminder?: string) {
  const { view, item } = found;
  const by = view.members.find((m) => m.userId === item.createdBy)?.name ?? '';
  const intro = reminder ?? t(view.council.locale, 'actions.assigned', { council: view.council.name, by });
  return listCard(kit, view, item.ownerUserId, found.items, found.comments, { mine: true, intro });
}

/**
 * An action item's card as posted in the conversation (by the outbox), as `viewerId` (who
 * recorded it) sees it; with `confirm`, what they typed is confirmed on it.
 */
export async function postedActionCard(kit: TurnKit, view: CouncilView, item: ActionItem, viewerId: string, confirm?: ActionCardPayload['confirm']) {
  const locale = view.council.locale;
  const said = confirm ? [t(locale, confirm.created ? 'actions.created' : 'actions.already')] : [];
  if (confirm?.ownerTold) said.push(t(locale, 'actions.ownerNotified', { owner: item.ownerName }));
  const notice: Notice | undefined = confirm && { text: said.join(' '), kind: confirm.created ? 'good' : 'warning' };
  const comments = await deps(kit).actionItems.comments([item.id]);
  return listCard(kit, view, viewerId, [item], comments, { mine: false, ...(notice ? { notice } : {}) });
}

/**
 * "Åtgärd: Helena kommunicerar beslutet senast 15/4". The confirming card goes out through the
 * outbox (queued with the item), so the turn ends once the item is saved; a redelivered
 * message gets another card saying it was recorded already, as before.
 */
export async function actionCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const bot = activity.recipient.id;
  const mentionedUserIds = TurnContext.getMentions(activity).map((m) => m.mentioned.id).filter((userId) => userId !== bot);
  const { item, created } = await createActionItem(deps(turn.kit), {
    conversationId: councilConversationId(activity),
    actorId: activity.from.id,
    clientKey: `message:${activity.conversation.id}:${activity.id ?? ''}`,
    action: { kind: 'text', text, mentionedUserIds },
  });
  if (!created) {
    const at = turn.kit.deps.clock.now().toISOString();
    const payload = { actionItemId: item.id, viewerId: activity.from.id, confirm: { created: false, ownerTold: false } };
    await deps(turn.kit).outbox.enqueue([actionCardJob(payload, turn.kit.deps.newId(), at)], at);
  }
  turn.kit.wakeOutbox();
}

/** In the personal chat: one card per council with the person's open items, at most this many. */
const PERSONAL_COUNCILS_SHOWN = 5;

export async function listActionsCommand(turn: CommandTurn, mine: boolean): Promise<void> {
  const activity = turn.context.activity;
  if (conversationKind(activity) === 'personal') {
    const lists = await myOpenItemsEverywhere(deps(turn.kit), activity.from.id);
    if (lists.length === 0) {
      await turn.context.sendActivity(t(turn.locale, 'actions.noneAnywhere'));
      return;
    }
    for (const { view, items, comments } of lists.slice(0, PERSONAL_COUNCILS_SHOWN)) {
      const intro = t(view.council.locale, 'actions.inCouncil', { council: view.council.name });
      await turn.context.sendActivity(cardActivity(listCard(turn.kit, view, activity.from.id, items, comments, { mine: true, intro })));
    }
    return;
  }
  const view = await requireCouncil(deps(turn.kit), councilConversationId(activity));
  if (mine && !roleOf(view, activity.from.id)) {
    await turn.context.sendActivity(t(turn.locale, 'error.notMember'));
    return;
  }
  const { items, comments } = await openItemsOf(deps(turn.kit), view, mine ? activity.from.id : undefined);
  await turn.context.sendActivity(cardActivity(listCard(turn.kit, view, activity.from.id, items, comments, { mine })));
}

const list = z.preprocess(blankToUndefined, z.enum(['mine', 'all']).default('all'));

/** After acting on an item: the same list again. In a personal chat that is always the person's own. */
async function answerList(turn: ActionTurn, view: CouncilView, listKind: 'mine' | 'all', notice: Notice): Promise<void> {
  const mine = listKind === 'mine' || !turn.council;
  const { items, comments } = await openItemsOf(deps(turn.kit), view, mine ? turn.actorId : undefined);
  await respondWithCard(turn.context, listCard(turn.kit, view, turn.actorId, items, comments, { mine, notice }));
}

const done = defineAction({
  verb: 'action.done',
  schema: z.object({ itemId: id, version, list }),
  async run(turn: ActionTurn, data) {
    const { view } = await completeActionItem(deps(turn.kit), {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      itemId: data.itemId,
      expectedVersion: data.version,
    });
    await answerList(turn, view, data.list, { text: t(view.council.locale, 'actions.completed'), kind: 'good' });
  },
  async freshCard(turn, notice, data) {
    const view = turn.council ?? (await requireCouncil(deps(turn.kit), turn.conversationId));
    const mine = data.list === 'mine';
    const { items, comments } = await openItemsOf(deps(turn.kit), view, mine ? turn.actorId : undefined);
    return listCard(turn.kit, view, turn.actorId, items, comments, { mine, notice });
  },
});

const comment = defineAction({
  verb: 'action.comment',
  // The comment box's id is c0, c1, … by the item's place on the card, which the action names.
  schema: z
    .object({ itemId: id, field: z.string().regex(/^c\d{1,3}$/), list })
    .catchall(z.unknown())
    .transform((d) => ({ itemId: d.itemId, list: d.list, text: typeof d[d.field] === 'string' ? (d[d.field] as string).slice(0, 50_000) : '' })),
  async run(turn, data) {
    const { view } = await commentOnActionItem(deps(turn.kit), {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      itemId: data.itemId,
      text: data.text,
      clientKey: `card:${data.itemId}:${turn.actorId}:${data.text.trim()}`.slice(0, 256),
    });
    await answerList(turn, view, data.list, { text: t(view.council.locale, 'actions.commented'), kind: 'good' });
  },
});

/** The action item form on the live card: owner chosen from the council, date from a date picker. */
const create = defineAction({
  verb: 'action.create',
  schema: z.object({
    meetingId: id,
    forItemId: id,
    aOwner: z.preprocess(blankToUndefined, z.string().max(256).default('')),
    aText: z.string().max(50_000).default(''),
    aDue: z.preprocess(blankToUndefined, date.optional()),
  }),
  async run(turn, data) {
    const action: ActionInput = { kind: 'fields', ownerUserId: data.aOwner, text: data.aText, dueDate: data.aDue ?? null, meetingId: data.meetingId, itemId: data.forItemId };
    const { item, created, view, ownerTold } = await createActionItem(deps(turn.kit), {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      clientKey: `card:${data.meetingId}:${data.forItemId}:${turn.actorId}:${JSON.stringify(action)}`.slice(0, 256),
      action,
    });
    const locale = view.council.locale;
    const said = [t(locale, created ? 'actions.created' : 'actions.already')];
    if (ownerTold) said.push(t(locale, 'actions.ownerNotified', { owner: item.ownerName }));
    // The item's card and the live card's update were queued with it.
    turn.kit.wakeOutbox();
    const agenda = await meetingAgenda(deps(turn.kit), turn.conversationId, data.meetingId);
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, { text: said.join(' '), kind: created ? 'good' : 'warning' }));
  },
});

export const actionItemActions: CardAction[] = [done, comment, create];
