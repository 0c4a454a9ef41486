import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { docxText } from '../support/docx-text.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, walkCard, sentText } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const site = 'https://region.sharepoint.com/sites/Vardvalsrad';
const library = `${site}/Delade dokument/Forms/AllItems.aspx`;

describe('minutes exported to the council’s SharePoint library', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  async function say(who: User, message: string): Promise<string> {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return sentText(connector, chat.id);
  }
  const exported = () =>
    connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && /Protokollsutkastet från|kunde inte sparas/.test(c.body.text ?? cardText(cardOf(c.body))), 30_000);
  const files = () => graph.files(site).filter((f) => f.path.startsWith('Vårdvalsråd/'));

  beforeAll(async () => {
    graph = await startFakeGraph();
    graph.addSite(site);
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn]);
    bot = await new BotProcess({
      env: {
        OUTBOX_POLL_MS: '100',
        ...graph.botEnv(),
      },
    }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('refuses exporting before a meeting is held, and a library address that is not SharePoint', async () => {
    expect(await say(cecilia, 'exportera protokollet')).toContain('Det finns inget hållet möte');
    expect(await say(bjorn, `protokollbibliotek: ${library}`)).toContain('Det här får bara');
    expect(await say(chair, 'protokollbibliotek: http://example.com/dokument')).toContain('Ange adressen till ett SharePoint-bibliotek');
    expect(await say(chair, `protokollbibliotek: ${library}`)).toContain('Justerade protokoll sparas i SharePoint-biblioteket');
  });

  it('saves Word, Markdown and PDF in a folder per council and year, through throttling, and links them in the chat', async () => {
    await say(chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`);
    await say(chair, 'öppna mötet');
    await say(chair, 'nästa');
    await say(cecilia, 'Beslut: Rådet godkänner budgeten för 2027.');
    await say(chair, 'avsluta mötet ändå');
    expect(await say(cecilia, 'diarienummer: RS 2026-00123')).toContain('Diarienummer RS 2026-00123 står i protokollet.');

    graph.throttle(3, 1, '/content');
    expect(await say(cecilia, 'protokoll')).toContain('sparas i rådets SharePoint-bibliotek');
    const card = cardOf((await exported()).body);
    expect(cardText(card)).toContain('Protokollsutkastet från');
    const links = walkCard(card).filter((n) => n.type === 'Action.OpenUrl');
    expect(links.map((l) => l.title)).toEqual(['Öppna DOCX', 'Öppna MD', 'Öppna PDF']);
    expect(links.every((l) => l.url.startsWith('https://region.sharepoint.com/sites/Vardvalsrad/'))).toBe(true);
    expect(graph.requests.some((r) => r.status === 429)).toBe(true);

    const year = new Date().getFullYear();
    expect(files().map((f) => f.path.replace(/\d{4}-\d{2}-\d{2}/, 'DATE')).sort()).toEqual(
      ['docx', 'md', 'pdf'].map((ext) => `Vårdvalsråd/${year}/DATE Vårdvalsråd protokoll utkast.${ext}`),
    );
    const word = files().find((f) => f.name.endsWith('protokoll utkast.docx'))!;
    expect(word).toBeDefined();
    expect(await docxText(word.content)).toContain('RS 2026-00123');
    expect(files().find((f) => f.name.endsWith('.pdf'))!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // The secretary's status card links the Word file for reading.
    const status = await say(cecilia, 'justering');
    expect(status).toContain('Läs protokollet');
    expect(status).toContain('Sparat');
  });

  it('tells the council when SharePoint refuses (403, 507, 404), and a new export after the admin’s fix completes', async () => {
    graph.denySite(site, 403);
    await say(cecilia, 'exportera protokollet');
    const refused = await exported();
    expect(refused.body.text).toContain('appen får inte skriva i rådets SharePoint-bibliotek');
    expect(refused.body.text).toContain('Skriv "exportera protokollet" för att försöka igen.');
    expect(await say(cecilia, 'justering')).toContain('Kunde inte sparas: denied');

    graph.allowSite(site);
    graph.libraryFull(site);
    await say(cecilia, 'exportera protokollet');
    expect((await exported()).body.text).toContain('SharePoint-biblioteket är fullt');
    graph.libraryFull(site, false);

    await say(chair, 'protokollbibliotek: https://region.sharepoint.com/sites/Finnsinte/Delade dokument');
    await say(cecilia, 'exportera protokollet');
    expect((await exported()).body.text).toContain('SharePoint-biblioteket finns inte');
    await say(chair, `protokollbibliotek: ${library}`);
    await say(cecilia, 'exportera protokollet');
    expect(cardText(cardOf((await exported()).body))).toContain('Protokollsutkastet från');
    // Saved again, the earlier file became an earlier version, not a second file.
    const word = files().filter((f) => f.name.endsWith('protokoll utkast.docx'));
    expect(word).toHaveLength(1);
    expect(word[0]!.versions).toBe(2);
  });

  it('completes an export that kept failing once the bot is back after a restart', async () => {
    graph.fail(1_000, 503, undefined, '/content');
    await say(cecilia, 'exportera protokollet');
    const started = Date.now();
    while (!(await say(cecilia, 'justering')).includes('Sparandet misslyckades')) {
      // An attempt waits out Graph's retries of each upload (and the check-out around it) before it fails: about 20 s.
      if (Date.now() - started > 50_000) throw new Error('the failing export was never recorded');
      // Asked once a second: more would go past the chat's limit of 60 messages in 30 seconds.
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await bot.stop();
    graph.clearFaults();
    connector.reset();
    await bot.start();
    expect(cardText(cardOf((await exported()).body))).toContain('Protokollsutkastet från');
    expect(files().filter((f) => f.name.endsWith('protokoll utkast.docx'))[0]!.versions).toBe(3);
  }, 90_000);

  it('checks the minutes in where the library requires check-out, so the council sees them, and a new export is a new version', async () => {
    const strict = 'https://region.sharepoint.com/sites/Samordning';
    graph.addSite(strict, [{ name: 'Protokoll', requireCheckout: true }]);
    await say(chair, `protokollbibliotek: ${strict}/Protokoll`);
    const word = () => graph.files(strict).filter((f) => f.name.endsWith('protokoll utkast.docx'));
    for (const version of [1, 2]) {
      await say(cecilia, 'exportera protokollet');
      expect(cardText(cardOf((await exported()).body))).toContain('Protokollsutkastet från');
      expect(word()).toHaveLength(1);
      expect(word()[0]).toMatchObject({ checkedOut: false, visibleToOthers: true, versions: version });
      expect(graph.files(strict).filter((f) => f.checkedOut || !f.visibleToOthers)).toEqual([]);
    }
  });
  it('"protokoll" links approved minutes already saved at once, and saves nothing again', async () => {
    const bjornChat = await client.installPersonal(bjorn);
    await say(cecilia, 'justerare: Björn Berg');
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(await say(cecilia, `skicka för justering senast ${deadline}`)).toContain('skickat för justering');
    const ask = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === bjornChat.id && cardOf(c.body) !== undefined, 10_000);
    connector.reset();
    await client.execute(bjornChat, bjorn, findAction(cardOf(ask.body), 'minutes.approve'));
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body) ?? {}).includes('Det justerade protokollet från'), 30_000);
    const uploads = () => graph.requests.filter((r) => r.method === 'PUT').length;
    const before = uploads();

    const answer = await say(cecilia, 'protokoll');
    expect(answer).toContain('Det justerade protokollet från');
    const card = cardOf(connector.sent(chat.id)[0]!.body);
    const links = walkCard(card).filter((n) => n.type === 'Action.OpenUrl');
    expect(links.map((l) => l.title)).toContain('Öppna DOCX');
    expect(links.every((l) => l.url.startsWith('https://region.sharepoint.com/sites/Samordning/'))).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(uploads()).toBe(before);
  });
});
