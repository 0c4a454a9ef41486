import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Envelope, FakeIngestion } from '../support/fake-ingestion.js';
import { type Conversation, TeamsClient, user } from '../support/teams-client.js';
import { testCertificate } from '../support/tls.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const councilName = 'Samordningsråd Telemetrivik';
const words = 'Björn tycker att fikat i Telemetrivik är för dyrt';

/** Whatever a person wrote or is called, and their ids: none of it may reach Application Insights. */
const personal = [chair.name, bjorn.name, 'Åsa', 'Ordförande', 'Björn', councilName, 'Telemetrivik', words, chair.id, bjorn.id, chair.aadObjectId, bjorn.aadObjectId];

const baseData = (e: Envelope) => e.data!.baseData;

describe('telemetry exported to Application Insights', () => {
  const ingestion = new FakeIngestion();
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: councilName };

  beforeAll(async () => {
    await ingestion.start();
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn].map((u) => ({ ...u, email: `${u.name.split(' ')[0]}@region.se` })));
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await ingestion.stop();
  });

  it('sends a request per turn with replies as dependencies, and turn latency as a metric, without names or words', async () => {
    bot = await new BotProcess({
      env: {
        APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
        OTEL_METRIC_EXPORT_INTERVAL: '300',
        NODE_EXTRA_CA_CERTS: testCertificate().caFile,
        // The SDK's own usage reports go to Microsoft's endpoints, not to the connection string's.
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      },
    }).start();
    expect(bot.output).toContain('telemetry to Application Insights');

    expect((await client.botAdded(chat, chair)).status).toBe(200);
    const setup = await client.execute(chat, chair, { verb: 'council.setup' }, { name: councilName, locale: 'sv', timeZone: 'Europe/Stockholm' });
    expect(setup.status).toBe(200);
    expect((await client.say(chat, bjorn, 'hjälp', { mention: true })).status).toBe(200);
    expect((await client.say(chat, bjorn, words, { mention: true })).status).toBe(200);
    expect((await client.post({ type: 'message', text: words })).status).toBe(400);

    // Metrics go out every 300 ms while the bot runs.
    await vi.waitFor(() => expect(ingestion.metric('bot.turn.duration').length).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    // Spans are sent in batches; a graceful stop sends what is left.
    expect(await bot.stop()).toBe(0);

    const requests = ingestion.ofType('RequestData').filter((r) => baseData(r).name === 'POST /api/messages');
    const props = (e: Envelope) => baseData(e).properties as Record<string, string>;
    expect(requests.map((r) => baseData(r).responseCode).sort()).toEqual(['200', '200', '200', '200', '400']);
    expect(requests.filter((r) => props(r)['bot.activity.type'] === 'message').map((r) => props(r)['bot.command'] ?? '-').sort()).toEqual(['-', 'help']);
    const invoke = requests.find((r) => props(r)['bot.activity.type'] === 'invoke')!;
    expect(props(invoke)).toMatchObject({ 'bot.invoke.name': 'adaptiveCard/action', 'bot.action.verb': 'council.setup', 'bot.conversation.type': 'groupChat' });
    expect(baseData(requests.find((r) => baseData(r).responseCode === '400')!).success).toBe(false);

    // Each reply the connector got is a dependency of the turn that sent it.
    const sends = ingestion.ofType('RemoteDependencyData').filter((d) => baseData(d).name === 'connector send');
    expect(sends.length).toBeGreaterThanOrEqual(3);
    const operations = new Set(requests.map((r) => r.tags!['ai.operation.id']));
    for (const send of sends) {
      expect(operations.has(send.tags!['ai.operation.id'])).toBe(true);
      expect(baseData(send)).toMatchObject({ type: 'Http', target: '127.0.0.1', success: true });
    }

    for (const item of [...requests, ...sends]) {
      expect(item.tags!['ai.cloud.role']).toBe('council-assistant');
      expect(item.tags!['ai.cloud.roleInstance']).toMatch(new RegExp(`:${bot.child!.pid}$`));
    }
    const turnMetrics = ingestion.metric('bot.turn.duration').map((e) => ({ metric: baseData(e).metrics[0], properties: props(e) }));
    expect(turnMetrics.map((m) => m.properties['bot.activity.type'])).toEqual(expect.arrayContaining(['message', 'invoke', 'conversationUpdate', 'unknown']));
    expect(turnMetrics.find((m) => m.properties['bot.activity.type'] === 'unknown')!.properties['http.response.status_code']).toBe('400');
    expect(turnMetrics.reduce((n, m) => n + m.metric.count, 0)).toBe(5);

    const posted = ingestion.bodies.join('\n');
    for (const secret of personal) expect(posted).not.toContain(secret);
    expect(posted).not.toContain('@region.se');
    expect(ingestion.strays).toEqual([]);
  });

  it('exports nothing without a connection string, and starts as usual', async () => {
    const before = ingestion.bodies.length;
    bot = await new BotProcess({ env: { OTEL_METRIC_EXPORT_INTERVAL: '300', NODE_EXTRA_CA_CERTS: testCertificate().caFile } }).start();
    expect((await client.say(chat, chair, 'hjälp', { mention: true })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await bot.stop()).toBe(0);
    expect(bot.output).not.toContain('telemetry');
    expect(ingestion.bodies.length).toBe(before);
  });
});
