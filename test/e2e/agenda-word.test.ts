import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import type { ExpectedItem } from '../support/agenda-html.js';
import { itemTitles, previewItems } from '../support/agenda-card.js';
import { type Conversation, TeamsClient, cardOf, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';
import { encryptedWord, lyingWordBomb, wordAgenda, wordAgendaItems, wordAgendaItemsEarlier, wordBomb } from '../support/word-agenda.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const FILE_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** The confirmation card's rows: number, time, title and the presenters named in its details. */
describe('a Word agenda sent to the bot', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let personal: Conversation;
  let meetingId = '';

  beforeAll(async () => {
    graph = await startFakeGraph();
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess({ env: { ...graph.botEnv() } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2027-12-02 13:00-16:00 Regionens hus');
    connector.reset();
    await client.say(chat, chair, 'dagordning');
    meetingId = findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.show').data.meetingId;
    personal = await client.installPersonal(chair);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  async function agendaTitles() {
    return itemTitles((await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card);
  }

  /** The chair attaches a file in the 1:1 chat, as Teams sends it; returns what the bot answered there. */
  async function attach(content: Buffer | null, options: { name?: string; fileType?: string; text?: string; status?: number } = {}) {
    connector.reset();
    const name = options.name ?? 'Dagordning 2 december.docx';
    const downloadUrl = connector.attachFile(content ?? Buffer.alloc(0), options.status ?? 200);
    const attachment = {
      contentType: FILE_INFO,
      contentUrl: `https://region-my.sharepoint.com/personal/asa_region_se/Documents/Microsoft Teams Chat Files/${encodeURIComponent(name)}`,
      name,
      content: { downloadUrl, uniqueId: randomUUID().toUpperCase(), fileType: options.fileType ?? 'docx' },
    };
    expect((await client.sendFiles(personal, chair, options.text ?? '', [attachment])).status).toBe(200);
    const sent = connector.sent(personal.id);
    return { card: cardOf(sent[0]?.body), text: sent.map((s) => s.body.text ?? cardTexts(cardOf(s.body)).join('\n')).join('\n') };
  }

  it('imports a .docx sent in the personal chat to its exact items, for the chair’s next meeting', async () => {
    const { card, text } = await attach(await wordAgenda());
    expect(text).toContain(`Jag förstod ${wordAgendaItems.length} punkter`);
    expect(previewItems(card)).toEqual(wordAgendaItems);
    expect(cardTexts(card).join('\n')).toContain('Prognos efter oktober');
    // Teams' download URL is pre-authorised: no token of the bot's goes to it.
    expect(connector.fileDownloads.at(-1)?.authorization).toBeUndefined();
    const saved = await client.execute(personal, chair, findAction(card, 'agenda.confirmImport'), {}, { replyToId: 'confirm-personal' });
    expect(cardTexts(saved.card).join('\n')).toContain(`Dagordningen är importerad: ${wordAgendaItems.length} punkter.`);
    // No agenda buttons in the personal chat, where they could not act: the answer points to the council's chat.
    expect(cardTexts(saved.card).join('\n')).toContain('Skriv "dagordning" i rådets chatt');
    expect(JSON.stringify(saved.card)).not.toContain('"verb"');
    expect((await agendaTitles()).slice(1)).toEqual(wordAgendaItems.map((item) => item.title));
  });

  it('reads the file sent with "dagordning", the word the personal chat’s command menu inserts', async () => {
    const { card, text } = await attach(await wordAgenda(), { text: 'dagordning' });
    expect(text).toContain(`Jag förstod ${wordAgendaItems.length} punkter`);
    expect(previewItems(card)).toEqual(wordAgendaItems);
  });

  it('takes a Word invitation’s guest and next meeting when the chair ticks them in the personal chat', async () => {
    const { card, text } = await attach(await wordAgenda({ invitation: true }));
    expect(previewItems(card)).toEqual(wordAgendaItems);
    expect(text).toContain('Karin Gäst, Region Halland');
    const saved = await client.execute(personal, chair, findAction(card, 'agenda.confirmImport'), { guest0: 'true', planMeetings: 'true' }, { replyToId: 'confirm-invitation' });
    const answer = cardTexts(saved.card).join('\n');
    expect(answer).toContain('1 adjungerad är tillagd på mötet.');
    expect(answer).toContain('1 möte är planerat.');
    connector.reset();
    await client.say(chat, chair, 'möten');
    expect(connector.sent(chat.id).map((c) => cardTexts(cardOf(c.body)).join('\n')).join('\n')).toContain('20 januari 2028');
  });

  it('imports a .docx shared in the council’s chat through Graph', async () => {
    const url = 'https://region.sharepoint.com/sites/Vardvalsrad/Delade%20dokument/General/Dagordning%20december.docx';
    graph.shareFile(url, await wordAgenda());
    connector.reset();
    const reference = { contentType: 'reference', contentUrl: url, name: 'Dagordning december.docx' };
    expect((await client.sendFiles(chat, chair, 'dagordning', [reference], { mention: true })).status).toBe(200);
    const card = cardOf(connector.sent(chat.id)[0]?.body);
    expect(previewItems(card)).toEqual(wordAgendaItems);
    const shareId = `u!${Buffer.from(url).toString('base64url')}`;
    expect(graph.requests.some((r) => r.path === `/v1.0/shares/${shareId}/driveItem/content`)).toBe(true);
  });

  it('imports a .docx whose SharePoint link is sent after the command word', async () => {
    const link = 'https://region.sharepoint.com/:w:/s/Vardvalsrad/EYk3pPq1x2BJm0f9d8Q?e=Xy12Ab';
    graph.shareFile(link, await wordAgenda());
    connector.reset();
    await client.sayHtml(chat, chair, `<p>dagordning: <a href="${link}" title="${link}">${link}</a></p>`, { mention: true });
    expect(previewItems(cardOf(connector.sent(chat.id)[0]?.body))).toEqual(wordAgendaItems);
  });

  it('answers each bad file in words and saves nothing', async () => {
    const before = await agendaTitles();
    const cases: [Buffer | null, Parameters<typeof attach>[1], string][] = [
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n'), {}, 'är inget Word-dokument (.docx) som jag kan läsa'],
      [Buffer.from('%PDF-1.7\n'), { name: 'Dagordning.pdf', fileType: 'pdf' }, 'Dagordning.pdf är inget Word-dokument'],
      [encryptedWord(), {}, 'är lösenordsskyddad'],
      [await wordBomb(64), {}, 'packas upp till mycket mer än en dagordning'],
      [await lyingWordBomb(64), {}, 'packas upp till mycket mer än en dagordning'],
      [Buffer.alloc(5 * 1024 * 1024 + 1, 0x50), {}, 'är större än 5 MB'],
      [null, { status: 404 }, 'Jag kunde inte hämta Dagordning 2 december.docx'],
    ];
    for (const [content, options, expected] of cases) {
      const { card, text } = await attach(content, options);
      expect(text).toContain(expected);
      expect(text).toContain('Inget sparades');
      expect(JSON.stringify(card ?? {})).not.toContain('agenda.confirmImport');
    }
    expect(await agendaTitles()).toEqual(before);
  });

  it('asks which council when the chair runs several, and takes the one named with the file', async () => {
    const other: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
    connector.setRoster(other.id, [chair]);
    await client.execute(other, chair, { verb: 'council.setup' }, { name: 'Läkemedelsrådet', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const asked = await attach(await wordAgenda());
    expect(asked.text).toContain('Du är ordförande eller sekreterare i flera råd: ');
    expect(asked.text).toMatch(/Vårdvalsråd/);
    const named = await attach(await wordAgenda(), { text: 'dagordning: vårdvalsråd' });
    expect(previewItems(named.card)).toEqual(wordAgendaItems);
    const unknown = await attach(await wordAgenda(), { text: 'dagordning: Byggnadsnämnden' });
    expect(unknown.text).toContain('Du är inte ordförande eller sekreterare i något råd som heter "Byggnadsnämnden"');
  });

  it('moves the meeting to a Word agenda’s own times when the chair says so in the personal chat', async () => {
    const { card, text } = await attach(await wordAgenda({ hoursEarlier: 5 }), { text: 'dagordning: Vårdvalsråd' });
    expect(previewItems(card)).toEqual(wordAgendaItemsEarlier(5));
    expect(text).toContain('Dagordningens tider (08.00–09.30) stämmer inte med mötets tid (13.00–16.00).');
    const move = walkCard(card).find((n) => n.type === 'Action.Execute' && /^Flytta mötet till/.test(n.title));
    const saved = await client.execute(personal, chair, move, {}, { replyToId: 'confirm-move' });
    const all = cardTexts(saved.card).join('\n');
    expect(all).toContain(`Dagordningen är importerad: ${wordAgendaItems.length} punkter.`);
    expect(all).toContain(`torsdag 2 december 2027, ${move.title.replace('Flytta mötet till ', '')}`);
    expect((await agendaTitles()).slice(1)).toEqual(wordAgendaItems.map((item) => item.title));
  });

  it('tells a member who edits no agenda that the file has nowhere to go', async () => {
    const own = await client.installPersonal(bjorn);
    connector.reset();
    const downloadUrl = connector.attachFile(await wordAgenda());
    const attachment = { contentType: FILE_INFO, contentUrl: 'https://region-my.sharepoint.com/x.docx', name: 'x.docx', content: { downloadUrl, uniqueId: 'X', fileType: 'docx' } };
    await client.sendFiles(own, bjorn, '', [attachment]);
    expect(connector.sent(own.id).map((s) => s.body.text ?? cardTexts(cardOf(s.body)).join('\n')).join('\n')).toContain('Du är inte ordförande eller sekreterare i något råd');
  });
});

describe('a Word agenda shared in a chat without Graph', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2027-12-02 13:00-16:00 Regionens hus');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('says to send it in the personal chat', async () => {
    connector.reset();
    const reference = { contentType: 'reference', contentUrl: 'https://region.sharepoint.com/sites/x/Delade%20dokument/Dagordning.docx', name: 'Dagordning.docx' };
    await client.sendFiles(chat, chair, 'dagordning', [reference], { mention: true });
    const text = connector.sent(chat.id).map((s) => s.body.text ?? cardTexts(cardOf(s.body)).join('\n')).join('\n');
    expect(text).toContain('Skicka Word-filen till mig i en personlig chatt');
  });
});
