import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, user } from '../support/teams-client.js';
import { fillDisk, mountTmpfs } from '../support/tmpfs.js';

const chair = user(1, 'Åsa Ordförande');
const disk = mountTmpfs(24);
const FULL = 'Det gick inte att spara: servern har inte plats just nu. Försök igen senare.';
const LOG_LINE = "the server's disk is full: changes cannot be saved until space is freed";

/** The bot's data directory on a small file system of its own, filled to the last block. */
describe.skipIf(disk.dir === undefined)(`the bot on a full disk${disk.dir ? '' : ` (skipped: ${'reason' in disk ? disk.reason : ''})`}`, () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Fullrådet' };
  const filler = join(disk.dir ?? '', 'filler');

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair]);
    bot = await new BotProcess({ dataDir: disk.dir }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Fullrådet', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    if ('unmount' in disk) disk.unmount();
  });

  async function say(text: string): Promise<string> {
    connector.reset();
    expect((await client.say(chat, chair, text)).status).toBe(200);
    return connector
      .sent(chat.id)
      .map((c) => c.body.text ?? cardText(cardOf(c.body)))
      .join('\n---\n');
  }

  async function readiness(): Promise<{ status: number; body: any }> {
    const res = await fetch(`${bot.url}/readyz`);
    return { status: res.status, body: await res.json() };
  }

  it('says the change could not be saved for lack of room, reports not ready and tells the admin once', async () => {
    expect((await readiness()).status).toBe(200);
    fillDisk(filler);

    const byCommand = await say('nytt möte 2027-12-02 13:00-16:00 Regionens hus');
    expect(byCommand).toContain(FULL);
    expect(byCommand).not.toContain('Något gick fel');
    const byCard = await client.execute(chat, chair, { verb: 'meeting.create' }, { date: '2027-12-09', start: '13:00', end: '16:00', place: '', online: 'false', title: '' });
    expect(cardText(byCard.card)).toContain(FULL);

    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', store: { reachable: true, migrated: true, storageFull: true, reason: LOG_LINE } });

    const errorLines = bot.output.split('\n').filter((l) => l.includes(LOG_LINE) && l.includes('"level":50'));
    expect(errorLines).toHaveLength(1);
    expect(bot.output).not.toContain('cannot rollback');
  });

  it('is ready again by itself once space is freed, and saves', async () => {
    rmSync(filler);
    let ready = await readiness();
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await readiness();
    }
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', store: { reachable: true, migrated: true } } });
    expect(ready.body.store.storageFull).toBeUndefined();
    expect(await say('nytt möte 2027-12-02 13:00-16:00 Regionens hus')).toContain('Mötet är planerat.');
  });
});
