// A bot with credentials accepts only requests that carry a token signed by the Bot Framework.
// Whatever is wrong with a token, the answer is 401 and one line in the log, never a 500 or a stack.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotProcess, freePort } from '../support/bot-process.js';
import { FakeBotFrameworkTokens } from '../support/fake-bot-framework-tokens.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, user } from '../support/teams-client.js';

const APP_ID = randomUUID();
const anna = user(1, 'Anna Andersson');
const personal: Conversation = { id: `a:${randomUUID()}`, type: 'personal' };

const credentials = (metadataUrl: string) => ({ BOT_ID: APP_ID, BOT_PASSWORD: 'not-used-here', BOT_TYPE: 'MultiTenant', BOT_OPENID_METADATA: metadataUrl });

/** Typing: an activity the bot takes without answering, so a request that gets through needs no outbound token. */
function typing(client: TeamsClient) {
  return { ...client.base(personal, anna), type: 'typing' };
}

async function post(bot: BotProcess, activity: unknown, authorization?: string) {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/** The log lines of refused requests; every other line of a refusal would be the SDK's. */
function refusals(output: string): string[] {
  return output.split('\n').filter((l) => l.includes('request refused: not authenticated'));
}

function expectNoStackOrKey(output: string) {
  expect(output).not.toMatch(/^[ \t]+at /m);
  expect(output).not.toMatch(/BEGIN (RSA )?PUBLIC KEY/);
}

describe('inbound authentication', () => {
  const tokens = new FakeBotFrameworkTokens();
  const connector = new FakeConnector();
  const client = new TeamsClient(() => bot.url, connector);
  let bot: BotProcess;

  beforeAll(async () => {
    await Promise.all([tokens.start(), connector.start()]);
    bot = await new BotProcess({ env: credentials(tokens.metadataUrl) }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([tokens.stop(), connector.stop()]);
  });

  it('takes a token the channel signed', async () => {
    const claims = tokens.claims(APP_ID, connector.url);
    expect((await post(bot, typing(client), `Bearer ${tokens.sign(claims)}`)).status).toBe(200);
    expect(refusals(bot.output)).toHaveLength(0);
  });

  it.each([
    ['no token at all', () => undefined, /no bearer token/],
    ['an unsigned token (alg none)', () => `Bearer ${tokens.unsigned(tokens.claims(APP_ID, connector.url))}`, /signing algorithm none/],
    ['an HS256 token signed with a guessed secret', () => `Bearer ${tokens.hmac(tokens.claims(APP_ID, connector.url), 'secret')}`, /signing algorithm HS256/],
    [
      'a bad signature under a known key id',
      () => `Bearer ${tokens.sign(tokens.claims(APP_ID, connector.url), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)}`,
      /invalid signature/,
    ],
    ['a token for another bot', () => `Bearer ${tokens.sign(tokens.claims(randomUUID(), connector.url))}`, /Invalid AppId/],
    ['a token for another serviceUrl', () => `Bearer ${tokens.sign(tokens.claims(APP_ID, 'https://smba.trafficmanager.net/emea/'))}`, /ServiceUrl claim/],
  ])('answers %s with 401 and one line in the log', async (_name, authorization, reason) => {
    const before = bot.output.length;
    connector.reset();
    const res = await post(bot, { ...typing(client), type: 'message', text: 'hjälp' }, authorization());
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized' });
    expect(connector.calls).toHaveLength(0);
    const logged = bot.output.slice(before);
    expect(refusals(logged)).toHaveLength(1);
    expect(JSON.parse(refusals(logged)[0]!)).toMatchObject({ level: 40, reason: expect.stringMatching(reason) });
    expectNoStackOrKey(logged);
  });
});

describe('inbound authentication without its signing keys', () => {
  const tokens = new FakeBotFrameworkTokens();
  const connector = new FakeConnector();
  const client = new TeamsClient(() => '', connector);
  let silent: Server;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    await Promise.all([tokens.start(), connector.start()]);
    // Accepts connections and never answers, like a metadata host behind a black-holing firewall.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await Promise.all([tokens.stop(), connector.stop()]);
  });

  it('answers 401 when the OpenID metadata cannot be reached', async () => {
    const closed = await freePort();
    const bot = await new BotProcess({ env: credentials(`http://127.0.0.1:${closed}/v1/.well-known/openidconfiguration`) }).start();
    bots.push(bot);
    const res = await post(bot, typing(client), `Bearer ${tokens.sign(tokens.claims(APP_ID, connector.url))}`);
    expect(res.status).toBe(401);
    // The log line travels through the bot's stdout and may reach us just after the answer.
    await vi.waitFor(() => expect(refusals(bot.output)).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(refusals(bot.output)[0]).toMatch(/ECONNREFUSED/);
    expectNoStackOrKey(bot.output);
  });

  it('answers 401 when the OpenID metadata never answers, instead of holding the request', async () => {
    const { port } = silent.address() as AddressInfo;
    const bot = await new BotProcess({ env: credentials(`http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`) }).start();
    bots.push(bot);
    const res = await post(bot, typing(client), `Bearer ${tokens.sign(tokens.claims(APP_ID, connector.url))}`);
    expect(res.status).toBe(401);
    await vi.waitFor(() => expect(refusals(bot.output)).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(refusals(bot.output)[0]).toMatch(/no signing keys within/);
    expectNoStackOrKey(bot.output);
  }, 30_000);
});
