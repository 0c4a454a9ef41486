import { type CloudAdapter, TurnContext } from 'botbuilder';
import { isGuestId } from '../domain/council.js';
import type { CardJson } from './card-templates.js';
import { createPersonalChat } from './proactive.js';
import type { TurnKit } from './turn-kit.js';

/**
 * Sends a card to one person in their 1:1 chat with the bot, during a turn in a conversation
 * they share with it. Guests added by name have no Teams account to write to. Teams refuses
 * when the app is not installed for the person; that is logged and answered with false, never
 * thrown: what the card announces is saved already.
 */
export async function sendPersonalCard(context: TurnContext, kit: TurnKit, userId: string, card: CardJson): Promise<boolean> {
  if (isGuestId(userId)) return false;
  try {
    await createPersonalChat(context.adapter as CloudAdapter, kit.deps.botAppId, TurnContext.getConversationReference(context.activity), userId, card);
    return true;
  } catch (err) {
    kit.deps.logger.warn({ err, conversation: context.activity.conversation.id }, 'could not send a personal card');
    return false;
  }
}
