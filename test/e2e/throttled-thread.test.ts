import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const RETRY_AFTER_S = 3;
/**
 * As many 429s in a row as the connector client used to try by itself (once and three retries):
 * the outbox then backs off four times, about 30 s in all.
 */
const STORM = 4;

describe('a council chat Teams throttles', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const polls: { id: string; question: string; activityId: string }[] = [];

  /** Outbox attempts at the polls' shared cards so far. */
  function pollCardAttempts(): number {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    try {
      return (db.prepare("select coalesce(sum(attempts), 0) as n from outbox where kind = 'pollCard'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '50' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Kulturråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    for (const question of ['Fika på nästa möte?', 'Studieresa i maj?']) {
      await client.say(chat, chair, `omröstning: ${question} | Ja | Nej`);
      const sent = connector.sent(chat.id).find((c) => cardOf(c.body) && cardText(cardOf(c.body)).includes(question))!;
      polls.push({ id: findAction(cardOf(sent.body), 'poll.vote').data.pollId as string, question, activityId: sent.activityId! });
    }
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('resends nothing before Retry-After, and makes one HTTP request per outbox attempt', async () => {
    connector.reset();
    const [first, second] = polls as [(typeof polls)[0], (typeof polls)[0]];
    // Teams throttles the first poll's card: its next updates get 429 with Retry-After: 3.
    connector.storm((c) => c.kind === 'update' && c.activityId === first.activityId, RETRY_AFTER_S, STORM);
    expect((await client.execute(chat, bjorn, { verb: 'poll.vote', data: { pollId: first.id } }, { choices: 'o1' })).status).toBe(200);
    expect((await client.execute(chat, cecilia, { verb: 'poll.vote', data: { pollId: second.id } }, { choices: 'o2' })).status).toBe(200);
    await vi.waitFor(
      () => {
        const updated = connector.updates(chat.id).map((c) => cardText(cardOf(c.body)));
        for (const poll of polls) expect(updated.some((t) => t.includes(poll.question))).toBe(true);
      },
      { timeout: 80_000, interval: 100 },
    );

    const updates = connector.requests.filter((r) => r.conversationId === chat.id && r.kind === 'update');
    expect(updates.filter((r) => r.status === 429)).toHaveLength(STORM);
    // The refused card went again only once Teams said it could.
    expect(connector.resendsTooSoon()).toEqual([]);
    // No retries stacked inside the outbox's: each attempt was one request to Teams.
    expect(updates).toHaveLength(pollCardAttempts());
  }, 90_000);
});

describe('a reply inside a turn when Teams refuses it', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const replies = () => connector.requests.filter((r) => r.conversationId === chat.id && r.kind === 'send');

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Kulturråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('is tried once more after a passing failure, and the person gets the answer', async () => {
    connector.reset();
    connector.refuse(503, (c) => c.kind === 'send' && c.conversationId === chat.id, 1);
    await client.say(chat, bjorn, 'hjälp');
    expect(replies().map((r) => r.status)).toEqual([503, 200]);
    expect(connector.sent(chat.id)).toHaveLength(1);
    expect(connector.sent(chat.id)[0]!.body.text ?? cardText(cardOf(connector.sent(chat.id)[0]!.body))).not.toContain('Något gick fel');
  });

  it('is not held in the turn for a Retry-After longer than a turn waits, nor answered with an error; the answer follows once Retry-After has passed', async () => {
    connector.reset();
    connector.storm((c) => c.kind === 'send' && c.conversationId === chat.id, 7, 1);
    await client.say(chat, bjorn, 'hjälp');
    // The turn is over: one request, refused; the answer is the outbox's now, after Teams' pause.
    expect(replies().map((r) => r.status)).toEqual([429]);
    await vi.waitFor(() => expect(replies().map((r) => r.status)).toEqual([429, 200]), { timeout: 20_000, interval: 100 });
    expect(connector.resendsTooSoon()).toEqual([]);
    expect(connector.sent(chat.id)).toHaveLength(1);
    expect(cardText(cardOf(connector.sent(chat.id)[0]!.body))).not.toContain('Något gick fel');
    expect(bot.output).not.toContain('unhandled error in turn');
  });
});
