import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

/**
 * The two nights a year the Stockholm clock is not one-to-one: 28 March 2027 skips 02:00–02:59,
 * 31 October 2027 shows 02:00–02:59 twice.
 */
describe('meetings on the nights the clocks change', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Nattrådet' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Nattrådet', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function say(text: string): Promise<{ text: string; cards: any[]; ids: Array<string | undefined> }> {
    connector.reset();
    expect((await client.say(chat, chair, text)).status).toBe(200);
    const sent = connector.sent(chat.id);
    return {
      text: sent.map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n---\n'),
      cards: sent.filter((c) => !c.body.text).map((c) => cardOf(c.body)),
      ids: sent.map((c) => c.activityId),
    };
  }

  function saved(): Array<{ starts_at: string; ends_at: string }> {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    try {
      return db.prepare('select starts_at, ends_at from meetings order by starts_at').all() as never;
    } finally {
      db.close();
    }
  }

  it('refuses a meeting starting in the hour that does not exist, naming it and suggesting 03.00', async () => {
    const answer = await say('nytt möte 2027-03-28 02:00-03:00 Regionens hus');
    expect(answer.text).toContain('Klockan 02.00 finns inte den 28 mars 2027');
    expect(answer.text).toContain('från 02.00 direkt till 03.00');
    expect(answer.text).toContain('till exempel 03.00');
    expect(answer.text).not.toContain('Mötet måste sluta efter att det börjar');
    expect(answer.text).not.toContain('Mötet är planerat');

    const byCard = await client.execute(chat, chair, { verb: 'meeting.create' }, { date: '2027-03-28', start: '02:30', end: '03:30', place: '', online: 'false', title: '' });
    expect(cardText(byCard.card)).toContain('Klockan 02.30 finns inte den 28 mars 2027');
    expect(saved()).toEqual([]);
  });

  it('asks which 02.00 a meeting on the night the clocks go back means, and saves only the answer', async () => {
    const asked = await say('nytt möte 2027-10-31 02:00-03:00 Regionens hus');
    expect(asked.text).toContain('Vilken tid menar du?');
    expect(asked.text).toContain('Natten till 31 okt 2027 ställs klockan tillbaka en timme');
    expect(asked.text).not.toContain('Mötet är planerat');
    expect(saved()).toEqual([]);

    const card = asked.cards[0];
    const choice = walkCard(card).find((n) => n.type === 'Input.ChoiceSet');
    expect(choice.id).toBe('startFold');
    expect(choice.label).toBe('Mötet börjar 02.00');
    expect(choice.isRequired).toBe(true);
    expect(choice.choices).toEqual([
      { title: 'Första gången klockan är 02.00 (sommartid, UTC+02:00)', value: 'earlier' },
      { title: 'Andra gången klockan är 02.00 (vintertid, UTC+01:00)', value: 'later' },
    ]);
    // The end, 03.00, happens once: nothing to ask about it.
    expect(walkCard(card).filter((n) => n.type === 'Input.ChoiceSet')).toHaveLength(1);

    const answered = await client.execute(chat, chair, findAction(card, 'meeting.create'), { startFold: 'earlier' }, { replyToId: asked.ids[0] });
    expect(cardText(answered.card)).toContain('Mötet är planerat.');
    expect(cardText(answered.card)).toContain('söndag 31 oktober 2027, 02.00–03.00');
    expect(cardText(answered.card)).toContain('Regionens hus');
    // The first 02.00 is still summer time: two real hours until 03.00 winter time.
    expect(saved()).toEqual([{ starts_at: '2027-10-31T00:00:00.000Z', ends_at: '2027-10-31T02:00:00.000Z' }]);

    // Teams retries the invoke: saved once.
    await client.execute(chat, chair, findAction(card, 'meeting.create'), { startFold: 'earlier' }, { replyToId: asked.ids[0] });
    expect(saved()).toHaveLength(1);
  });

  it('asks about both ends when both happen twice, and the second reading is winter time', async () => {
    const asked = await client.execute(chat, chair, { verb: 'meeting.create' }, { date: '2027-10-31', start: '02:15', end: '02:45', place: '', online: 'true', title: 'Jourmöte' });
    const choices = walkCard(asked.card).filter((n) => n.type === 'Input.ChoiceSet');
    expect(choices.map((c) => c.id)).toEqual(['startFold', 'endFold']);
    expect(saved()).toHaveLength(1);

    const missing = await client.execute(chat, chair, findAction(asked.card, 'meeting.create'), { startFold: 'later' });
    expect(cardText(missing.card)).toContain('Vilken tid menar du?');
    expect(saved()).toHaveLength(1);

    const answered = await client.execute(chat, chair, findAction(asked.card, 'meeting.create'), { startFold: 'later', endFold: 'later' });
    expect(cardText(answered.card)).toContain('Mötet är planerat.');
    expect(saved()[1]).toEqual({ starts_at: '2027-10-31T01:15:00.000Z', ends_at: '2027-10-31T01:45:00.000Z' });
  });

  it('names a doubled or missing time in a pasted plan before anything is shown for saving', async () => {
    const doubled = await say('mötesplan\n2027-09-16 13:00-16:00\n2027-10-31 02:30-04:00');
    expect(doubled.text).toContain('Klockan 02.30 den 31 okt 2027 inträffar två gånger');
    expect(doubled.text).not.toContain('Spara mötena');
    const missing = await say('mötesplan\n2027-03-28 02:30-04:00');
    expect(missing.text).toContain('Klockan 02.30 finns inte den 28 mars 2027');
    expect(saved()).toHaveLength(2);
  });

  it('asks the same when a meeting is moved onto that night from its agenda card', async () => {
    connector.reset();
    await client.say(chat, chair, 'dagordning');
    const meetingId = findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.show').data.meetingId;
    const card = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    const change = findAction(card, 'meeting.update');

    const skipped = await client.execute(chat, chair, change, { mDate: '2027-03-28', mStart: '02:30', mEnd: '04:00' });
    expect(cardText(skipped.card)).toContain('Klockan 02.30 finns inte den 28 mars 2027');

    const asked = await client.execute(chat, chair, change, { mDate: '2027-10-31', mStart: '02:30', mEnd: '04:00', mPlace: 'Sal 3' });
    const choices = walkCard(asked.card).filter((n) => n.type === 'Input.ChoiceSet');
    expect(choices.map((c) => c.id)).toEqual(['startFold']);
    expect(saved()[0]).toEqual({ starts_at: '2027-10-31T00:00:00.000Z', ends_at: '2027-10-31T02:00:00.000Z' });

    const moved = await client.execute(chat, chair, findAction(asked.card, 'meeting.update'), { startFold: 'later' });
    expect(cardText(moved.card)).toContain('Mötet är ändrat.');
    expect(cardText(moved.card)).toContain('Sal 3');
    expect(saved()).toContainEqual({ starts_at: '2027-10-31T01:30:00.000Z', ends_at: '2027-10-31T03:00:00.000Z' });
  });
});
