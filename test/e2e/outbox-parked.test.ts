import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BotProcess, faketime, projectRoot } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Sekreterare');
const run = promisify(execFile);

describe('an outbox job Teams refuses for good', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  let now = Date.now();
  /** Moves the bot's time past the outbox's pause before the next attempt. */
  const later = () => {
    now += 120_000;
    writeFileSync(clockFile, new Date(now).toISOString());
  };
  let pollId = '';
  const updatesOfPoll = () => (c: { kind: string; conversationId?: string }) => c.kind === 'update' && c.conversationId === chat.id;

  /** The admin's command line against the bot's data directory. */
  async function outboxCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(projectRoot, 'dist', 'src', 'outbox-cli.js'), ...args], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, NODE_ENV: 'test', DATA_DIR: bot.dataDir, ...faketime() },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const readyz = async () => {
    const res = await fetch(`${bot.url}/readyz`);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    writeFileSync(clockFile, new Date(now).toISOString());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '50', CLOCK_FILE: clockFile } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'omröstning: Fika på nästa möte? | Ja | Nej');
    const card = connector.sent(chat.id).map((c) => cardOf(c.body)).find((c) => c && cardText(c).includes('Fika på nästa möte?'));
    pollId = findAction(card, 'poll.vote').data.pollId;
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('is tried 3 times, then parked: logged once with its kind and id, counted in /readyz, listed for the admin', async () => {
    // Teams refuses every update of the poll's card (403 Forbidden; a bot gone from the chat is dropped, see conversation-gone).
    connector.refuse(403, updatesOfPoll());
    expect((await client.execute(chat, bjorn, { verb: 'poll.vote', data: { pollId } }, { choices: 'o1' })).status).toBe(200);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await vi.waitFor(() => expect(connector.refused.length).toBeGreaterThanOrEqual(attempt), { timeout: 10_000, interval: 50 });
      later();
    }
    await vi.waitFor(() => expect(bot.output).toContain('outbox job parked'), { timeout: 10_000, interval: 50 });
    // Time goes on; no fourth attempt.
    later();
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.refused).toHaveLength(3);
    expect(connector.refused.every((c) => c.status === 403)).toBe(true);

    const parkedLines = bot.output.split('\n').filter((l) => l.includes('outbox job parked')).map((l) => JSON.parse(l));
    expect(parkedLines).toHaveLength(1);
    expect(parkedLines[0]).toMatchObject({ kind: 'pollCard', attempts: 3, failure: '403', permanent: true });
    const jobId = parkedLines[0].id as string;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    // Parked is the admin's business: the instance stays ready and says how many wait.
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', outbox: { alive: true, parked: 1, parkedByKind: { pollCard: 1 } } } });

    const listed = await outboxCli('parked');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${jobId}  pollCard  attempts 3  parked `);
    expect(listed.stdout).toContain(`key: poll-card:${pollId}`);
    expect(listed.stdout).toContain('last error: 403: ');
    expect(listed.stdout).toContain('1 parked job\n');

    // Let back into the chat, the admin retries it: it goes out at once and nothing is parked any more.
    connector.clearRefusals();
    connector.reset();
    expect(await outboxCli('retry', jobId)).toMatchObject({ code: 0, stdout: `job ${jobId} queued again\n` });
    const update = await connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id, 10_000);
    expect(cardText(cardOf(update.body))).toContain('Fika på nästa möte?');
    expect(await outboxCli('parked')).toMatchObject({ code: 0, stdout: 'no parked jobs\n' });
    expect((await readyz()).body.outbox).toMatchObject({ parked: 0, parkedByKind: {} });
    expect(await outboxCli('retry', jobId)).toMatchObject({ code: 1, stderr: `no parked job with id ${jobId}\n` });
  });

  it('can be dropped by the admin; a Teams 429 is retried and never parked', async () => {
    connector.refuse(404, updatesOfPoll());
    const before = connector.refused.length;
    expect((await client.execute(chat, cecilia, { verb: 'poll.vote', data: { pollId } }, { choices: 'o2' })).status).toBe(200);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await vi.waitFor(() => expect(connector.refused.length).toBeGreaterThanOrEqual(before + attempt), { timeout: 10_000, interval: 50 });
      later();
    }
    await vi.waitFor(() => expect((async () => (await readyz()).body.outbox.parked)()).resolves.toBe(1), { timeout: 10_000, interval: 100 });
    const jobId = /^(\S+) {2}pollCard/m.exec((await outboxCli('parked')).stdout)![1]!;
    expect(await outboxCli('drop', jobId)).toMatchObject({ code: 0, stdout: `job ${jobId} dropped\n` });
    expect(await outboxCli('parked')).toMatchObject({ stdout: 'no parked jobs\n' });
    expect(await outboxCli('drop', jobId)).toMatchObject({ code: 1 });
    expect(await outboxCli('retry')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: outbox parked') });

    // Teams throttles (without Retry-After, which the connector client would wait out by itself) more times than a permanent failure is tried.
    connector.clearRefusals();
    connector.refuse(429, updatesOfPoll(), 4);
    connector.reset();
    const refusedBefore = connector.refused.length;
    expect((await client.execute(chat, bjorn, { verb: 'poll.vote', data: { pollId } }, { choices: 'o2' })).status).toBe(200);
    const delivered = connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id, 30_000);
    const ticking = setInterval(later, 300);
    try {
      await delivered;
    } finally {
      clearInterval(ticking);
    }
    expect(connector.refused.slice(refusedBefore).map((c) => c.status)).toEqual([429, 429, 429, 429]);
    expect(connector.updates(chat.id)).toHaveLength(1);
    expect((await readyz()).body.outbox.parked).toBe(0);
    const retried = bot.output.split('\n').filter((l) => l.includes('outbox job failed; will retry')).map((l) => JSON.parse(l));
    expect(retried.filter((l) => l.failure === '429').map((l) => [l.kind, l.attempts, l.permanent])).toEqual([
      ['pollCard', 1, false],
      ['pollCard', 2, false],
      ['pollCard', 3, false],
      ['pollCard', 4, false],
    ]);
  });
});
