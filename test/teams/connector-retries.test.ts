import { randomUUID } from 'node:crypto';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { ConversationReference } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOneRetryPolicy } from '../../src/teams/connector-retries.js';
import { retryAfterMs } from '../../src/teams/retry-after.js';
import { FakeConnector } from '../support/fake-connector.js';

describe('the connector client the adapter makes', () => {
  const connector = new FakeConnector();
  // Local mode (no app id): botframework sends no token, as the e2e bot does.
  const adapter = new TeamsAdapter({});
  withOneRetryPolicy(adapter);
  let reference: Partial<ConversationReference>;

  beforeAll(async () => {
    await connector.start();
    reference = { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: `19:${randomUUID()}@thread.v2`, isGroup: true, conversationType: 'groupChat', name: '' }, bot: { id: '28:bot', name: 'Bot' } };
  });
  afterAll(async () => {
    await connector.stop();
  });

  it('has no retry policy of its own in a proactive turn', async () => {
    let policies: string[] = [];
    await adapter.continueConversationAsync('', reference, async (context) => {
      const client = context.turnState.get(adapter.ConnectorClientKey) as { client: { pipeline: { getOrderedPolicies(): { name: string }[] } } };
      policies = client.client.pipeline.getOrderedPolicies().map((p) => p.name);
    });
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.filter((name) => /retry/i.test(name))).toEqual([]);
  });

  it('makes one request for a proactive send Teams refuses: the outbox decides when to try again', async () => {
    connector.reset();
    const id = reference.conversation!.id;
    connector.refuse(503, (c) => c.conversationId === id, 1);
    let failure: unknown;
    await adapter.continueConversationAsync('', reference, async (context) => {
      try {
        await context.sendActivity('Påminnelse');
      } catch (err) {
        failure = err;
      }
    });
    expect((failure as { statusCode?: number }).statusCode).toBe(503);
    expect(connector.requests.map((r) => r.status)).toEqual([503]);
  });

  it('hands Teams’ Retry-After on a 429 to whoever retries, on the error it throws', async () => {
    connector.reset();
    const id = reference.conversation!.id;
    connector.storm((c) => c.conversationId === id, 7, 1);
    let failure: unknown;
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('Påminnelse').catch((err: unknown) => (failure = err));
    });
    expect((failure as { statusCode?: number }).statusCode).toBe(429);
    expect(retryAfterMs(failure)).toBe(7_000);
    expect(connector.requests).toHaveLength(1);
  });
});
