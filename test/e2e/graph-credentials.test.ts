import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const mailboxA = 'vardvalsradet@region.se';
const mailboxB = 'samordningsradet@region.se';
const site = 'https://region.sharepoint.com/sites/Vardvalsrad';
const library = `${site}/Delade dokument`;
/** The secret the bot was given; Entra ID knows another one until the administrator puts this one in. */
const botSecret = 'Qw8Q~the-secret-in-the-bots-settings';
const TOLD = 'Till ordföranden: Rådsassistenten kommer inte åt Microsoft 365';

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Graph refusing the app’s secret', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chatA: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const chatB: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  /** The bot's answer to one message; calls are kept, so what it sends on its own in between is seen too. */
  async function say(where: Conversation, who: User, message: string): Promise<string> {
    const from = connector.calls.length;
    expect((await client.say(where, who, message)).status).toBe(200);
    return connector.calls
      .slice(from)
      .filter((c) => c.kind === 'send' && c.conversationId === where.id)
      .map((c) => c.body.text ?? cardText(cardOf(c.body)))
      .join('\n');
  }
  /** The chair's word of the refused credentials, in the council's chat. */
  const toldIn = (chat: Conversation) => connector.sent(chat.id).filter((c) => (c.body.text ?? '').startsWith(TOLD)).length;
  const tokenRequests = () => graph.identityRequests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
  const readyz = async () => {
    const res = await fetch(`${bot.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [mailboxA, mailboxB] });
    graph.addSite(site);
    await connector.start();
    connector.setRoster(chatA.id, [chair, cecilia, bjorn]);
    connector.setRoster(chatB.id, [chair, bjorn]);
    bot = await new BotProcess({
      env: { OUTBOX_POLL_MS: '100', CALENDAR_SYNC_MS: '1000', GRAPH_CREDENTIALS_PROBE_MS: '500', ...graph.botEnv(), GRAPH_CLIENT_SECRET: botSecret },
    }).start();
    for (const [chat, name] of [[chatA, 'Vårdvalsråd'], [chatB, 'Samordningsråd']] as const) {
      await client.execute(chat, chair, { verb: 'council.setup' }, { name, locale: 'sv', timeZone: 'Europe/Stockholm' });
    }
    const council = (await client.execute(chatA, chair, { verb: 'council.show' })).card;
    await client.execute(chatA, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('tells each chair once, in words, asks Entra ID only at the probes, shows it in kalender, the minutes and /readyz, and goes on by itself after the fix, nothing lost', { timeout: 120_000 }, async () => {
    await say(chatA, chair, `kalender: ${mailboxA}`);
    await say(chatB, chair, `kalender: ${mailboxB}`);
    await say(chatA, chair, `protokollbibliotek: ${library}`);
    // A meeting held, and its minutes exported while Graph refuses the secret.
    await say(chatA, chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`);
    await say(chatA, chair, 'öppna mötet');
    await say(chatA, chair, 'nästa');
    await say(chatA, cecilia, 'Beslut: Rådet godkänner budgeten för 2027.');
    await say(chatA, chair, 'avsluta mötet ändå');
    await say(chatA, cecilia, 'protokoll');

    const started = Date.now();
    await until(() => toldIn(chatA) >= 1 && toldIn(chatB) >= 1, 'the chairs to be told');
    // A meeting planned meanwhile waits for Graph, and is not lost.
    const date = utcToZoned(new Date(Date.now() + 20 * 86_400_000).toISOString(), 'Europe/Stockholm').date;
    await say(chatB, chair, `nytt möte ${date} 13:00-15:00 Regionens hus`);

    // A few more probes: calendar syncs fall due every second, the export and the new meeting wait.
    const probes = () => (bot.output.match(/Graph credentials still refused/g) ?? []).length;
    await until(() => probes() >= 3, 'three more probes');
    const seconds = (Date.now() - started) / 1000;
    const requests = tokenRequests();
    console.info(`wrong secret, first probe after 0.5 s: ${requests} token requests in ${seconds.toFixed(1)} s (${((requests / seconds) * 60).toFixed(0)} a minute), ${probes()} probes`);
    // The request that found the secret refused, then only the probes (one may be under way).
    expect(requests - 1 - probes()).toBeGreaterThanOrEqual(0);
    expect(requests - 1 - probes()).toBeLessThanOrEqual(1);
    expect(graph.requests).toHaveLength(0);

    const calendarText = await say(chatA, chair, 'kalender');
    expect(calendarText).toContain('Microsoft Entra ID godtar inte appens hemlighet eller certifikat');
    expect(calendarText).toContain('En administratör behöver förnya hemligheten eller certifikatet');
    const status = await say(chatA, cecilia, 'justering');
    expect(status).toContain('Väntar: appen kommer inte åt SharePoint förrän en administratör förnyar appens hemlighet eller certifikat.');
    for (const text of [calendarText, status, ...connector.sent().map((c) => JSON.stringify(c.body))]) {
      expect(text).not.toMatch(/AADSTS|invalid_client/);
    }
    const paused = await readyz();
    // Every instance shares the secret: the instance stays in the load balancer, and says why Graph waits.
    expect(paused).toMatchObject({ status: 200, body: { status: 'ready', graph: { status: 'credentials-rejected', since: expect.any(String) } } });

    // The administrator renews the secret (the one the bot has): everything goes on by itself.
    graph.setClientSecret(botSecret);
    const exported = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chatA.id && cardText(cardOf(c.body)).includes('Protokollsutkastet från'), 60_000);
    expect(exported).toBeDefined();
    await until(() => graph.events(mailboxB).some((e) => e.location.displayName === 'Regionens hus'), 'the meeting planned meanwhile in Outlook', 60_000);
    await until(async () => (await say(chatB, chair, 'kalender')).includes('Senast synkad'), 'a sync after the fix', 60_000);
    expect(await say(chatA, chair, 'kalender')).not.toContain('godtar inte');
    expect((await readyz()).body.graph).toEqual({ status: 'ok' });
    expect((await readyz()).body.outbox.parked ?? 0).toBe(0);
    expect([toldIn(chatA), toldIn(chatB)]).toEqual([1, 1]);
  });

  it('after a restart during the same refusal, the chairs are not told again', { timeout: 60_000 }, async () => {
    // The secret is replaced in Entra ID and the bot's tokens run out: it asks for a new one and is refused.
    graph.setClientSecret('Zz8Q~yet-another-secret');
    graph.expireTokens();
    // A new refusal after the fix is a new episode: told again, once.
    await until(() => toldIn(chatA) >= 2 && toldIn(chatB) >= 2, 'the chairs to be told of the new refusal');
    await bot.stop();
    await bot.start();
    await until(() => /Graph credentials still refused/.test(bot.output), 'the restarted bot to find the secret refused');
    await until(async () => (await readyz()).body.graph?.status === 'credentials-rejected', '/readyz to show it');
    const probes = (bot.output.match(/Graph credentials still refused/g) ?? []).length;
    await until(() => (bot.output.match(/Graph credentials still refused/g) ?? []).length >= probes + 2, 'two more probes');
    expect([toldIn(chatA), toldIn(chatB)]).toEqual([2, 2]);
    graph.setClientSecret(botSecret);
    await until(async () => (await readyz()).body.graph?.status === 'ok', 'Graph to resume after the restart');
  });
});
