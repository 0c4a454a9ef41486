import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const VOTERS = 300;
const people = Array.from({ length: VOTERS + 1 }, (_, i) => user(i + 1, `Ledamot ${i + 1}`));
const chair = people[0]!;
const text = cardText;

const backends = [
  { name: 'sqlite', env: async () => ({}) },
  { name: 'postgres', env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `burst_${randomUUID().slice(0, 8)}`) }) },
];

describe.each(backends)('a burst of 300 votes within a second on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.pageSize = 500;
    connector.setRoster(chat.id, people);
    bot = await new BotProcess({ env: { ...(await env()), OUTBOX_POLL_MS: '200' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('counts every vote exactly once, with no error answers', async () => {
    await client.say(chat, chair, 'omröstning: Ska rådet ställa sig bakom remissvaret? | Ja | Nej | Avstår');
    const card = cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);
    // More than 60 members: no per-user refresh, a button for one's own view instead.
    expect(card.refresh).toBeUndefined();
    expect(findAction(card, 'poll.show')).toBeTruthy();
    const vote = findAction(card, 'poll.vote');
    connector.reset();
    const started = Date.now();
    const answers = await Promise.all(people.slice(1).map((voter, i) => client.execute(chat, voter, vote, { choices: `o${(i % 3) + 1}` })));
    const elapsed = Date.now() - started;
    expect(answers.filter((a) => a.status !== 200 || !text(a.card).includes('Din röst är registrerad.'))).toEqual([]);
    expect(elapsed).toBeGreaterThan(0);

    const shown = await client.execute(chat, chair, findAction(card, 'poll.show'));
    expect(text(shown.card)).toContain(`${VOTERS} av ${VOTERS + 1} har röstat`);
    expect(text(shown.card)).toContain('Ja');
    expect(text(shown.card).match(/100 röster/g)).toHaveLength(3);
    // The shared card follows the burst in a few coalesced updates, not one per vote.
    await connector.waitFor((c) => c.kind === 'update' && text(cardOf(c.body)).includes(`${VOTERS} av ${VOTERS + 1} har röstat`), 10_000);
    expect(connector.updates(chat.id).length).toBeLessThan(10);
  });
});
