import { type GraphHttp, createGraphHttp } from '../../src/graph/http.js';
import { createTokenSource } from '../../src/graph/token.js';
import type { FakeGraph } from './fake-graph.js';

/** The bot's own Graph client, signed in with the fake's app registration, retrying without pauses. */
export function graphHttpFor(fake: FakeGraph, maxRetries: number): GraphHttp {
  const tokens = createTokenSource({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    credential: { clientSecret: fake.clientSecret },
    authorityHost: fake.url,
    baseUrl: fake.graphBaseUrl,
    maxRetries,
  });
  return createGraphHttp({ baseUrl: fake.graphBaseUrl, tokens, maxRetries, retryDelaySeconds: 0 });
}
