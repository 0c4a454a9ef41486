import type { CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import { isGuestId } from '../domain/council.js';
import type { ConversationRepository } from '../app/ports.js';
import type { CardJson } from './card-templates.js';
import { cardActivity } from './replies.js';
import { CONVERSATION_RATE, type RateLimiter } from './rate-limit.js';

const CHANNEL_AUDIENCE = 'https://api.botframework.com';

export interface Proactive {
  /** Runs `logic` in a conversation the bot has seen, outside any incoming turn. */
  inConversation(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  /**
   * A card in one person's 1:1 chat with the bot, reached through a conversation the bot shares
   * with them. Where Teams refuses the chat (the app is not installed for the person), the card
   * goes to that shared conversation instead, with the person @mentioned.
   */
  toPerson(viaConversationId: string, person: { userId: string; name: string }, card: CardJson): Promise<'personal' | 'mentioned'>;
}

/** Teams answers 403 (or 404) when the bot may not open a chat with the person. */
function refused(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 403 || status === 404;
}

export class UnknownConversationError extends Error {}

/** A guest added by name: nothing can be sent to them, however often it is tried. */
export class NoTeamsAccountError extends Error {}

/**
 * The adapter hands an error inside a proactive turn to its turn-error handler, which logs it
 * and carries on: the caller (the outbox) would see success and never retry. Kept here instead
 * and thrown after the turn, so a send that failed is retried.
 */
function surfacing(logic: (context: TurnContext) => Promise<void>): { logic: (context: TurnContext) => Promise<void>; rethrow(): void } {
  let failure: { error: unknown } | undefined;
  return {
    logic: async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = { error };
      }
    },
    rethrow() {
      if (failure) throw failure.error;
    },
  };
}

export function createProactive(
  adapter: CloudAdapter,
  botAppId: string,
  conversations: ConversationRepository,
  limits: { limiter: RateLimiter; tenantPerSecond: number },
): Proactive {
  async function reference(conversationId: string): Promise<Partial<ConversationReference>> {
    const record = await conversations.find(conversationId);
    if (!record) throw new UnknownConversationError(`no stored reference for ${conversationId}`);
    return JSON.parse(record.reference) as Partial<ConversationReference>;
  }
  const tenantRate = { perSecond: limits.tenantPerSecond, burst: limits.tenantPerSecond };
  /** One send to `target` within the tenant's and the conversation's allowance. */
  async function allowance(ref: Partial<ConversationReference>, target: string): Promise<void> {
    await limits.limiter.take(`tenant:${ref.conversation?.tenantId ?? ''}`, tenantRate);
    await limits.limiter.take(`conversation:${target}`, CONVERSATION_RATE);
  }
  return {
    async inConversation(conversationId, logic) {
      const ref = await reference(conversationId);
      await allowance(ref, conversationId);
      const run = surfacing(logic);
      await adapter.continueConversationAsync(botAppId, ref, run.logic);
      run.rethrow();
    },
    async toPerson(viaConversationId, person, card) {
      const ref = await reference(viaConversationId);
      await allowance(ref, `person:${person.userId}`);
      try {
        await createPersonalChat(adapter, botAppId, ref, person.userId, card);
        return 'personal';
      } catch (err) {
        if (!refused(err)) throw err;
      }
      await allowance(ref, viaConversationId);
      const run = surfacing(async (context) => {
        const mention = `<at>${person.name}</at>`;
        await context.sendActivity({
          ...cardActivity(card),
          text: mention,
          entities: [{ type: 'mention', text: mention, mentioned: { id: person.userId, name: person.name } }],
        });
      });
      await adapter.continueConversationAsync(botAppId, ref, run.logic);
      run.rethrow();
      return 'mentioned';
    },
  };
}

/**
 * Creates (or finds) the person's 1:1 chat and sends the card. Teams refuses when the app is
 * not installed for the person; the caller decides what that means.
 */
export async function createPersonalChat(
  adapter: CloudAdapter,
  botAppId: string,
  ref: Partial<ConversationReference>,
  userId: string,
  card: CardJson,
): Promise<void> {
  if (isGuestId(userId)) throw new NoTeamsAccountError('a guest added by name has no Teams account');
  const tenantId = ref.conversation?.tenantId;
  const params = {
    isGroup: false,
    bot: ref.bot,
    members: [{ id: userId, name: '' }],
    tenantId,
    channelData: { tenant: { id: tenantId } },
  } as ConversationParameters;
  const run = surfacing(async (personal) => {
    await personal.sendActivity(cardActivity(card));
  });
  await adapter.createConversationAsync(botAppId, ref.channelId ?? 'msteams', ref.serviceUrl ?? '', CHANNEL_AUDIENCE, params, run.logic);
  run.rethrow();
}
