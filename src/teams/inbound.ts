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
