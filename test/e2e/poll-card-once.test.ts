import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const members = [chair, user(2, 'Björn Berg'), user(3, 'Cecilia Ek'), user(4, 'David Dahl')];
const COPIES = 50;

const backends = [
  { name: 'sqlite', env: async () => ({}) },
  { name: 'postgres', env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `cardonce_${randomUUID().slice(0, 8)}`) }) },
];

describe.each(backends)('a poll redelivered by Teams posts one card on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  /** The poll cards posted (not updated) in the council's chat with this question. */
  const pollCards = (question: string) =>
    connector.sent(chat.id).filter((c) => {
      const card = cardOf(c.body);
      return card && cardText(card).includes(question) && (() => { try { return findAction(card, 'poll.vote'); } catch { return undefined; } })();
    });

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, members);
    bot = await new BotProcess({ env: { ...(await env()), OUTBOX_POLL_MS: '100' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it(`${COPIES} copies of one poll.create invoke at once: one card, the one votes update`, async () => {
    await client.say(chat, chair, 'omröstning');
    const form = cardOf(connector.sent(chat.id).at(-1)!.body);
    const tomorrow = utcToZoned(new Date(Date.now() + 86_400_000).toISOString(), 'Europe/Stockholm').date;
    const action = findAction(form, 'poll.create');
    // One invoke as Teams sends it, redelivered: same activity id, same action id, same inputs.
    const invoke = {
      ...client.base(chat, chair),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: randomUUID(),
      value: {
        action: { type: 'Action.Execute', id: randomUUID(), verb: 'poll.create', data: { ...action.data, pQuestion: 'Ska rådet yttra sig?', pOptions: 'Ja\nNej', pDate: tomorrow, pTime: '12:00' } },
        trigger: 'manual',
      },
    };
    connector.reset();
    const answers = await Promise.all(Array.from({ length: COPIES }, () => client.post(invoke)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const said = answers.map((a) => cardText(a.body.value));
    expect(said.filter((s) => s.includes('Omröstningen är startad.'))).toHaveLength(1);
    expect(said.filter((s) => s.includes('Omröstningen var redan startad.'))).toHaveLength(COPIES - 1);

    const posted = pollCards('Ska rådet yttra sig?');
    expect(posted).toHaveLength(1);
    // The one card posted is the one the votes update in place.
    await client.execute(chat, members[1]!, findAction(cardOf(posted[0]!.body), 'poll.vote'), { choices: 'o1' });
    const update = await connector.waitFor((c) => c.kind === 'update' && cardText(cardOf(c.body)).includes('1 av 4 har röstat'), 8_000);
    expect(update.activityId).toBe(posted[0]!.activityId);
  });

  it('a redelivered "omröstning: …" message posts one card', async () => {
    const message = { ...client.base(chat, chair), type: 'message', text: 'omröstning: Fika på mötet? | Ja | Nej' };
    connector.reset();
    const answers = await Promise.all(Array.from({ length: COPIES }, () => client.post(message)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const already = () => connector.sent(chat.id).filter((c) => c.body.text === 'Omröstningen var redan startad.');
    // Fifty answers to one chat at once are more than Teams takes in a few seconds (8 in 2 s): the
    // bot keeps to the limit, and what the turns could not send in time follows after them.
    for (const started = Date.now(); already().length + pollCards('Fika på mötet?').length < COPIES && Date.now() - started < 20_000; ) await new Promise((r) => setTimeout(r, 100));
    expect(pollCards('Fika på mötet?')).toHaveLength(1);
    expect(already()).toHaveLength(COPIES - 1);
    expect(connector.throttled).toBe(0);
    // A later redelivery, once the card is there, says so and posts nothing.
    expect((await client.post(message)).status).toBe(200);
    expect(pollCards('Fika på mötet?')).toHaveLength(1);
  });
});
