import { type Activity, TurnContext } from 'botbuilder';
import type { Actor } from '../app/councils.js';
import type { ConversationRecord } from '../app/ports.js';

export function actorOf(activity: Activity): Actor {
  return {
    userId: activity.from.id,
    aadObjectId: activity.from.aadObjectId ?? null,
    name: activity.from.name || activity.from.id,
  };
}

export function conversationKind(activity: Activity): ConversationRecord['kind'] {
  const type = activity.conversation.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat' || activity.conversation.isGroup) return 'groupChat';
  return 'personal';
}

export function tenantOf(activity: Partial<Activity>): string | null {
  const channelTenant = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? channelTenant ?? null;
}

export function mentionsBot(activity: Activity): boolean {
  return TurnContext.getMentions(activity).some((m) => m.mentioned?.id === activity.recipient.id);
}

export function conversationRecord(activity: Activity): ConversationRecord {
  return {
    conversationId: activity.conversation.id,
    tenantId: tenantOf(activity),
    kind: conversationKind(activity),
    reference: JSON.stringify(TurnContext.getConversationReference(activity)),
  };
}
