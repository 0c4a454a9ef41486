// A bot without credentials authenticates nobody, so it must be reachable only from this machine
// and must answer only to this machine (or the Agents Playground), whatever an activity names.
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, user } from '../support/teams-client.js';

/** One of this machine's own addresses that is not the loopback, if it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

const anna = user(1, 'Anna Andersson');
const personal = (): Conversation => ({ id: `a:${randomUUID()}`, type: 'personal' });

describe('local mode (no BOT_ID)', () => {
  // Listens on every address, so a send to the outside address would arrive and be recorded.
  const connector = new FakeConnector();
  let bot: BotProcess;
  let withPlayground: BotProcess;
  let playgroundUrl: string;

  beforeAll(async () => {
    await connector.start(0, '0.0.0.0');
    playgroundUrl = `${connector.urlOn(outsideAddress ?? '10.255.255.1')}_connector`;
    // HOST unset, as `npm start` and a plain `node dist/src/main.js` leave it.
    bot = await new BotProcess({ env: { HOST: undefined } }).start();
    withPlayground = await new BotProcess({ env: { M365_AGENTS_PLAYGROUND_SERVICE_URL: playgroundUrl } }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await withPlayground?.stop();
    await connector.stop();
  });

  it('refuses an activity that names a host elsewhere as its serviceUrl', async () => {
    const client = new TeamsClient(() => bot.url, connector);
    const before = bot.output.length;
    const res = await client.post({ ...client.base(personal(), anna), type: 'message', text: 'hjälp', serviceUrl: 'https://evil.example/' });
    expect(res.status).toBe(403);
    const refusals = bot.output.slice(before).split('\n').filter((l) => l.includes('activity refused'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0]!)).toMatchObject({ level: 40, serviceUrl: 'https://evil.example' });
  });

  // The proofs that nothing leaves need an address of this machine's own that is not the loopback.
  it.skipIf(outsideAddress === undefined)('listens on the loopback only unless HOST says otherwise', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    const outside = await fetch(`http://${outsideAddress}:${bot.port}/healthz`, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => r.status,
      (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.name,
    );
    expect(outside).toBe('ECONNREFUSED');
    expect(bot.output).toMatch(/"host":"127\.0\.0\.1"/);
  });

  it.skipIf(outsideAddress === undefined)('refuses an activity whose serviceUrl is not on this machine, and sends nothing there', async () => {
    const client = new TeamsClient(() => bot.url, connector);
    const conversation = personal();
    const activity = { ...client.base(conversation, anna), type: 'message', text: 'hjälp', serviceUrl: connector.urlOn(outsideAddress!) };
    connector.reset();
    const before = bot.output.length;
    const res = await client.post(activity);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'service URL not allowed' });
    // The outbox runs every second; give it a round to send anything it might have queued.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(connector.calls).toHaveLength(0);
    const refusals = bot.output.slice(before).split('\n').filter((l) => l.includes('activity refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(`"serviceUrl":"http://${outsideAddress}:`);

    // The same fake through the loopback gets the answer: the refusal was the address.
    const local = await client.say(conversation, anna, 'hjälp');
    expect(local.status).toBe(200);
    expect(connector.sent(conversation.id)).toHaveLength(1);
  });

  it.skipIf(outsideAddress === undefined)('answers the Playground at the address it was given', async () => {
    const client = new TeamsClient(() => withPlayground.url, connector);
    const conversation = personal();
    connector.reset();
    const res = await client.post({ ...client.base(conversation, anna), type: 'message', text: 'hjälp', serviceUrl: playgroundUrl });
    expect(res.status).toBe(200);
    expect(connector.sent(conversation.id)).toHaveLength(1);
    // Another port on the same host is not the Playground.
    const elsewhere = new URL(playgroundUrl);
    elsewhere.port = String(Number(elsewhere.port) === 65535 ? 1 : Number(elsewhere.port) + 1);
    expect((await client.post({ ...client.base(conversation, anna), type: 'message', text: 'hjälp', serviceUrl: elsewhere.href })).status).toBe(403);
  });
});
