import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess, projectRoot } from '../support/bot-process.js';
import { sentSaying } from '../support/delivered.js';
import { docxText } from '../support/docx-text.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, walkCard, sentText } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const david = user(4, 'David Dahl');
const eva = user(5, 'Eva Ek');
const text = cardText;

function inDays(days: number): string {
  return utcToZoned(new Date(Date.now() + days * 86_400_000).toISOString(), 'Europe/Stockholm').date;
}

describe('justering: the adjusters approve the minutes in Teams', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const minutesDir = () => join(bot.dataDir, 'minutes', 'Vårdvalsråd', String(new Date().getFullYear()));

  async function say(who: User, message: string): Promise<string> {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return sentText(connector, chat.id);
  }
  /** The personal card sent to a person, by the conversation created for them. */
  function personalCards(who: User): ConnectorCall[] {
    const mine = new Set(connector.calls.filter((c) => c.kind === 'createConversation' && c.body.members[0].id === who.id).map((c) => c.conversationId));
    return connector.calls.filter((c) => c.kind === 'send' && mine.has(c.conversationId));
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david, eva]);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(chair, cecilia, bjorn, david, eva);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('has nothing to approve before a meeting is held', async () => {
    expect(await say(cecilia, 'justerare: Björn Berg')).toContain('Det finns inget hållet möte att skriva protokoll för ännu.');
  });

  it('takes adjusters from the council only, and sends the minutes to them with a deadline', async () => {
    await say(chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`);
    await say(chair, 'dagordning:\n- Förfrågningsunderlag 2027\n- Budget');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
    await say(chair, 'öppna mötet');
    await say(chair, 'nästa');
    await say(cecilia, 'Beslut: Rådet godkänner förfrågningsunderlaget för 2027.');
    await sentSaying(connector, chat.id, 'Beslut registrerat på punkt 1 – Förfrågningsunderlag 2027');
    expect(await say(cecilia, 'skicka för justering senast ' + inDays(7))).toContain('Mötet pågår');
    await say(chair, 'avsluta mötet ändå');

    expect(await say(cecilia, 'justerare: Okänd Person')).toContain('Okänd Person är inte ledamot i rådet');
    expect(await say(bjorn, 'justerare: Björn Berg')).toContain('Det här får bara');
    expect(await say(cecilia, 'skicka för justering senast ' + inDays(7))).toContain('Ange justerare först');
    expect(await say(cecilia, 'justerare: Björn Berg, David')).toContain('Justerare för protokollet: Björn Berg och David Dahl.');
    expect(await say(cecilia, 'skicka för justering senast ' + inDays(90))).toContain('högst 60 dagar');
    expect(await say(cecilia, 'skicka för justering')).toContain('Ange ett datum');
    const sent = await say(cecilia, `skicka för justering senast ${inDays(7)}`);
    expect(sent).toContain('Protokollet (version 1) är skickat för justering till Björn Berg och David Dahl');

    const bjornsCard = await connector.waitFor((c) => c.kind === 'send' && personalCards(bjorn).includes(c), 10_000);
    const card = cardOf(bjornsCard.body);
    // Kept for a look at the card as an adjuster sees it (test-results/ is not committed).
    mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
    writeFileSync(join(projectRoot, 'test-results', 'justering-card.json'), JSON.stringify(card, null, 2));
    expect(text(card)).toContain('Du är justerare.');
    expect(text(card)).toContain('Rådet godkänner förfrågningsunderlaget för 2027.');
    expect(text(card)).toContain('Väntar på justering: 0 av 2 har godkänt.');
    expect(findAction(card, 'minutes.approve').data).toMatchObject({ version: 1 });
    await connector.waitFor((c) => c.kind === 'send' && personalCards(david).includes(c), 10_000);
  });

  it('takes a comment from an adjuster to the secretary, and refuses one from anybody else', async () => {
    const card = cardOf(personalCards(bjorn).at(-1)!.body);
    const dm: Conversation = { id: personalCards(bjorn).at(-1)!.conversationId!, type: 'personal' };
    const comment = findAction(card, 'minutes.comment');
    const answered = await client.execute(dm, bjorn, comment, { mcText: 'Punkt 2: skriv ut att budgeten gäller 2027.' });
    expect(text(answered.card)).toContain('Kommentaren är skickad till sekreteraren.');
    const toSecretary = await connector.waitFor((c) => c.kind === 'send' && personalCards(cecilia).includes(c), 10_000);
    expect(text(cardOf(toSecretary.body))).toContain('Björn Berg kommenterar protokollet');
    expect(text(cardOf(toSecretary.body))).toContain('skriv ut att budgeten gäller 2027');
    // The secretary reads it, once; a council with a secretary does not send it to the chair as well.
    await new Promise((r) => setTimeout(r, 300));
    expect(personalCards(cecilia).filter((c) => text(cardOf(c.body)).includes('kommenterar protokollet'))).toHaveLength(1);
    expect(personalCards(chair)).toEqual([]);
    const empty = await client.execute(dm, bjorn, comment, { mcText: '   ' });
    expect(text(empty.card)).toContain('Skriv en kommentar.');
    const stranger = await client.execute(chat, eva, comment, { mcText: 'Jag vill också' });
    expect(text(stranger.card)).toContain('Du är inte justerare för det här protokollet.');
  });

  it('locks the minutes when the last adjuster approves, across a restart, and saves the approved files', async () => {
    const bjornDm: Conversation = { id: personalCards(bjorn).at(-1)!.conversationId!, type: 'personal' };
    const first = await client.execute(bjornDm, bjorn, findAction(cardOf(personalCards(bjorn).at(-1)!.body), 'minutes.approve'));
    expect(text(first.card)).toContain('Tack, ditt godkännande är registrerat.');
    expect(text(first.card)).toContain('1 av 2 justerare har godkänt');
    // The same click again (Teams retries) records nothing twice.
    const again = await client.execute(bjornDm, bjorn, findAction(cardOf(personalCards(bjorn).at(-1)!.body), 'minutes.approve'));
    expect(text(again.card)).toContain('1 av 2');
    // Somebody who is not an adjuster cannot approve, even with the card's data.
    const forged = await client.execute(chat, chair, findAction(cardOf(personalCards(bjorn).at(-1)!.body), 'minutes.approve'));
    expect(text(forged.card)).toContain('Du är inte justerare');

    const davidsCard = cardOf(personalCards(david).at(-1)!.body);
    const davidDm: Conversation = { id: personalCards(david).at(-1)!.conversationId!, type: 'personal' };
    await bot.stop();
    await bot.start();
    connector.reset();
    const last = await client.execute(davidDm, david, findAction(davidsCard, 'minutes.approve'));
    expect(text(last.card)).toContain('Alla justerare har godkänt – protokollet är justerat.');
    expect(walkCard(last.card).some((n) => n.verb === 'minutes.approve')).toBe(false);
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && (c.body.text ?? '').includes('är justerat av Björn Berg och David Dahl'), 10_000);
    const files = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body)).includes('Det justerade protokollet från'), 10_000);
    expect(cardText(cardOf(files.body))).toContain('Vårdvalsråd protokoll.docx');

    const word = readdirSync(minutesDir()).find((f) => / Vårdvalsråd protokoll\.docx$/.test(f))!;
    const approved = await docxText(readFileSync(join(minutesDir(), word)));
    expect(approved).not.toContain('Utkast');
    expect(approved).toMatch(/Björn Berg, justerare\nJusterat \d+ \w+ \d{4} \d{2}\.\d{2}/);
    expect(approved).toMatch(/David Dahl, justerare\nJusterat/);
    expect(await say(cecilia, 'justering')).toContain('version 1, justerat');
    // Approved minutes are locked: other adjusters or a new comment are refused.
    expect(await say(cecilia, 'justerare: Eva Ek')).toContain('Protokollet är redan justerat');
    const late = await client.execute(davidDm, david, findAction(davidsCard, 'minutes.comment'), { mcText: 'En sak till' });
    expect(text(late.card)).toContain('redan justerat');
  });

  it('makes a change after approval a new version that both adjusters must approve again', async () => {
    expect(await say(bjorn, 'ändra protokollet')).toContain('Det här får bara');
    expect(await say(cecilia, 'ändra protokollet')).toContain('version 2');
    expect(await say(cecilia, 'ändra protokollet')).toContain('inte justerat ännu');
    expect(await say(cecilia, `skicka för justering senast ${inDays(5)}`)).toContain('Protokollet (version 2) är skickat');
    const bjornsV2 = await connector.waitFor((c) => c.kind === 'send' && personalCards(bjorn).includes(c), 10_000);
    const davidsV2 = await connector.waitFor((c) => c.kind === 'send' && personalCards(david).includes(c), 10_000);
    const approveV2 = findAction(cardOf(bjornsV2.body), 'minutes.approve');
    expect(approveV2.data).toMatchObject({ version: 2 });
    expect(await say(cecilia, 'justering')).toContain('version 2, skickat för justering');

    // A click on a version 1 card is answered with the current card and counts for nothing.
    const bjornDm: Conversation = { id: bjornsV2.conversationId!, type: 'personal' };
    const stale = await client.execute(bjornDm, bjorn, { verb: 'minutes.approve', data: { ...approveV2.data, version: 1 } });
    expect(text(stale.card)).toContain('Väntar på justering: 0 av 2 har godkänt.');

    await client.execute(bjornDm, bjorn, approveV2);
    const davidDm: Conversation = { id: davidsV2.conversationId!, type: 'personal' };
    const done = await client.execute(davidDm, david, findAction(cardOf(davidsV2.body), 'minutes.approve'));
    expect(text(done.card)).toContain('protokollet är justerat');
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body)).includes('Det justerade protokollet från'), 10_000);
    const files = readdirSync(minutesDir());
    // Version 1 of the approved minutes is kept beside version 2, never overwritten.
    expect(files.filter((f) => / Vårdvalsråd protokoll( \(version 1\))?\.docx$/.test(f))).toHaveLength(2);
    const current = await docxText(readFileSync(join(minutesDir(), files.find((f) => / Vårdvalsråd protokoll\.docx$/.test(f))!)));
    expect(current).toContain('Version 2');
  });

  it('gives the admin all of the council’s data as JSON, from the same settings the bot runs with', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolveRun) => {
        execFile(process.execPath, [join(projectRoot, 'dist', 'src', 'export-council.js'), ...args], { env: { PATH: process.env.PATH, DATA_DIR: bot.dataDir } }, (error, stdout, stderr) =>
          resolveRun({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const exported = await run([chat.id]);
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.stdout);
    expect(data.council.name).toBe('Vårdvalsråd');
    expect(data.tables.decisions.map((d: { text: string }) => d.text)).toContain('Rådet godkänner förfrågningsunderlaget för 2027.');
    expect(data.tables.minutes[0]).toMatchObject({ version: 2, status: 'approved' });
    expect(data.tables.minutes_adjusters).toHaveLength(2);
    expect(data.tables.minutes_comments[0].text).toContain('skriv ut att budgeten gäller 2027');
    const missing = await run(['19:nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no council');
    expect((await run([])).code).toBe(2);
  });
});
