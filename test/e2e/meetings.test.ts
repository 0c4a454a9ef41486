import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { updateOf } from '../support/delivered.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');

describe('scheduling meetings over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Samordningsråd primärvård' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd primärvård', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const card = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(card, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  /** Sends a message and returns the text of everything the bot answered. */
  async function say(who: typeof chair, text: string): Promise<string> {
    connector.reset();
    const res = await client.say(chat, who, text);
    expect(res.status).toBe(200);
    return connector
      .sent(chat.id)
      .map((c) => c.body.text ?? cardText(cardOf(c.body)))
      .join('\n---\n');
  }

  async function meetingCount(): Promise<number> {
    connector.reset();
    await client.say(chat, bjorn, 'möten');
    const card = cardOf(connector.sent(chat.id)[0]!.body);
    return walkCard(card).filter((n) => n.type === 'TextBlock' && /\d{4}, \d{2}\.\d{2}–/.test(n.text)).length;
  }

  it('lists no meetings at first, and tells the chair how to plan one', async () => {
    const text = await say(chair, 'möten');
    expect(text).toContain('Kommande möten');
    expect(text).toContain('Inga möten är planerade ännu');
    // The example date lies ahead, whenever the test runs.
    const example = /nytt möte (\d{4}-\d{2}-\d{2}) 13:00-16:00/.exec(text)?.[1];
    expect(example! > utcToZoned(new Date().toISOString(), 'Europe/Stockholm').date).toBe(true);
    expect(await say(bjorn, 'möten')).not.toContain('nytt möte');
  });

  it('schedules a meeting by command, in the council’s time and language', async () => {
    const text = await say(chair, 'nytt möte 2027-12-02 13:00-16:00 Regionens hus');
    expect(text).toContain('Mötet är planerat.');
    expect(text).toContain('Samordningsråd primärvård');
    expect(text).toContain('torsdag 2 december 2027, 13.00–16.00');
    expect(text).toContain('Regionens hus');
  });

  it('refuses a member who tries to schedule, and saves nothing', async () => {
    expect(await say(bjorn, 'nytt möte 2027-12-09 13:00-16:00 Regionens hus')).toContain('Det här får bara rådets ordförande');
    const forged = await client.execute(chat, bjorn, { verb: 'meeting.create' }, { date: '2027-12-09', start: '13:00', end: '16:00' });
    expect(cardText(forged.card)).toContain('Det här får bara rådets ordförande');
    expect(await meetingCount()).toBe(1);
  });

  it('schedules by card, once even when Teams retries the invoke', async () => {
    const form = await say(cecilia, 'nytt möte');
    expect(form).toContain('Planera ett möte');
    const formCard = cardOf(connector.sent(chat.id)[0]!.body);
    const formId = connector.sent(chat.id)[0]!.activityId;
    const inputs = { date: '2028-01-13', start: '09:00', end: '12:00', place: '', online: 'true', title: 'Extra möte' };
    const first = await client.execute(chat, cecilia, findAction(formCard, 'meeting.create'), inputs, { replyToId: formId });
    expect(cardText(first.card)).toContain('Mötet är planerat.');
    expect(cardText(first.card)).toContain('Extra möte');
    expect(cardText(first.card)).toContain('torsdag 13 januari 2028, 09.00–12.00');
    expect(cardText(first.card)).toContain('Digitalt (Teams)');
    await client.execute(chat, cecilia, findAction(formCard, 'meeting.create'), inputs, { replyToId: formId });
    expect(await meetingCount()).toBe(2);
  });

  it('answers impossible or unclear input clearly and saves nothing', async () => {
    expect(await say(chair, 'nytt möte 2027-12-09 16:00-13:00 Regionens hus')).toContain('Mötet måste sluta efter att det börjar.');
    expect(await say(chair, 'nytt möte 2020-01-09 13:00-16:00')).toContain('bakåt i tiden');
    expect(await say(chair, 'nytt möte 2027-12-09 Regionens hus')).toContain('Ange både start- och sluttid');
    expect(await say(chair, 'nytt möte snart i salen')).toContain('Jag förstod inte datum och tid');
    expect(await say(chair, 'nytt möte 31 februari 2028 13-16')).toContain('Datumet 31 februari 2028 finns inte.');
    const badDate = await client.execute(chat, chair, { verb: 'meeting.create' }, { date: '2027-02-30', start: '13:00', end: '16:00' });
    expect(cardText(badDate.card)).toContain('Datumet 2027-02-30 finns inte.');
    const forged = await client.execute(chat, chair, { verb: 'meeting.create' }, { date: 'tomorrow', start: '25:99', end: '' });
    expect(cardText(forged.card)).toContain('kunde inte användas');
    expect(await meetingCount()).toBe(2);
  });

  it('turns a pasted schedule into meetings after confirmation, once', async () => {
    const paste = ['mötesplan:', '2028-03-16 13:00-16:00, digitalt, Teams', '2028-06-08 13:00-16:00 Regionens hus', 'fika någon gång'].join('\n');
    const text = await say(chair, paste);
    expect(text).toContain('Stämmer det här?');
    expect(text).toContain('torsdag 16 mars 2028, 13.00–16.00');
    expect(text).toContain('torsdag 8 juni 2028, 13.00–16.00');
    expect(text).toContain('fika någon gång');
    const confirm = cardOf(connector.sent(chat.id)[0]!.body);
    const confirmId = connector.sent(chat.id)[0]!.activityId;
    expect(await meetingCount()).toBe(2);

    const refused = await client.execute(chat, bjorn, findAction(confirm, 'meeting.confirmSchedule'), {}, { replyToId: confirmId });
    expect(cardText(refused.card)).toContain('Det här får bara rådets ordförande');
    const saved = await client.execute(chat, chair, findAction(confirm, 'meeting.confirmSchedule'), {}, { replyToId: confirmId });
    expect(cardText(saved.card)).toContain('2 möten är planerade.');
    // The confirmation card itself became the list for everybody.
    await updateOf(connector, confirmId!);
    await client.execute(chat, chair, findAction(confirm, 'meeting.confirmSchedule'), {}, { replyToId: confirmId });
    expect(await meetingCount()).toBe(4);
  });

  it('keeps the meetings across a restart', async () => {
    await bot.restart();
    expect(await meetingCount()).toBe(4);
  });
});
