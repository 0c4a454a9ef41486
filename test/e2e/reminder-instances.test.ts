import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, cardOf, cardText, user } from '../support/teams-client.js';

const members = Array.from({ length: 12 }, (_, i) => user(i + 1, `Ledamot ${i + 1}`));
const chair = members[0]!;
const text = cardText;

describe('meeting reminders with two instances on one PostgreSQL database', () => {
  const connector = new FakeConnector();
  let a: BotProcess;
  let b: BotProcess;
  let databaseUrl = '';
  const chats: Conversation[] = Array.from({ length: 3 }, () => ({ id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' as const }));
  const viaA = new TeamsClient(() => a.url, connector);

  beforeAll(async () => {
    await connector.start();
    connector.pageSize = 50;
    databaseUrl = await createDatabase(inject('postgresUrl'), `reminders_${randomUUID().slice(0, 8)}`);
    const env = { DATABASE_URL: databaseUrl, OUTBOX_POLL_MS: '50', ANONYMOUS_VOTE_KEY: 'k'.repeat(40), TEAMS_TENANT_RATE: '10' };
    a = await new BotProcess({ env }).start();
    b = await new BotProcess({ env }).start();
    const date = utcToZoned(new Date(Date.now() + 10 * 86_400_000).toISOString(), 'Europe/Stockholm').date;
    for (const [i, chat] of chats.entries()) {
      connector.setRoster(chat.id, members);
      await viaA.execute(chat, chair, { verb: 'council.setup' }, { name: `Råd ${i + 1}`, locale: 'sv', timeZone: 'Europe/Stockholm' });
      await viaA.say(chat, chair, `nytt möte ${date} 13:00-16:00`);
    }
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await connector.stop();
  });

  it('sends every reminder exactly once, whichever instance takes it, with the connector throttling sends beyond its client’s own retries', async () => {
    connector.reset();
    // More 429s in a row than the connector client retries by itself: the outbox must retry the rest.
    connector.throttleFor(6_000);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query("update outbox set due_at = $1 where kind = 'meetingReminder'", [new Date(Date.now() - 1_000).toISOString()]);
    await client.end();

    // 3 councils × 2 reminders: 6 agenda cards and 6 × 12 personal cards.
    const expectedPersonal = chats.length * 2 * members.length;
    const started = Date.now();
    while (Date.now() - started < 90_000) {
      const personal = connector.sent().filter((c) => !chats.some((chat) => chat.id === c.conversationId)).length;
      if (personal >= expectedPersonal) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const personal = connector.sent().filter((c) => !chats.some((chat) => chat.id === c.conversationId));
    expect(personal).toHaveLength(expectedPersonal);
    for (const chat of chats) {
      expect(connector.sent(chat.id).filter((c) => text(cardOf(c.body)).includes('Dagordning'))).toHaveLength(2);
    }
    const perPerson = new Map<string, number>();
    for (const c of connector.calls.filter((x) => x.kind === 'createConversation')) {
      const id = c.body.members[0].id as string;
      perPerson.set(id, (perPerson.get(id) ?? 0) + 1);
    }
    // Each member of each council, twice (7 and 1 days before); a throttled send was retried, never doubled.
    expect([...perPerson.values()].every((n) => n >= chats.length * 2)).toBe(true);
    // The tenant allowance (10 a second per instance) spreads the 78 sends over seconds. (The
    // connector client's own retries after a 429 land outside it, so no per-window count here.)
    const times = connector.sent().map((c) => c.at).sort((x, y) => x - y);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_000);
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const pending = await check.query("select count(*)::int as n from outbox where sent_at is null and kind in ('meetingReminder', 'memberReminder')");
    await check.end();
    expect(pending.rows[0].n).toBe(0);
  });
});
