import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AggregationTemporality, type DataPoint, type Histogram, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/app/ports.js';
import { graphCalendar } from '../../src/graph/calendar.js';
import { graphLibrary } from '../../src/graph/library.js';
import { createHost } from '../../src/server.js';
import { openStore } from '../../src/store/database.js';
import { startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';
import { type Telemetry, registerTelemetry } from '../../src/telemetry/providers.js';
import { GRAPH_THROTTLED, OUTBOX_LAG, OUTBOX_PARKED, TURN_DURATION, callingOut, labelTurn } from '../../src/telemetry/signals.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { graphHttpFor } from '../support/graph-client.js';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe('telemetry: what the instruments record when the code runs', () => {
  const spans = new InMemorySpanExporter();
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  let telemetry: Telemetry;

  beforeAll(async () => {
    const registration = await registerTelemetry({ spans, metrics, metricIntervalMs: 60_000, instanceId: 'test-instance' });
    telemetry = registration.telemetry!;
    expect(telemetry).toBeDefined();
  });
  afterAll(() => telemetry?.shutdown());

  async function points<T = Histogram>(name: string): Promise<DataPoint<T>[]> {
    await telemetry.flush();
    const latest = metrics.getMetrics().at(-1);
    const metric = latest?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<T>[];
  }

  async function finished(predicate: (span: ReadableSpan) => boolean, count = 1): Promise<ReadableSpan[]> {
    await vi.waitFor(async () => {
      await telemetry.flush();
      expect(spans.getFinishedSpans().filter(predicate).length).toBeGreaterThanOrEqual(count);
    });
    return spans.getFinishedSpans().filter(predicate);
  }

  it('a turn: one server span with what the activity is, the work inside it nested, and its duration by type and status', async () => {
    const host = createHost({
      maxBodyBytes: 100_000,
      allowedTenants: [],
      logger: silent,
      health: async () => ({ reachable: true, migrated: true }),
      processActivity: async (_req, res) => {
        labelTurn({ 'bot.action.verb': 'council.show' });
        await callingOut('connector send', { 'http.request.method': 'POST', 'server.address': 'smba.example' }, async () => undefined);
        res.status(200).json({});
      },
    });
    const server = host.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const activity = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      from: { id: '29:user', name: 'Anna Andersson' },
      recipient: { id: '28:bot' },
      conversation: { id: '19:c@thread.v2', conversationType: 'groupChat' },
      value: { action: { verb: 'council.show', data: { text: 'Anna tycker till' } } },
    };
    try {
      const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post(activity)).status).toBe(200);
      expect((await post({ text: 'no activity' })).status).toBe(400);

      const turns = await finished((s) => s.name === 'POST /api/messages', 2);
      const invoke = turns.find((s) => s.attributes['bot.activity.type'] === 'invoke')!;
      expect(invoke.kind).toBe(SpanKind.SERVER);
      expect(invoke.attributes).toMatchObject({
        'bot.invoke.name': 'adaptiveCard/action',
        'bot.conversation.type': 'groupChat',
        'bot.action.verb': 'council.show',
        'http.response.status_code': 200,
      });
      expect(JSON.stringify(turns.map((s) => s.attributes))).not.toMatch(/Anna|29:user|tycker/);
      const [send] = await finished((s) => s.name === 'connector send');
      expect(send!.parentSpanContext?.spanId).toBe(invoke.spanContext().spanId);
      expect(send!.kind).toBe(SpanKind.CLIENT);

      const durations = await points(TURN_DURATION);
      const of = (type: string, status: number) =>
        durations.find((p) => p.attributes['bot.activity.type'] === type && p.attributes['http.response.status_code'] === status)?.value;
      expect(of('invoke', 200)?.count).toBe(1);
      expect(of('invoke', 200)?.sum).toBeGreaterThan(0);
      expect(of('unknown', 400)?.count).toBe(1);
    } finally {
      server.close();
    }
  });

  it('outbox: how late each job began, by kind, and a span per delivery that fails with the job', async () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    const store = await openStore({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-telemetry-')), 'db.sqlite') });
    const kit = testTurnKit(store, { clock: { now: () => now } });
    const proactive: Proactive = { inConversation: async () => undefined, toPerson: async () => 'personal' };
    const due = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
    // Due items that are gone by now: delivered as nothing to send. A kind nobody handles fails.
    await store.outbox.enqueue(
      [
        { key: 'a', kind: 'actionDue', payload: { actionItemId: 'gone-1' }, dueAt: due(1_500) },
        { key: 'b', kind: 'actionDue', payload: { actionItemId: 'gone-2' }, dueAt: due(250) },
        { key: 'c', kind: 'noSuchKind', payload: {}, dueAt: due(0) },
      ],
      now.toISOString(),
    );
    const outbox = startOutbox(kit, proactive, { intervalMs: 60_000, concurrency: 10 });
    try {
      const delivered = await finished((s) => s.name.startsWith('outbox '), 3);
      const actionDue = delivered.filter((s) => s.name === 'outbox actionDue');
      expect(actionDue.map((s) => s.attributes['outbox.job.lag_ms']).sort()).toEqual([1_500, 250]);
      expect(actionDue.every((s) => s.kind === SpanKind.CONSUMER && s.status.code !== SpanStatusCode.ERROR && !s.parentSpanContext)).toBe(true);
      expect(delivered.find((s) => s.name === 'outbox noSuchKind')!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'UndeliverableJobError' });

      const lag = await points(OUTBOX_LAG);
      const byKind = (kind: string) => lag.find((p) => p.attributes['outbox.job.kind'] === kind)?.value;
      expect(byKind('actionDue')).toMatchObject({ count: 2, sum: 1_750, min: 250, max: 1_500 });
      expect(byKind('noSuchKind')).toMatchObject({ count: 1, sum: 0 });
    } finally {
      await outbox.stop();
      await store.close();
    }
  });

  it('outbox: a job parked after failing for good is counted once, by kind and what failed', async () => {
    let now = Date.parse('2026-11-24T10:00:00.000Z');
    const store = await openStore({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-telemetry-')), 'db.sqlite') });
    const kit = testTurnKit(store, { clock: { now: () => new Date(now) } });
    const proactive: Proactive = { inConversation: async () => undefined, toPerson: async () => 'personal' };
    await store.outbox.enqueue([{ key: 'lost', kind: 'retiredKind', payload: {}, dueAt: new Date(now + 1_000).toISOString() }], new Date(now).toISOString());
    const outbox = startOutbox(kit, proactive, { intervalMs: 3_600_000, concurrency: 10 });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        now += 5 * 60_000;
        await outbox.runOnce();
      }
      const parked = await points<number>(OUTBOX_PARKED);
      expect(parked.filter((p) => p.attributes['outbox.job.kind'] === 'retiredKind').map((p) => [p.attributes['error.type'], p.value])).toEqual([['UndeliverableJobError', 1]]);
    } finally {
      await outbox.stop();
      await store.close();
    }
  });

  describe('Graph', () => {
    let graph: FakeGraph;
    beforeAll(async () => {
      graph = await startFakeGraph({ mailboxes: ['radet@region.se'] });
    });
    afterAll(() => graph?.close());

    it('counts answers that ask to back off, with and without Retry-After, and traces every attempt without the mailbox', async () => {
      const calendar = graphCalendar(graphHttpFor(graph, 3));
      graph.fail(1, 504, undefined, '/events');
      graph.throttle(1, 0, '/events');
      graph.fail(1, 503, 0, '/events');
      const event = await calendar.createEvent(
        'radet@region.se',
        { subject: 'Vårdvalsråd', bodyHtml: '<p>Dagordning</p>', startsAt: '2026-12-03T12:00:00.000Z', endsAt: '2026-12-03T15:00:00.000Z', place: 'Regionens hus', online: false, attendees: [{ name: 'Åsa', email: 'asa@region.se' }], categories: [] },
        'tx-telemetry',
      );
      expect(event.id).toBeTruthy();

      const throttled = await points<number>(GRAPH_THROTTLED);
      const count = (status: number, retryAfter: boolean) =>
        throttled.find((p) => p.attributes['http.response.status_code'] === status && p.attributes['graph.retry_after'] === retryAfter)?.value;
      expect(count(504, false)).toBe(1);
      expect(count(429, true)).toBe(1);
      expect(count(503, true)).toBe(1);

      const attempts = await finished((s) => s.name === 'POST /v1.0/users/{id}/events', 4);
      expect(attempts.map((s) => s.attributes['http.response.status_code'])).toEqual([504, 429, 503, 201]);
      expect(attempts.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
      expect(JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes]))).not.toMatch(/@|radet|region\.se|Vårdvalsråd/);
    });

    it('counts a 429 on an upload session fragment too, which goes around the Graph client', async () => {
      const site = 'https://region.sharepoint.com/sites/Vardvalsrad';
      graph.addSite(site);
      const before = (await points<number>(GRAPH_THROTTLED)).find((p) => p.attributes['http.response.status_code'] === 429 && p.attributes['graph.retry_after'] === true)?.value ?? 0;
      graph.throttle(1, 0, 'uploadSession', { after: 1 });
      const library = graphLibrary(graphHttpFor(graph, 2), { retryDelaySeconds: 0 });
      await library.upload(`${site}/Delade%20dokument`, 'Vårdvalsråd/2026', 'Protokoll med bilagor.pdf', new Uint8Array(9_000_000), 'fail');
      expect(graph.requests.filter((r) => r.path.endsWith('/uploadSession')).map((r) => r.status)).toContain(429);
      const after = (await points<number>(GRAPH_THROTTLED)).find((p) => p.attributes['http.response.status_code'] === 429 && p.attributes['graph.retry_after'] === true)?.value;
      expect(after).toBe(before + 1);
    });
  });
});
