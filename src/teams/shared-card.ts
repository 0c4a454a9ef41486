import type { TurnContext } from 'botbuilder';
import type { OutboxJob } from '../app/ports.js';
import type { CardJson } from './card-templates.js';
import type { TurnKit } from './turn-kit.js';

/** A card message everybody sees, replaced by the card as rendered when the change was saved. */
export interface SharedCardPayload {
  conversationId: string;
  activityId: string;
  card: CardJson;
}

/**
 * Replaces the card message everybody sees (the one the invoke came from) through the outbox:
 * the person who acted gets their answer without waiting for Teams to take the update. Re-armed
 * per message, so of two changes in quick succession the later card is the one that stays.
 */
export async function replaceCardForAll(turn: { context: TurnContext; kit: TurnKit }, card: CardJson): Promise<void> {
  const activityId = turn.context.activity.replyToId;
  if (!activityId) return;
  const conversationId = turn.context.activity.conversation.id;
  const at = turn.kit.deps.clock.now().toISOString();
  const job: OutboxJob = {
    key: `shared-card:${conversationId}:${activityId}`,
    kind: 'sharedCard',
    payload: { conversationId, activityId, card } satisfies SharedCardPayload,
    dueAt: at,
    mode: 'rearm',
  };
  await turn.kit.deps.store.outbox.enqueue([job], at);
  turn.kit.wakeOutbox();
}
