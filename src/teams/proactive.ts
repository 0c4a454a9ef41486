import type { Activity, CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import { isGuestId } from '../domain/council.js';
import type { ConversationRepository, PersonalInstaller } from '../app/ports.js';
import type { CardJson } from './card-templates.js';
import { cardActivity } from './replies.js';
import { retryAfterMs } from './retry-after.js';
import { THREAD_LIMITS, type RateLimiter } from './rate-limit.js';

const CHANNEL_AUDIENCE = 'https://api.botframework.com';

export interface Proactive {
  /** Runs `logic` in a conversation the bot has seen, outside any incoming turn. */
  inConversation(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  /**
   * A card in one person's 1:1 chat with the bot, reached through a conversation the bot shares
   * with them. Where Teams refuses the chat (the app is not installed for the person) the app is
   * installed for them first, where the admin allows it; otherwise the card is not sent at all:
   * it is one person's, and never goes to the shared conversation instead.
   */
  toPerson(viaConversationId: string, person: PersonalAddress, card: PersonalMessage): Promise<PersonalOutcome>;
}

/** An Adaptive Card, or a whole message (a file consent card is an attachment of its own kind). */
export type PersonalMessage = CardJson | Partial<Activity>;

function messageOf(message: PersonalMessage): Partial<Activity> {
  return (message as { type?: unknown }).type === 'AdaptiveCard' ? cardActivity(message as CardJson) : (message as Partial<Activity>);
}

export interface PersonalAddress {
  userId: string;
  name: string;
  /** The person's Entra object id: what Graph installs the app for. */
  aadObjectId?: string | null;
}

/**
 * personal: the card is in the person's 1:1 chat; installed: there too, after the app was installed
 * for them; unreached: Teams refused the chat and the app could not be installed for them
 * (not allowed, or the admin's grant missing: installDenied).
 */
export type PersonalOutcome = 'personal' | 'installed' | 'unreached' | 'installDenied';

/**
 * The app was installed for the person just now, but Teams does not open the chat yet: the job is
 * tried again later (transient), when the install has had time to settle.
 */
export class PersonalChatPendingError extends Error {
  constructor() {
    super('the app was installed for the person; Teams does not open the 1:1 chat yet');
    this.name = 'PersonalChatPendingError';
  }
}

/** Pauses before asking Teams again for a chat with a person the app was just installed for. */
const INSTALL_SETTLE_MS = [1_000, 2_000];

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

// Answered by the adapter itself, not sent to the connector.
const LOCAL_TYPES = new Set(['invokeResponse', 'trace', 'delay']);
/** A 429 without Retry-After still means the thread is over its limit: it rests this long. */
const THROTTLED_PAUSE_MS = 1_000;

export function createProactive(
  adapter: CloudAdapter,
  botAppId: string,
  conversations: ConversationRepository,
  limits: { limiter: RateLimiter; tenantPerSecond: number; installer?: PersonalInstaller },
): Proactive {
  async function reference(conversationId: string): Promise<Partial<ConversationReference>> {
    const record = await conversations.find(conversationId);
    if (!record) throw new UnknownConversationError(`no stored reference for ${conversationId}`);
    return JSON.parse(record.reference) as Partial<ConversationReference>;
  }
  // Replies inside incoming turns take their turn in the same limiter (LateReplySink.pace).
  const { limiter } = limits;
  const tenantRate = { perSecond: limits.tenantPerSecond, burst: limits.tenantPerSecond };
  /** One request to `thread` within the tenant's allowance and the thread's limits. */
  async function allowance(tenantId: string, thread: string): Promise<void> {
    await limiter.take(`tenant:${tenantId}`, tenantRate);
    await limiter.takeWithin(thread, THREAD_LIMITS);
  }
  /** Teams said the thread has had enough: nothing more goes to it from here until Retry-After has passed. */
  async function watching<T>(thread: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if ((err as { statusCode?: unknown }).statusCode === 429) limiter.pause(thread, retryAfterMs(err) ?? THROTTLED_PAUSE_MS);
      throw err;
    }
  }
  /**
   * Every request the turn makes to its conversation passes the limits first. The first one's
   * allowance may be taken before the turn (`prepaid`), so that wait stays out of the connector's span.
   */
  function pace(context: TurnContext, tenantId: string, prepaid: boolean): void {
    const thread = `conversation:${context.activity.conversation.id}`;
    let paid = prepaid ? 1 : 0;
    const allow = async (requests: number) => {
      for (let i = 0; i < requests; i++) {
        if (paid > 0) paid -= 1;
        else await allowance(tenantId, thread);
      }
    };
    context.onSendActivities(async (_context, activities, send) => {
      await allow(activities.filter((a) => !LOCAL_TYPES.has(a.type ?? '')).length);
      return watching(thread, send);
    });
    context.onUpdateActivity(async (_context, _activity, update) => {
      await allow(1);
      return watching(thread, update);
    });
    context.onDeleteActivity(async (_context, _reference, remove) => {
      await allow(1);
      return watching(thread, remove);
    });
  }
  return {
    async inConversation(conversationId, logic) {
      const ref = await reference(conversationId);
      const tenantId = ref.conversation?.tenantId ?? '';
      await allowance(tenantId, `conversation:${conversationId}`);
      const run = surfacing(logic);
      await adapter.continueConversationAsync(botAppId, ref, async (context) => {
        pace(context, tenantId, true);
        await run.logic(context);
      });
      run.rethrow();
    },
    async toPerson(viaConversationId, person, card) {
      const ref = await reference(viaConversationId);
      const tenantId = ref.conversation?.tenantId ?? '';
      // Creating the 1:1 chat is a request of its own, limited like a send to a thread.
      const opening = `person:${person.userId}`;
      /** True when the card went out; false when Teams refused the chat. */
      const open = async (): Promise<boolean> => {
        await allowance(tenantId, opening);
        try {
          await watching(opening, () => createPersonalChat(adapter, botAppId, ref, person.userId, card, (context) => pace(context, tenantId, false)));
          return true;
        } catch (err) {
          if (refused(err)) return false;
          throw err;
        }
      };
      if (await open()) return 'personal';
      const installer = limits.installer;
      if (!installer || !person.aadObjectId || isGuestId(person.userId)) return 'unreached';
      const installed = await installer.install(person.aadObjectId);
      if (installed === 'denied') return 'installDenied';
      if (installed === 'already') return (await open()) ? 'installed' : 'unreached';
      for (const pause of [0, ...INSTALL_SETTLE_MS]) {
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
        if (await open()) return 'installed';
      }
      throw new PersonalChatPendingError();
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
  card: PersonalMessage,
  /** Runs first in the new chat's turn: there the sender paces the requests to the new chat. */
  prepare?: (context: TurnContext) => void,
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
    prepare?.(personal);
    await personal.sendActivity(messageOf(card));
  });
  await adapter.createConversationAsync(botAppId, ref.channelId ?? 'msteams', ref.serviceUrl ?? '', CHANNEL_AUDIENCE, params, run.logic);
  run.rethrow();
}
