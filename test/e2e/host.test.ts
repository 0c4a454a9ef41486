import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, botEntry, projectRoot } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TENANT, TeamsClient, cardOf, cardText, user } from '../support/teams-client.js';

const anna = user(1, 'Anna Andersson');

describe('the HTTP host', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const personal: Conversation = { id: `a:${randomUUID()}`, type: 'personal' };

  beforeAll(async () => {
    await connector.start();
    bot = await new BotProcess({ env: { ALLOWED_TENANTS: `${TENANT.toUpperCase()},other-allowed` } }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('reports liveness and readiness', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    let body = await ready.json();
    expect(body).toMatchObject({ status: 'ready', store: { reachable: true, migrated: true }, outbox: { alive: true, inFlight: 0 } });
    // The outbox loop looks at the store every interval (1 s by default).
    for (let i = 0; i < 20 && body.outbox.lastPassMsAgo === null; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      body = await (await fetch(`${bot.url}/readyz`)).json();
    }
    expect(body.outbox.lastPassMsAgo).toBeLessThan(5_000);
  });

  it('says in its log that it runs without inbound authentication', () => {
    expect(bot.output).toMatch(/LOCAL MODE/);
  });

  it('answers a body that is not JSON with 400 without reaching the bot', async () => {
    connector.reset();
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":' });
    expect(res.status).toBe(400);
    const notActivity = await client.post({ hello: 'world' });
    expect(notActivity.status).toBe(400);
    expect(connector.calls).toHaveLength(0);
  });

  it('answers a body over 1 MB with 413 without reaching the bot', async () => {
    connector.reset();
    const activity = client.base(personal, anna);
    activity.type = 'message';
    activity.text = 'x'.repeat(1024 * 1024 + 10);
    const res = await client.post(activity);
    expect(res.status).toBe(413);
    expect(connector.calls).toHaveLength(0);
  });

  it('refuses activities from tenants that are not allowed', async () => {
    connector.reset();
    const res = await client.say({ ...personal, tenantId: 'evil-tenant' }, anna, 'hjälp');
    expect(res.status).toBe(403);
    const activity = client.base(personal, anna);
    activity.type = 'message';
    activity.text = 'hjälp';
    delete activity.conversation.tenantId;
    delete activity.channelData;
    expect((await client.post(activity)).status).toBe(403);
    expect(connector.calls).toHaveLength(0);
    // The allowed tenant, whatever its case in the configuration, is served.
    expect((await client.say(personal, anna, 'hjälp')).status).toBe(200);
    expect(connector.sent(personal.id)).toHaveLength(1);
  });

  it('greets a person in the personal chat with what concerns them', async () => {
    connector.reset();
    await client.botAdded(personal, anna);
    expect(cardText(cardOf(connector.sent(personal.id)[0]!.body))).toContain('I den personliga chatten');
    connector.reset();
    await client.say(personal, anna, 'konfigurera');
    expect(cardText(cardOf(connector.sent(personal.id)[0]!.body))).toContain('Rådet sätts upp i en kanal eller gruppchatt');
    connector.reset();
    await client.say({ ...personal, locale: 'en-US' }, anna, 'hjälp');
    await client.say({ ...personal, locale: 'sv-SE' }, anna, 'help');
    const [swedish, english] = connector.sent(personal.id).map((c) => cardText(cardOf(c.body)));
    expect(swedish).toContain('Det här kan Rådsassistenten');
    expect(english).toContain('What Council Assistant can do');
    connector.reset();
    await client.say(personal, anna, 'vad är klockan');
    expect(connector.sent(personal.id)[0]!.body.text).toContain('Jag förstod inte');
  });

  it('finishes a turn in flight on SIGTERM, then stops accepting and exits cleanly', async () => {
    const slow = new FakeConnector();
    await slow.start();
    slow.latencyMs = 1500;
    const slowClient = new TeamsClient(() => bot.url, slow);
    const turn = slowClient.say(personal, anna, 'hjälp');
    await new Promise((r) => setTimeout(r, 300));
    const exited = bot.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const late = await fetch(`${bot.url}/api/messages`, { method: 'POST', body: '{}' }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    expect((await turn).status).toBe(200);
    expect(slow.sent(personal.id)).toHaveLength(1);
    expect(await exited).toBe(0);
    expect(bot.output).toMatch(/shutting down/);
    await slow.stop();
    await bot.start();
  });
});

describe('starting up', () => {
  it('refuses to start in production without credentials', () => {
    const result = spawnSync(process.execPath, [botEntry], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/requires BOT_ID and BOT_PASSWORD/);
  });

  it('gives up on a database it cannot reach after DATABASE_STARTUP_WAIT_SECONDS, naming the cause', () => {
    const result = spawnSync(process.execPath, [botEntry], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATABASE_STARTUP_WAIT_SECONDS: '1' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/fatal: Error: database not reachable after \d+ attempts over \d+ s: .*ECONNREFUSED/);
    // Each attempt said why, once, without a stack.
    expect(result.stdout).toMatch(/"reason":"[^"]*ECONNREFUSED[^"]*".*"msg":"database not reachable yet; trying again"/);
  });
});
