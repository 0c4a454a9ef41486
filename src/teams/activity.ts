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

/**
 * Teams names a post's thread in a channel `<channel id>;messageid=<root post id>`; the part
 * before the first ';' is the channel (or chat) itself. A suffix Teams may add one day is read
 * the same way: the conversation is still the one before it.
 */
export function baseConversationId(id: string): string {
  const cut = id.indexOf(';');
  return cut < 0 ? id : id.slice(0, cut);
}

function channelIdOf(activity: Partial<Activity>): string | undefined {
  const id = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/** The key a council is kept under: its channel, whichever thread the activity comes from, or its chat. */
export function councilConversationId(activity: Activity): string {
  return baseConversationId(activity.conversation.id);
}

/**
 * A thread id whose channel is not the channel the activity says it is in. Only an id with a
 * suffix is judged: a channel event (channelCreated) names another channel while its
 * conversation is the team's General channel.
 */
export function threadOfAnotherChannel(activity: Activity): boolean {
  const id = activity.conversation.id;
  const channel = channelIdOf(activity);
  return id.includes(';') && channel !== undefined && channel !== baseConversationId(id);
}

export function conversationRecord(activity: Activity): ConversationRecord {
  return {
    conversationId: activity.conversation.id,
    tenantId: tenantOf(activity),
    kind: conversationKind(activity),
    reference: JSON.stringify(TurnContext.getConversationReference(activity)),
  };
}

/**
 * The reference proactive cards use: the channel itself, not the thread the activity came from,
 * so a reminder or a poll's result starts a new thread (Teams posts a message sent to the bare
 * channel id as a new post) instead of landing under somebody's old one.
 */
export function councilConversationRecord(activity: Activity): ConversationRecord {
  const own = conversationRecord(activity);
  const conversationId = councilConversationId(activity);
  if (conversationId === own.conversationId) return own;
  const reference = TurnContext.getConversationReference(activity);
  delete reference.activityId;
  return { ...own, conversationId, reference: JSON.stringify({ ...reference, conversation: { ...reference.conversation, id: conversationId } }) };
}
