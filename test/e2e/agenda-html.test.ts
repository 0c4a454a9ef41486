import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type AgendaShape, type ExpectedItem, agendaShapes, loopTable, nestedLists, outlookInvitation, timeAndPresenters, timeColumn, wordTable } from '../support/agenda-html.js';
import { itemTitles, previewItems } from '../support/agenda-card.js';
import { type Conversation, TeamsClient, cardOf, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

/** The confirmation card's rows: number, time, title and the presenters named in its details. */
describe('agendas pasted as Teams sends them, HTML and all', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let meetingId = '';

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    // Large enough for the 5 MB attachment to reach the bot and be answered there.
    bot = await new BotProcess({ env: { MAX_BODY_BYTES: String(8 * 1024 * 1024) } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd vårdcentral', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2027-12-02 13:00-16:00 Regionens hus');
    connector.reset();
    await client.say(chat, chair, 'dagordning');
    meetingId = findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.show').data.meetingId;
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function paste(html: string, options: { mention?: boolean; text?: string } = {}) {
    connector.reset();
    expect((await client.sayHtml(chat, chair, html, options)).status).toBe(200);
    const sent = connector.sent(chat.id);
    return { card: cardOf(sent[0]?.body), text: sent.map((s) => s.body.text ?? cardTexts(cardOf(s.body)).join('\n')).join('\n') };
  }

  async function agendaTitles() {
    return itemTitles((await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card);
  }

  // The command word as chairs type it above a paste: on its own line, in bold, with a colon, with a line break after it.
  const openers = ['<p>dagordning</p>', '<p><strong>Dagordning</strong></p>', '<p>dagordning:</p>', '<p>Dagordning<br></p>', '<p><b>dagordning</b>:&nbsp;</p>', '<div>dagordning</div>'];

  agendaShapes.forEach((shape: AgendaShape, i) => {
    it(`imports ${shape.name} to its exact items`, async () => {
      const { card, text } = await paste(`${openers[i]!}${shape.html}`);
      expect(text).toContain(`Jag förstod ${shape.items.length} punkter`);
      expect(previewItems(card)).toEqual(shape.items);
      const all = cardTexts(card).join('\n');
      for (const note of shape.notes ?? []) expect(all).toContain(note);
      const saved = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), {}, { replyToId: `confirm-${i}` });
      expect(cardTexts(saved.card).join('\n')).toContain(`Dagordningen är importerad: ${shape.items.length} punkter.`);
      expect((await agendaTitles()).slice(1)).toEqual(shape.items.map((item) => item.title));
    });
  });

  it('offers the Outlook invitation’s participants and next meetings beside its agenda, never as items', async () => {
    const { card, text } = await paste(`<p>dagordning</p>${outlookInvitation.html}`);
    expect(previewItems(card)).toEqual(outlookInvitation.items);
    expect(text).toContain('Rådets ledamöter bland deltagarna i inbjudan:\nÅsa Ordförande, Björn Berg');
    expect(walkCard(card).filter((n) => n.type === 'Input.Toggle').map((n) => n.title)).toEqual(['Cecilia Ek, Läkemedelsenheten', 'Planera även de här mötena']);
    expect(text).toContain('torsdag 20 januari 2028, 13.00–16.00');
    expect(text).toContain('fredag 17 mars 2028, 13.00–16.00');
    await client.execute(chat, chair, findAction(card, 'agenda.cancelImport'), {});
  });

  it('reads the paste after an @mention in a channel-style message', async () => {
    const { card } = await paste(`<p>dagordning</p>${nestedLists.html}`, { mention: true });
    expect(previewItems(card)).toEqual(nestedLists.items);
  });

  it('keeps commands typed with formatting working', async () => {
    connector.reset();
    await client.sayHtml(chat, chair, '<p><strong>hjälp</strong></p>');
    expect(JSON.stringify(connector.sent(chat.id)[0]?.body)).toContain('dagordning');
    const linked = await paste('<p><a href="https://example.org/x">dagordning</a><br>13.00 Inledning<br>13.30 <em>Budget</em></p>');
    expect(previewItems(linked.card).map((item) => item.title)).toEqual(['Inledning', 'Budget']);
  });

  it('reads what a script or style holds as nothing, and saves nothing', async () => {
    const before = await agendaTitles();
    // Nothing visible follows the command word: it is the plain "dagordning", which shows the agenda.
    const { card, text } = await paste('<p>dagordning</p><style>p { color: red } 13.00 Stil</style><script>document.write("13.00 Skript")</script>');
    expect(text).not.toMatch(/Stil|Skript/);
    expect(findAction(card, 'agenda.show').data.meetingId).toBe(meetingId);
    const scripted = await paste(`<p>dagordning</p><script>alert(1)</script>${wordTable.html}<style>td{}</style>`);
    expect(previewItems(scripted.card)).toEqual(wordTable.items);
    expect(cardTexts(scripted.card).join('\n')).not.toMatch(/alert|td\{/);
    expect(await agendaTitles()).toEqual(before);
  });

  it('answers 10,000 levels of nested tags in words and reads broken markup as a browser shows it, saving nothing', async () => {
    const before = await agendaTitles();
    const deep = `<p>dagordning</p>${'<div><ul><li>'.repeat(10_000)}13.00 Djupt${'</li></ul></div>'.repeat(10_000)}`;
    const nested = await paste(deep, { text: 'dagordning 13.00 Djupt' });
    expect(nested.text).toContain('Meddelandets formatering är nästlad för djupt för att läsa. Inget sparades.');
    const broken = await paste('<p>dagordning<table><tr><td>1<td>Inledning<tr><td>2<td>Budget &amp c:a 3 << 4</table><p><li><b>3. Övrigt</p></ol></i><div class="x');
    expect(previewItems(broken.card).map((item) => [item.number, item.title])).toEqual([
      ['1', 'Inledning'],
      ['2', 'Budget & c:a 3 << 4'],
      ['3', 'Övrigt'],
    ]);
    expect(await agendaTitles()).toEqual(before);
  });

  it('answers a 5 MB attachment in words, without reading it, and saves nothing', async () => {
    const before = await agendaTitles();
    const row = `<tr><td>1</td><td>${'Ekonomi '.repeat(50)}</td></tr>`;
    const huge = `<table>${row.repeat(Math.ceil((5 * 1024 * 1024) / row.length))}</table>`;
    const { text } = await paste(`<p>dagordning</p>${huge}`, { text: 'dagordning 1 Ekonomi' });
    expect(text).toContain('Meddelandet är för stort för att läsa');
    expect(await agendaTitles()).toEqual(before);
  });

  it('shows the multi-paragraph cells of a pasted table as the items’ notes on the card', async () => {
    const { card } = await paste(`<p>dagordning</p>${timeAndPresenters.html}`);
    const all = cardTexts(card).join('\n');
    expect(all).toContain('Reflektion: underlaget kom sent');
    expect(all).not.toContain('Mötespunkt');
  });
});

describe('an imported agenda whose times do not fit the meeting', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2027-12-02 08:00-11:00 Regionens hus');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function preview(html: string) {
    connector.reset();
    await client.sayHtml(chat, chair, `<p>dagordning</p>${html}`);
    return cardOf(connector.sent(chat.id)[0]?.body);
  }
  const titled = (card: any, title: string) => walkCard(card).find((n) => n.type === 'Action.Execute' && n.title === title);

  it('asks whether to move the meeting to the agenda’s times, and moves it when told to', async () => {
    const card = await preview(timeAndPresenters.html);
    expect(cardTexts(card).join('\n')).toContain('Dagordningens tider (13.00–14.30) stämmer inte med mötets tid (08.00–11.00).');
    expect(walkCard(card).filter((n) => n.type === 'Action.Execute').map((n) => n.title)).toEqual(['Behåll mötets tid', 'Flytta mötet till 13.00–16.00', 'Avbryt']);
    const saved = await client.execute(chat, chair, titled(card, 'Flytta mötet till 13.00–16.00'), {});
    const all = cardTexts(saved.card).join('\n');
    expect(all).toContain('Dagordningen är importerad: 6 punkter.');
    expect(all).toContain('torsdag 2 december 2027, 13.00–16.00');
    expect(all).not.toContain('08.00');
  });

  it('keeps the meeting’s time when told to, and asks nothing of an agenda that fits', async () => {
    const card = await preview(timeColumn.html);
    expect(cardTexts(card).join('\n')).toContain('Dagordningens tider (09.00–11.00) stämmer inte med mötets tid (13.00–16.00).');
    const saved = await client.execute(chat, chair, titled(card, 'Behåll mötets tid'), {});
    expect(cardTexts(saved.card).join('\n')).toContain('torsdag 2 december 2027, 13.00–16.00');
    const fits = await preview(loopTable.html);
    expect(cardTexts(fits).join('\n')).not.toContain('stämmer inte');
    expect(titled(fits, 'Spara dagordningen')).toBeDefined();
  });
});
