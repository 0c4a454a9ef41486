import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphCredentialsError, type GraphStatus, type Logger } from '../../src/app/ports.js';
import type { GraphSettings } from '../../src/config.js';
import { graphCalendar } from '../../src/graph/calendar.js';
import { credentialsRefusal, guardCredentials } from '../../src/graph/credentials-gate.js';
import { createGraphHttp } from '../../src/graph/http.js';
import { createTokenSource } from '../../src/graph/token.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';

const mailbox = 'radet@region.se';
const window = { start: '2026-11-01T00:00:00.000Z', end: '2027-11-01T00:00:00.000Z' };

function recordingLogger(): Logger & { lines: { level: string; msg?: string }[] } {
  const lines: { level: string; msg?: string }[] = [];
  const at = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !probe(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!probe()) throw new Error(`timed out waiting for ${what}`);
}

describe('Graph with credentials Entra ID refuses', () => {
  let graph: FakeGraph;
  let settings: GraphSettings;
  const wrongSecret = 'Xy8Q~not-the-secret-of-this-app';
  const tokenRequests = () => graph.identityRequests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [mailbox] });
    settings = {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      credential: { clientSecret: wrongSecret },
      authorityHost: graph.url,
      baseUrl: graph.graphBaseUrl,
      maxRetries: 2,
    };
  });
  afterAll(() => graph?.close());

  it('pauses Graph after one refused token request, probes with growing pauses, and resumes by itself once the secret works', async () => {
    const logger = recordingLogger();
    const gate = guardCredentials(createTokenSource(settings), { firstProbeMs: 40, maxProbeMs: 160, logger });
    const changes: GraphStatus[] = [];
    gate.onChange((s) => changes.push(s));
    const calendar = graphCalendar(createGraphHttp({ baseUrl: settings.baseUrl, tokens: gate, maxRetries: 2, retryDelaySeconds: 0 }));
    const before = tokenRequests();

    // 35 councils' syncs at once, then again and again while the secret is wrong.
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(Array.from({ length: 35 }, () => calendar.changes(mailbox, window)));
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(GraphCredentialsError);
      }
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(gate.status()).toMatchObject({ status: 'credentials-rejected', since: expect.any(String) });
    expect(changes).toHaveLength(1);
    const probes = () => logger.lines.filter((l) => l.msg === 'Graph credentials still refused').length;
    // One request found the secret refused; every other one was a probe (one may be under way), none came from a job.
    const finished = probes();
    expect(tokenRequests() - before - 1 - finished).toBeGreaterThanOrEqual(0);
    expect(tokenRequests() - before - 1 - finished).toBeLessThanOrEqual(1);
    expect(graph.identityRequests.filter((r) => r.path.endsWith('/token')).slice(-1)[0]).toMatchObject({ status: 401, credential: 'client_secret' });
    expect(graph.requests.length).toBe(0);

    // The administrator puts in the secret the bot has: the next probe finds it works.
    graph.setClientSecret(wrongSecret);
    await until(() => gate.status().status === 'ok', 'Graph to resume');
    expect(changes.map((c) => c.status)).toEqual(['credentials-rejected', 'ok']);
    expect((await calendar.changes(mailbox, window)).deltaLink).toBeDefined();
    expect(logger.lines.map((l) => l.msg)).toContain('Graph accepts the app credentials again: Graph work resumes');
  });

  it('takes an expired secret (AADSTS7000222) for refused credentials too, and a passing failure of Entra ID not', async () => {
    graph.setClientSecret(wrongSecret);
    graph.expireClientSecret();
    const gate = guardCredentials(createTokenSource(settings), { firstProbeMs: 60_000, maxProbeMs: 60_000, logger: recordingLogger() });
    const before = tokenRequests();
    await expect(Promise.all(Array.from({ length: 10 }, () => gate.token()))).rejects.toBeInstanceOf(GraphCredentialsError);
    await expect(gate.token()).rejects.toBeInstanceOf(GraphCredentialsError);
    expect(tokenRequests() - before).toBe(1);
    expect(gate.status().status).toBe('credentials-rejected');
    graph.setClientSecret(wrongSecret);
  });

  it('takes Graph refusing a token just obtained as the same episode going on after a probe, with a growing pause', async () => {
    let issued = 0;
    const tokens = { token: async () => `token-${++issued}`, invalidate: () => undefined };
    const gate = guardCredentials(tokens, { firstProbeMs: 20, maxProbeMs: 10_000, logger: recordingLogger() });
    const seen: GraphStatus[] = [];
    gate.onChange((s) => seen.push(s));
    expect(gate.refused('Graph 401 InvalidAuthenticationToken with a new token')).toBeInstanceOf(GraphCredentialsError);
    const first = gate.status();
    await until(() => gate.status().status === 'ok', 'the probe to get a token');
    // The next job is refused by Graph again: the episode it belongs to began at the first refusal.
    const refusedAt = Date.now();
    gate.refused('Graph 401 InvalidAuthenticationToken with a new token');
    const again = gate.status();
    if (first.status !== 'credentials-rejected' || again.status !== 'credentials-rejected') throw new Error('not paused');
    expect(again.since).toBe(first.since);
    expect(seen).toEqual([first, { status: 'ok' }, again]);
    // The pause before the next probe doubled instead of starting over.
    expect(Date.parse(first.nextProbeAt) - Date.parse(first.since)).toBe(20);
    expect(Date.parse(again.nextProbeAt) - refusedAt).toBeGreaterThanOrEqual(40);
  });

  it('knows the token endpoint’s refusals of the client from other failures', () => {
    expect(credentialsRefusal({ errorCode: 'invalid_client', errorNo: 7000215, message: 'AADSTS7000215: Invalid client secret provided.' })).toBe('invalid_client AADSTS7000215');
    expect(credentialsRefusal({ errorCode: 'invalid_client', errorNo: '700027', message: 'AADSTS700027: Client assertion failed signature validation.' })).toBe('invalid_client AADSTS700027');
    expect(credentialsRefusal({ errorCode: 'unauthorized_client', errorNo: '700016' })).toBe('unauthorized_client AADSTS700016');
    expect(credentialsRefusal({ errorCode: 'temporarily_unavailable', errorNo: '90000' })).toBeUndefined();
    expect(credentialsRefusal(new Error('connect ECONNREFUSED 127.0.0.1:443'))).toBeUndefined();
  });
});
