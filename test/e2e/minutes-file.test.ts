// "protokoll" gives the minutes as a file a person can open: through Teams' file consent flow
// (in the person's own chat, started by a button in a group chat), or in local mode as a link
// to the bot's own server.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCard } from '../support/adaptive-cards.js';
import { BotProcess } from '../support/bot-process.js';
import { docxText } from '../support/docx-text.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
const DECISION = 'Rådet godkänner budgeten för 2027.';

const consentIn = (call: ConnectorCall) => (call.body.attachments ?? []).find((a: any) => a.contentType === CONSENT);
const offerIn = (call: ConnectorCall) => walkCard(cardOf(call.body) ?? {}).some((n) => n.verb === 'minutes.sendFile');
const fileInfoIn = (call: ConnectorCall) => (call.body.attachments ?? []).some((a: any) => a.contentType === FILE_INFO);

/** The next message the bot sends to `conversationId` that `matches`: replies may follow the turn's answer, paced by the chat's limits. */
function nextSend(connector: FakeConnector, conversationId: string, matches: (c: ConnectorCall) => boolean = () => true): Promise<ConnectorCall> {
  return connector.waitFor((c) => c.kind === 'send' && c.conversationId === conversationId && matches(c), 10_000);
}

/** Until the bot has sent nothing for a second: what the closing queued has gone out. */
async function quiet(connector: FakeConnector): Promise<void> {
  let seen = -1;
  while (seen !== connector.calls.length) {
    seen = connector.calls.length;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** A council in a group chat whose meeting was held and closed, with one decision. */
async function heldMeeting(client: TeamsClient, connector: FakeConnector, chat: Conversation): Promise<void> {
  await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
  await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  for (const [who, text] of [
    [chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`],
    [chair, 'öppna mötet'],
    [chair, 'nästa'],
    [cecilia, `Beslut: ${DECISION}`],
    [chair, 'avsluta mötet ändå'],
  ] as const) {
    connector.reset();
    expect((await client.say(chat, who, text)).status).toBe(200);
  }
}

describe('the minutes as a Word file through Teams’ file consent flow', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let ceciliaChat: Conversation;

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn]);
    // Local mode, but the files go through Teams as they do with credentials.
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', MINUTES_FILE_LINKS: 'off' } }).start();
    ceciliaChat = await client.installPersonal(cecilia);
    await heldMeeting(client, connector, chat);
    await quiet(connector);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('in the group chat offers a button that sends the consent card to the presser’s own chat; Allow uploads a Word file and shows it', async () => {
    connector.reset();
    await client.say(chat, cecilia, 'protokoll');
    const offer = await nextSend(connector, chat.id);
    // Bots cannot send files in a group chat: no consent card there, a button instead.
    expect(consentIn(offer!)).toBeUndefined();
    expect(cardText(cardOf(offer!.body))).toContain('tryck på knappen så skickar jag den till din egen chatt');
    const button = findAction(cardOf(offer!.body), 'minutes.sendFile');

    connector.reset();
    const pressed = await client.execute(chat, cecilia, button);
    expect(pressed.status).toBe(200);
    expect(cardText(pressed.card)).toContain('Filen väntar i din egen chatt med Rådsassistenten');
    for (const card of [cardOf(offer!.body), pressed.card]) expect(checkCard(card)).toMatchObject({ parseEvents: [], validationEvents: [] });
    expect(connector.sent(chat.id)).toEqual([]);
    const consentCall = await nextSend(connector, ceciliaChat.id, consentIn);
    const consent = consentIn(consentCall);
    expect(consent.name).toMatch(/^\d{4}-\d{2}-\d{2} Vårdvalsråd protokoll utkast\.docx$/);
    expect(consent.content.sizeInBytes).toBeGreaterThan(1000);
    expect(consent.content.description).toContain('Protokollsutkast, Vårdvalsråd');

    connector.reset();
    const accepted = await client.fileConsent(ceciliaChat, cecilia, consentCall, 'accept');
    expect(accepted.status).toBe(200);
    const uploaded = connector.uploadedFile(accepted.uploadInfo!.uploadUrl)!;
    expect(uploaded).toBeDefined();
    expect(uploaded.bytes.subarray(0, 2).toString()).toBe('PK');
    expect(await docxText(uploaded.bytes)).toContain(DECISION);
    expect(uploaded.item.size).toBe(uploaded.bytes.length);
    const shownOnce = await nextSend(connector, ceciliaChat.id, fileInfoIn);
    const range = connector.calls.find((c) => c.path.startsWith('/upload-sessions/'))!.body.contentRange;
    expect(range).toBe(`bytes 0-${uploaded.bytes.length - 1}/${uploaded.bytes.length}`);

    // Teams retries the invoke: the file is not uploaded again and is shown once, with no error.
    expect((await client.post(accepted.activity)).status).toBe(200);
    expect(connector.calls.filter((c) => c.path.startsWith('/upload-sessions/'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.sent(ceciliaChat.id)).toEqual([shownOnce]);

    const shown = shownOnce;
    expect(shown.body.text).toContain('finns nu i din OneDrive');
    expect(shown.body.attachments[0]).toEqual({
      contentType: FILE_INFO,
      contentUrl: accepted.uploadInfo!.contentUrl,
      name: accepted.uploadInfo!.name,
      content: { uniqueId: accepted.uploadInfo!.uniqueId, fileType: 'docx' },
    });
  });

  it('a chair who never opened the app personally is told how to, and nothing else is sent', async () => {
    connector.reset();
    await client.say(chat, chair, 'protokoll');
    const button = findAction(cardOf((await nextSend(connector, chat.id, offerIn)).body), 'minutes.sendFile');
    connector.reset();
    const pressed = await client.execute(chat, chair, button);
    expect(cardText(pressed.card)).toContain('Öppna Rådsassistenten en gång under Appar i Teams');
    expect(connector.calls.filter(consentIn)).toEqual([]);
  });

  it('a member who may not have the minutes gets told so, and nothing is sent to anyone', async () => {
    connector.reset();
    await client.say(chat, cecilia, 'protokoll');
    const button = findAction(cardOf((await nextSend(connector, chat.id, offerIn)).body), 'minutes.sendFile');
    connector.reset();
    const pressed = await client.execute(chat, bjorn, button);
    expect(cardText(pressed.card)).toContain('Det här får bara');
    expect(connector.calls.filter((c) => c.kind === 'createConversation' || consentIn(c))).toEqual([]);
  });

  it('"protokoll" in the person’s own chat sends the consent card there; Decline is answered clearly and uploads nothing', async () => {
    connector.reset();
    await client.say(ceciliaChat, cecilia, 'protokoll');
    const consentCall = await nextSend(connector, ceciliaChat.id, consentIn);
    const uploadsBefore = connector.uploads().length;
    const justering = async () => {
      connector.reset();
      await client.say(chat, cecilia, 'justering');
      // Where the minutes stand: version, state, adjusters (the card after it may follow the turn,
      // and on a busy machine the closing's own follow-up may still be arriving).
      return (await nextSend(connector, chat.id, (c) => typeof c.body.text === 'string' && c.body.text.startsWith('Protokollet från '))).body.text as string;
    };
    const statusBefore = await justering();

    connector.reset();
    const declined = await client.fileConsent(ceciliaChat, cecilia, consentCall, 'decline');
    expect(declined.status).toBe(200);
    expect((await nextSend(connector, ceciliaChat.id)).body.text).toContain('Du tackade nej till filen, så inget laddades upp och inget har ändrats.');
    expect(connector.uploads()).toHaveLength(uploadsBefore);
    expect(connector.sent(ceciliaChat.id).some(fileInfoIn)).toBe(false);
    expect(await justering()).toBe(statusBefore);
  });

  it('an Allow that comes after a restart still uploads the minutes the card was for', async () => {
    connector.reset();
    await client.say(ceciliaChat, cecilia, 'protokoll');
    const consentCall = await nextSend(connector, ceciliaChat.id, consentIn);
    await bot.restart();
    connector.reset();
    const accepted = await client.fileConsent(ceciliaChat, cecilia, consentCall, 'accept');
    expect(accepted.status).toBe(200);
    expect(await docxText(connector.uploadedFile(accepted.uploadInfo!.uploadUrl)!.bytes)).toContain(DECISION);
  });

  it('an invoke Teams would never send (Allow without an upload URL, an unknown context) changes nothing', async () => {
    connector.reset();
    const activity = { ...client.base(ceciliaChat, cecilia), type: 'invoke', name: 'fileConsent/invoke' };
    const noUpload = await client.post({ ...activity, value: { type: 'fileUpload', action: 'accept', context: { kind: 'minutesFile', meetingId: randomUUID() } } });
    expect(noUpload.status).toBe(400);
    const unknown = await client.post({ ...activity, id: randomUUID(), value: { type: 'fileUpload', action: 'accept', context: { kind: 'other' }, uploadInfo: connector.openUploadSession(cecilia.id, 'x.docx') } });
    expect(unknown.status).toBe(400);
    expect(connector.sent(ceciliaChat.id)).toEqual([]);
    expect(connector.uploads().filter((u) => u.bytes > 0 && u.name === 'x.docx')).toEqual([]);
  });

  it('an Allow naming minutes the person may not have uploads nothing', async () => {
    connector.reset();
    await client.say(ceciliaChat, cecilia, 'protokoll');
    const consentCall = await nextSend(connector, ceciliaChat.id, consentIn);
    const bjornChat = await client.installPersonal(bjorn);
    connector.reset();
    const accepted = await client.fileConsent(bjornChat, bjorn, consentCall, 'accept');
    expect(accepted.status).toBe(200);
    expect((await nextSend(connector, bjornChat.id, (c) => typeof c.body.text === 'string')).body.text).toContain('Det här får bara');
    expect(connector.uploadedFile(accepted.uploadInfo!.uploadUrl)).toBeUndefined();
  });
});

describe('the minutes in local mode: where they are, and a link the Playground’s user can open', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  const setClock = (ms: number) => writeFileSync(clockFile, new Date(ms).toISOString());
  let link: string;

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn]);
    setClock(Date.now());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile } }).start();
    await heldMeeting(client, connector, chat);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('answers with the file’s place on disk and a link that serves the Word file', async () => {
    connector.reset();
    await client.say(chat, cecilia, 'protokoll');
    const ready = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body) ?? {}).includes('Word-filen finns på servern'), 15_000);
    const card = cardOf(ready.body);
    expect(cardText(card)).toContain(join(bot.dataDir, 'minutes', 'Vårdvalsråd'));
    const links = walkCard(card).filter((n) => n.type === 'Action.OpenUrl');
    const word = links.find((l) => l.title === 'Öppna DOCX')!;
    expect(word.url).toMatch(new RegExp(`^http://localhost:${bot.port}/files/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    link = word.url;
    const res = await fetch(link.replace('localhost', '127.0.0.1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(await docxText(bytes)).toContain(DECISION);
  });

  it('in the secretary’s own chat, writes the minutes and links them at once', async () => {
    const own = await client.installPersonal(cecilia);
    connector.reset();
    await client.say(own, cecilia, 'protokoll');
    const answer = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === own.id && cardText(cardOf(c.body) ?? {}).includes('Word-filen finns på servern'), 10_000);
    const word = walkCard(cardOf(answer.body)).find((n) => n.type === 'Action.OpenUrl' && n.title === 'Öppna DOCX')!;
    const res = await fetch(word.url.replace('localhost', '127.0.0.1'));
    expect(res.status).toBe(200);
    expect(await docxText(Buffer.from(await res.arrayBuffer()))).toContain(DECISION);
  });

  it('refuses a made-up token, a tampered one, a path, and a signed link that leads out of the minutes folder', async () => {
    const base = `http://127.0.0.1:${bot.port}/files/`;
    const token = link.slice(link.indexOf('/files/') + 7);
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, p: '../council-assistant.sqlite' })).toString('base64url');
    // Even with the bot's own key (read from its data folder), a path out of the minutes folder is refused.
    const key = readFileSync(join(bot.dataDir, 'file-link.key'), 'utf8').trim();
    const signed = (p: string) => {
      const body = Buffer.from(JSON.stringify({ ...claims, p })).toString('base64url');
      return `${body}.${createHmac('sha256', key).update(`minutes-file\u0000${body}`).digest('base64url')}`;
    };
    for (const bad of [
      'abc',
      `${forged}.${signature}`,
      `${payload}.${'A'.repeat(43)}`,
      '..%2F..%2Fcouncil-assistant.sqlite',
      '..%2Fanonymous-vote.key',
      signed('../council-assistant.sqlite'),
      signed('../file-link.key'),
      signed('/etc/passwd'),
    ]) {
      const res = await fetch(base + bad);
      expect(res.status, bad).toBe(404);
      expect(await res.text()).not.toContain('SQLite');
    }
    expect((await fetch(`http://127.0.0.1:${bot.port}/files/../council-assistant.sqlite`)).status).toBe(404);
  });

  it('a link stops working a day after it was made', async () => {
    setClock(Date.now() + 25 * 60 * 60 * 1000);
    // The bot reads the clock file within 50 ms; asked until it has.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await fetch(link.replace('localhost', '127.0.0.1'))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(404);
  });
});
