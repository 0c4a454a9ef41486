import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { minusDays } from '../../src/domain/reminders.js';
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
  let date = '';
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  const chats: Conversation[] = Array.from({ length: 3 }, () => ({ id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' as const }));
  const viaA = new TeamsClient(() => a.url, connector);

  beforeAll(async () => {
    await connector.start();
    connector.pageSize = 50;
    databaseUrl = await createDatabase(inject('postgresUrl'), `reminders_${randomUUID().slice(0, 8)}`);
    writeFileSync(clockFile, new Date().toISOString());
    // One clock file for both: the two instances agree on the time, as servers synced by NTP do.
    const env = { DATABASE_URL: databaseUrl, OUTBOX_POLL_MS: '50', ANONYMOUS_VOTE_KEY: 'k'.repeat(40), TEAMS_TENANT_RATE: '10', CLOCK_FILE: clockFile };
    a = await new BotProcess({ env }).start();
    b = await new BotProcess({ env }).start();
    date = utcToZoned(new Date(Date.now() + 10 * 86_400_000).toISOString(), 'Europe/Stockholm').date;
    for (const [i, chat] of chats.entries()) {
      connector.setRoster(chat.id, members);
      // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
      connector.installFor(...members);
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
    // The day before the meeting, just after 08.00: both reminders (7 days and 1 day before) are due.
    writeFileSync(clockFile, new Date(Date.parse(zonedToUtc(minusDays(date, 1), '08:00', 'Europe/Stockholm')) + 5_000).toISOString());

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
