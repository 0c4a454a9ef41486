import { type Activity, ActivityTypes, type BotAdapter, CardFactory, MessageFactory, TextFormatTypes, type TurnContext } from 'botbuilder';
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

/**
 * Teams renders a message's text as markdown unless told otherwise, and the bot's text replies
 * quote what people wrote (an unknown command, a meeting title, a name): a "[link](…)" there
 * would be a live link in the bot's voice. Every text message goes out as plain text, proactive
 * ones too (adapter middleware runs for those turns as well); the catalogue's messages are
 * plain text for that reason. A message that @mentions someone keeps its format: the mention
 * is markup Teams must read.
 */
export function plainTextReplies(adapter: BotAdapter): void {
  adapter.use(async (context, next) => {
    context.onSendActivities(async (_context, activities, send) => {
      for (const activity of activities) {
        const mentions = activity.entities?.some((e) => e.type === 'mention') ?? false;
        if (activity.type === ActivityTypes.Message && typeof activity.text === 'string' && !activity.textFormat && !mentions) {
          activity.textFormat = TextFormatTypes.Plain;
        }
      }
      return send();
    });
    await next();
  });
}
