import type { CloudAdapter, ConversationParameters, TurnContext } from 'botbuilder';
import { isGuestId } from '../domain/council.js';
import type { CardJson } from './card-templates.js';
import { cardActivity } from './replies.js';
import type { TurnKit } from './turn-kit.js';

/**
 * Sends a card to one person in their 1:1 chat with the bot, creating the chat if needed.
 * Guests added by name have no Teams account to write to. Teams refuses when the app is not
 * installed for the person; that is logged and answered with false, never thrown: what the
 * card announces is saved already.
 */
export async function sendPersonalCard(context: TurnContext, kit: TurnKit, userId: string, card: CardJson): Promise<boolean> {
  if (isGuestId(userId)) return false;
  const activity = context.activity;
  const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const params = {
    isGroup: false,
    bot: activity.recipient,
    members: [{ id: userId, name: '' }],
    tenantId,
    channelData: { tenant: { id: tenantId } },
  } as ConversationParameters;
  try {
    await (context.adapter as CloudAdapter).createConversationAsync(
      kit.deps.botAppId,
      activity.channelId,
      activity.serviceUrl,
      'https://api.botframework.com',
      params,
      async (personal) => {
        await personal.sendActivity(cardActivity(card));
      },
    );
    return true;
  } catch (err) {
    kit.deps.logger.warn({ err, conversation: activity.conversation.id }, 'could not send a personal card');
    return false;
  }
}
