import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { minusDays } from '../../src/domain/reminders.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, user } from '../support/teams-client.js';

const members = Array.from({ length: 20 }, (_, i) => user(i + 1, `Ledamot ${i + 1}`));
const chair = members[0]!;
const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

describe('a process restarted after kill -9 on the same instance', () => {
  const connector = new FakeConnector();
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const date = utcToZoned(new Date(Date.now() + 10 * 86_400_000).toISOString(), 'Europe/Stockholm').date;

  /** Personal reminder cards that reached Teams, by the member whose 1:1 chat they went to. */
  function remindersOf(): Map<string, number> {
    const owner = new Map(connector.calls.filter((c) => c.kind === 'createConversation').map((c) => [c.conversationId!, c.body.members[0].id as string]));
    const byMember = new Map<string, number>();
    for (const c of connector.sent()) {
      if (!cardText(cardOf(c.body)).includes('Påminnelse från')) continue;
      const member = owner.get(c.conversationId!)!;
      byMember.set(member, (byMember.get(member) ?? 0) + 1);
    }
    return byMember;
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, members);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(...members);
    writeFileSync(clockFile, new Date().toISOString());
    // One instance id across the restart, as App Service keeps it for the same machine.
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '50', TEAMS_TENANT_RATE: '10', CLOCK_FILE: clockFile, INSTANCE_ID: `instance-${randomUUID().slice(0, 8)}` } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, `nytt möte ${date} 13:00-16:00`);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('frees the leases its predecessor left and delivers every reminder, a member getting one twice at most', { timeout: 120_000 }, async () => {
    connector.reset();
    // A personal reminder hangs at Teams: the kill comes while it is leased and in flight.
    const held = connector.hold((c) => c.conversationId?.startsWith('a:') === true && cardText(cardOf(c.body)).includes('Påminnelse från'));
    const due = Date.parse(zonedToUtc(minusDays(date, 1), '08:00', 'Europe/Stockholm')) + 5_000;
    writeFileSync(clockFile, new Date(due).toISOString());
    const jumpedAt = Date.now();
    await held;
    await bot.stop('SIGKILL');
    const killedAt = Date.now();

    // The bot's clock is held at the moment of the kill: the dead process's leases (a minute) never
    // run out on their own here, so only freeing them at the start lets delivery go on.
    const frozenAt = due + (killedAt - jumpedAt);
    let tick = 0;
    const pin = () => writeFileSync(clockFile, new Date(frozenAt + (tick++ % 2)).toISOString());
    pin();
    const pinning = setInterval(pin, 500);
    try {
      await bot.start();
      const restartedAt = Date.now();
      const everyone = () => members.every((m) => (remindersOf().get(m.id) ?? 0) >= 2);
      while (!everyone()) {
        if (Date.now() - restartedAt > 60_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const resumedMs = Date.now() - restartedAt;
      console.info(`lease reclaim: every reminder delivered ${resumedMs} ms after the restart`);
      const got = remindersOf();
      // Both reminders (7 days and 1 day before) for everyone; a send the kill cut off goes out once more at most.
      for (const m of members) {
        expect(got.get(m.id) ?? 0, m.name).toBeGreaterThanOrEqual(2);
        expect(got.get(m.id) ?? 0, m.name).toBeLessThanOrEqual(3);
      }
      expect(bot.output).toContain('leases left by an earlier process of this instance were freed');
    } finally {
      clearInterval(pinning);
    }
  });
});
