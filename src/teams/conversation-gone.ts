import type { Clock, CouncilRepository } from '../app/ports.js';
import { baseConversationId } from './activity.js';
import type { Proactive } from './proactive.js';

/**
 * The Bot Connector's answers when the bot is no longer in a conversation: 403
 * BotNotInConversationRoster (the app was uninstalled, the bot removed) and 404
 * ConversationNotFound (the chat or channel was deleted). Other 403s and 404s (a deleted message,
 * a person who has not installed the app) say nothing about the conversation.
 */
const GONE_CODES = new Set(['BotNotInConversationRoster', 'ConversationNotFound']);

/** The connector's error code behind a failed send, when it says the conversation is gone. */
export function goneCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (status !== 403 && status !== 404) return undefined;
  // @azure/core-http's RestError carries the body's error code as `code`; its parsed body as well.
  const e = err as { code?: unknown; body?: unknown; response?: { parsedBody?: unknown; bodyAsText?: unknown } };
  const candidates = [e.code, codeIn(e.body), codeIn(e.response?.parsedBody), codeIn(parse(e.response?.bodyAsText))];
  return candidates.find((c): c is string => typeof c === 'string' && GONE_CODES.has(c));
}

function codeIn(body: unknown): unknown {
  return (body as { error?: { code?: unknown } } | undefined)?.error?.code;
}

function parse(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A job for a conversation the bot is no longer in: dropped, not retried nor parked. */
export class ConversationGoneError extends Error {
  constructor(
    readonly conversationId: string,
    /** The connector's code, or 'unreachable' when the council was already known to be gone. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the bot is no longer in the conversation (${reason})`, options);
    this.name = 'ConversationGoneError';
  }
}

/**
 * Proactive sends that know when a council's conversation is gone: nothing is sent to a council
 * already marked not reachable, and a send Teams refuses because the bot is no longer there marks
 * it so. Either way the job fails with ConversationGoneError, which the outbox drops.
 */
export function watchingGone(proactive: Proactive, deps: { councils: CouncilRepository; clock: Clock }): Proactive {
  async function guarded<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    // A card in a channel thread belongs to the channel's council.
    const councilKey = baseConversationId(conversationId);
    const council = await deps.councils.findByConversation(councilKey);
    if (council?.unreachableSince) throw new ConversationGoneError(conversationId, 'unreachable');
    try {
      return await send();
    } catch (err) {
      const code = goneCode(err);
      if (!code) throw err;
      await deps.councils.setUnreachable(councilKey, deps.clock.now().toISOString());
      throw new ConversationGoneError(conversationId, code, { cause: err });
    }
  }
  return {
    inConversation: (conversationId, logic) => guarded(conversationId, () => proactive.inConversation(conversationId, logic)),
    toPerson: (via, person, card) => guarded(via, () => proactive.toPerson(via, person, card)),
  };
}
