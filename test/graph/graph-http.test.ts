import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CalendarAccessError, CalendarSyncExpired, TransientError } from '../../src/app/ports.js';
import type { GraphSettings } from '../../src/config.js';
import { graphCalendar } from '../../src/graph/calendar.js';
import { GraphError, createGraphHttp } from '../../src/graph/http.js';
import { createTokenSource } from '../../src/graph/token.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';

const mailbox = 'radet@region.se';
const input = {
  subject: 'Vårdvalsråd',
  bodyHtml: '<p>Dagordning</p>',
  startsAt: '2026-12-03T12:00:00.000Z',
  endsAt: '2026-12-03T15:00:00.000Z',
  place: 'Regionens hus',
  online: false,
  attendees: [{ name: 'Åsa', email: 'asa@region.se' }],
  categories: ['Vårdvalsråd'],
};

describe('Graph access: tokens, retries and answers checked', () => {
  let graph: FakeGraph;
  let settings: GraphSettings;

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [mailbox] });
    settings = {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      credential: { clientSecret: graph.clientSecret },
      authorityHost: graph.url,
      baseUrl: graph.graphBaseUrl,
      maxRetries: 2,
    };
  });
  afterAll(() => graph?.close());

  const http = (extra: Partial<Parameters<typeof createGraphHttp>[0]> = {}) =>
    createGraphHttp({ baseUrl: settings.baseUrl, tokens: createTokenSource(settings), maxRetries: 2, retryDelaySeconds: 0, ...extra });

  it('keeps a token until shortly before it expires, and asks once for parallel requests', async () => {
    const tokens = createTokenSource(settings);
    const before = graph.tokenRequests;
    const all = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);
    expect(new Set(all).size).toBe(1);
    expect(await tokens.token()).toBe(all[0]);
    expect(graph.tokenRequests - before).toBe(1);
    tokens.invalidate();
    expect(await tokens.token()).not.toBe(all[0]);
    expect(graph.tokenRequests - before).toBe(2);
  });

  it('gets tokens with a certificate from one PEM file, the way an admin uploads it to the app registration', async () => {
    const cert = graph.appCertificate;
    const file = join(mkdtempSync(join(tmpdir(), 'graph-cert-')), 'app.pem');
    writeFileSync(file, `${readFileSync(cert.certFile, 'utf8')}\n${readFileSync(cert.keyFile, 'utf8')}`);
    const tokens = createTokenSource({ ...settings, credential: { certificateFile: file } });
    expect(await tokens.token()).toMatch(/./);
    // The same PEM as text, as a Key Vault reference gives it on App Service.
    const fromText = createTokenSource({ ...settings, credential: { certificatePem: readFileSync(file, 'utf8') } });
    expect(await fromText.token()).toMatch(/./);
    expect(graph.identityRequests.at(-1)).toMatchObject({ status: 200 });
    const wrong = createTokenSource({ ...settings, credential: { clientSecret: 'not the secret' } });
    await expect(wrong.token()).rejects.toThrow(/invalid_client|7000215/);
  });

  it('fetches a new token once when Graph says the old one has expired', async () => {
    const client = http();
    await client.call({ method: 'GET', path: `/users/${mailbox}/events/none`, headers: {} }, z.unknown()).catch(() => undefined);
    const before = graph.tokenRequests;
    graph.expireTokens();
    const calendar = graphCalendar(client);
    const event = await calendar.createEvent(mailbox, input, 'tx-token');
    expect(event.subject).toBe('Vårdvalsråd');
    expect(graph.tokenRequests - before).toBe(1);
  });

  it('waits out a 429 as Retry-After says, within a bounded number of tries', async () => {
    const calendar = graphCalendar(http());
    graph.throttle(2, 1, '/events');
    const started = Date.now();
    const event = await calendar.createEvent(mailbox, input, 'tx-throttle');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(graph.events(mailbox).filter((e) => e.id === event.id)).toHaveLength(1);

    graph.fail(3, 503, undefined, '/events');
    const error = await calendar.createEvent(mailbox, input, 'tx-503').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
  });

  it('does not sit out a long Retry-After inside the request: the job is put back with it instead', async () => {
    const calendar = graphCalendar(http({ maxInlineWaitSeconds: 5 }));
    graph.throttle(1, 120, '/events');
    const started = Date.now();
    const error = (await calendar.createEvent(mailbox, input, 'tx-long').catch((e: unknown) => e)) as TransientError;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.retryAfterMs).toBe(120_000);
  });

  it('returns the event made the first time when a create is retried after a spoilt answer', async () => {
    const calendar = graphCalendar(http());
    graph.garbage(1, 'not-json', '/events');
    await expect(calendar.createEvent(mailbox, input, 'tx-garbage')).rejects.toBeInstanceOf(TransientError);
    const again = await calendar.createEvent(mailbox, input, 'tx-garbage');
    expect(graph.events(mailbox).filter((e) => e.transactionId === 'tx-garbage').map((e) => e.id)).toEqual([again.id]);
  });

  it('sorts mailbox problems, expired delta links and unreadable pages apart', async () => {
    graph.denyMailbox('hemlig@region.se', 403);
    const calendar = graphCalendar(http());
    await expect(calendar.changes('hemlig@region.se', { start: '2026-11-01T00:00:00Z', end: '2027-11-01T00:00:00Z' })).rejects.toMatchObject({ reason: 'denied' });
    await expect(calendar.changes('finnsinte@region.se', { start: '2026-11-01T00:00:00Z', end: '2027-11-01T00:00:00Z' })).rejects.toBeInstanceOf(CalendarAccessError);
    let page = await calendar.changes(mailbox, { start: '2026-11-01T00:00:00Z', end: '2027-11-01T00:00:00Z' });
    while (!page.deltaLink) page = await calendar.changes(mailbox, { link: page.nextLink! });
    graph.expireDeltaTokens();
    await expect(calendar.changes(mailbox, { link: page.deltaLink })).rejects.toBeInstanceOf(CalendarSyncExpired);
    graph.garbage(1, 'wrong-shape', 'delta');
    await expect(calendar.changes(mailbox, { start: '2026-11-01T00:00:00Z', end: '2027-11-01T00:00:00Z' })).rejects.toBeInstanceOf(TransientError);
  });

  it('answers an update or cancel of an event deleted in Outlook without failing', async () => {
    const calendar = graphCalendar(http());
    const event = await calendar.createEvent(mailbox, input, 'tx-deleted');
    graph.outlookDelete(mailbox, event.id);
    expect(await calendar.getEvent(mailbox, event.id)).toBeUndefined();
    expect(await calendar.updateEvent(mailbox, event.id, { place: 'Sal B' })).toBeUndefined();
    await expect(calendar.cancelEvent(mailbox, event.id, 'Inställt')).resolves.toBeUndefined();
    expect(new GraphError(503, 'x', 'y').transient).toBe(true);
  });
});
