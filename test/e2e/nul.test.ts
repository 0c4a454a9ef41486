import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, cardText, findAction, sentText, user } from '../support/teams-client.js';

const NUL = '\u0000';
const chair = user(1, `Åsa${NUL} Ordförande`);
const bjorn = user(2, 'Björn Berg');

const backends = [
  { name: 'SQLite', env: async () => ({}) },
  {
    name: 'PostgreSQL',
    env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `e2e_${randomUUID().slice(0, 8)}`) }),
  },
];

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL anywhere in what Teams sends must get
 * the same answer on both, never a database error.
 */
describe.each(backends)('a NUL character in what people send, on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: `Råd${NUL}et` };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess({ env: await env() }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('sets up a council from a card whose name holds a NUL', async () => {
    const res = await client.execute(chat, chair, { verb: 'council.setup', data: { v: 1 } }, { name: `Vårdvals${NUL}råd`, locale: 'sv', timeZone: 'Europe/Stockholm' });
    expect(res.status).toBe(200);
    const text = cardText(res.card);
    expect(text).toContain('Vårdvalsråd');
    expect(text).not.toContain(NUL);
    expect(text).not.toContain('Något gick fel');
  });

  it('answers a message with a NUL in it, and saves what it says without the NUL', async () => {
    connector.reset();
    const res = await client.say(chat, chair, `nytt möte 2027-12-02 13:00-16:00 Regionens${NUL} hus`);
    expect(res.status).toBe(200);
    const text = sentText(connector, chat.id);
    expect(text).toContain('Mötet är planerat.');
    expect(text).toContain('Regionens hus');
    expect(text).not.toContain('Något gick fel');

    connector.reset();
    await client.say(chat, bjorn, `möten${NUL}`);
    expect(sentText(connector, chat.id)).toContain('Regionens hus');
  });

  it('takes a card action whose data holds a NUL', async () => {
    const card = (await client.execute(chat, chair, { verb: 'council.show', data: { v: 1 } })).card;
    const res = await client.execute(chat, chair, findAction(card, 'council.addGuest'), { guestName: `Gäst${NUL} Gästsson`, guestOrganisation: `Region${NUL}hälsan`, guestEmail: '' });
    expect(res.status).toBe(200);
    const text = cardText(res.card);
    expect(text).toContain('Gäst Gästsson');
    expect(text).not.toContain('Något gick fel');
  });

  it('keeps working afterwards', async () => {
    connector.reset();
    await client.say(chat, bjorn, 'hjälp');
    expect(sentText(connector, chat.id)).toContain('Det här kan Rådsassistenten');
  });
});
