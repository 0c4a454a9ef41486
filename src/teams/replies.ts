import { type Activity, ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { CardJson } from './card-templates.js';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function cardActivity(card: CardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Answers an Action.Execute invoke: the card replaces the one the user clicked, for that user. */
export async function respondWithCard(context: TurnContext, card: CardJson): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } },
  });
}

/**
 * Replaces the card message everybody sees (the one the invoke came from) within the turn. A
 * poll's card keeps to this: its payload would carry the card into the outbox (shared-card.ts).
 */
export async function replaceCardForAll(context: TurnContext, card: CardJson): Promise<void> {
  const id = context.activity.replyToId;
  if (!id) return;
  await context.updateActivity({ ...cardActivity(card), id });
}
