import { z } from 'zod';

/** The minimum an inbound Bot Framework activity must carry before it reaches the adapter. */
export const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().url().max(2048),
    from: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    recipient: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    conversation: z
      .object({ id: z.string().min(1).max(512), tenantId: z.string().max(64).optional() })
      .passthrough(),
    channelData: z
      .object({ tenant: z.object({ id: z.string().max(64) }).partial().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type InboundActivity = z.infer<typeof inboundActivitySchema>;

export function tenantOfInbound(activity: InboundActivity): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id ?? undefined;
}

const ACTIVITY_TYPES = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'typing',
  'endOfConversation',
]);
const CONVERSATION_TYPES = new Set(['personal', 'groupChat', 'channel']);
const INVOKE_NAME = /^(adaptiveCard|task|composeExtension|signin|fileConsent|actionableMessage|config|tab|message|handoff)\/[A-Za-z]{1,40}$/;

/**
 * What telemetry may say about an activity: its kind, never who sent it or what it says. Values
 * outside the channel's own vocabulary become "other", so a forged activity cannot put words there.
 */
export function telemetryAttributesOf(activity: InboundActivity): Record<string, string> {
  const known = (value: unknown, names: Set<string>) => (typeof value === 'string' && names.has(value) ? value : 'other');
  const attributes: Record<string, string> = {
    'bot.activity.type': known(activity.type, ACTIVITY_TYPES),
    'bot.conversation.type': known(activity.conversation.conversationType, CONVERSATION_TYPES),
  };
  if (activity.type === 'invoke') {
    const name = activity.name;
    attributes['bot.invoke.name'] = typeof name === 'string' && INVOKE_NAME.test(name) ? name : 'other';
  }
  return attributes;
}
