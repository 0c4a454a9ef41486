import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

describe('retention of old meetings', () => {
  const connector = new FakeConnector();
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const meetings = () => {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const rows = db.prepare('select status, starts_at from meetings order by starts_at').all() as { status: string; starts_at: string }[];
    db.close();
    return rows;
  };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    writeFileSync(clockFile, new Date().toISOString());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('deletes a meeting held longer ago than RETENTION_YEARS, and keeps one still planned', async () => {
    await client.say(chat, chair, `nytt möte ${soonMeeting(60)}`);
    await client.say(chat, chair, 'nytt möte 2030-01-10 13:00-16:00');
    await client.say(chat, chair, 'öppna mötet');
    await client.say(chat, chair, 'Beslut: Rådet godkänner budgeten.');
    await client.say(chat, chair, 'avsluta mötet ändå');
    expect(meetings().map((m) => m.status)).toEqual(['closed', 'planned']);

    // Two years on, with a retention of one year: the held meeting goes, the planned one stays.
    await bot.stop();
    writeFileSync(clockFile, new Date(Date.now() + 2 * 365 * 86_400_000).toISOString());
    await bot.start();
    expect(meetings().map((m) => m.status)).toEqual(['closed', 'planned']);
    await bot.stop();
    await new BotProcess({ dataDir: bot.dataDir, env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile, RETENTION_YEARS: '1' } }).start().then(async (kept) => {
      bot = kept;
      const started = Date.now();
      while (meetings().length !== 1 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 100));
    });
    expect(meetings().map((m) => m.status)).toEqual(['planned']);
    expect(bot.output).toContain('retention: meetings past the retention period deleted');
  });
});
