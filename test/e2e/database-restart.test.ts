import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { randomUUID } from 'node:crypto';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type PostgresServer, createDatabase, startPostgres } from '../support/postgres.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const RESTART_VOTERS = 400;
const VOTERS = RESTART_VOTERS + 100;
const BURST = 200;
const people = Array.from({ length: VOTERS + 1 }, (_, i) => user(i + 1, `Ledamot ${i + 1}`));
const chair = people[0]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = 'saved' | 'notSaved' | 'unknown' | 'other' | 'none' | 'pending';

/** What the user was told: saved, not saved (try again), not known whether saved, or something else. */
function answerOf(text: string, savedText: string): Answer {
  if (text.includes(savedText)) return 'saved';
  if (text.includes('kunde inte sparas') && text.includes('Försök igen')) return 'notSaved';
  if (text.includes('oklart om det hann sparas')) return 'unknown';
  return 'other';
}

/** Polls /readyz until it answers 200; the time that took, in ms. */
async function readyAfter(bot: BotProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const status = await fetch(`${bot.url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${bot.output}`);
}

async function statusOf(url: string): Promise<number> {
  return fetch(url).then(
    (r) => r.status,
    () => 0,
  );
}

describe('a PostgreSQL restart under a running bot', () => {
  const connector = new FakeConnector();
  let server: PostgresServer;
  let databaseUrl = '';
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let vote: any;

  beforeAll(async () => {
    // Its own server: stopping it must not touch the one the other test files share.
    server = await startPostgres();
    databaseUrl = await createDatabase(server.url, 'restart');
    await connector.start();
    connector.pageSize = 500;
    connector.setRoster(chat.id, people);
    bot = await new BotProcess({ env: { DATABASE_URL: databaseUrl, OUTBOX_POLL_MS: '200' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`);
    connector.reset();
    await client.say(chat, chair, 'dagordning:\n- Ekonomi\n- Övriga frågor');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
    expect((await client.say(chat, chair, 'öppna mötet')).status).toBe(200);
    connector.reset();
    await client.say(chat, chair, 'omröstning: Ska rådet ställa sig bakom remissvaret? | Ja | Nej | Avstår');
    vote = findAction(cardOf(connector.sent(chat.id).find((c) => cardOf(c.body))!.body), 'poll.vote');
  }, 120_000);
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    server?.stop();
  });

  it('runs a turn cut off by a session the server ended once more, so a burst loses no vote', async () => {
    const voters = people.slice(1 + RESTART_VOTERS);
    const answers: Answer[] = [];
    const savedVoters: string[] = [];
    const burst = Promise.all(
      voters.map(async (voter) => {
        const r = await client.execute(chat, voter, vote, { choices: 'o1' }).catch(() => undefined);
        const answer = r?.status === 200 && r.card ? answerOf(cardText(r.card), 'Din röst är registrerad.') : 'none';
        answers.push(answer);
        if (answer === 'saved') savedVoters.push(voter.id);
      }),
    );
    // Sessions ended while the burst runs, as a failover's first moments do, until one turn has
    // been cut off; the server stays up, and the retries, a second later, come after the last cut.
    const retriedBefore = (bot.output.match(/running the turn once more/g) ?? []).length;
    let burstDone = false;
    void burst.finally(() => (burstDone = true));
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    while (!burstDone && (bot.output.match(/running the turn once more/g) ?? []).length === retriedBefore) {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'restart' and pid <> pg_backend_pid()`);
      await sleep(20);
    }
    await admin.end();
    await burst;
    const retried = (bot.output.match(/running the turn once more/g) ?? []).length - retriedBefore;
    const saved = answers.filter((a) => a === 'saved').length;
    console.info(`sessions ended under a burst: ${JSON.stringify({ votes: voters.length, saved, turnsRunAgain: retried, answers: answers.filter((a) => a !== 'saved') })}`);
    expect(bot.exitCode).toBeUndefined();
    expect(retried).toBeGreaterThan(0);
    // Only a vote whose COMMIT was cut off may be not known; none is lost.
    expect(answers.filter((a) => a !== 'saved' && a !== 'unknown')).toEqual([]);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const stored = (await db.query<{ voter_id: string }>('select voter_id from poll_ballots where voter_id = any($1)', [savedVoters])).rows;
    await db.end();
    expect(stored).toHaveLength(savedVoters.length);
  }, 60_000);

  it('stays up, keeps every acknowledged vote and decision once, and serves again soon after the database returns', async () => {
    const votes: { voter: string; choice: string; startedAt: number; answer: Answer }[] = [];
    const decisions: { n: number; startedAt: number; answer: Answer }[] = [];
    let traffic = true;
    const queue = people.slice(1, 1 + RESTART_VOTERS);

    const castVote = async (voter: (typeof people)[number]) => {
      const choice = `o${(votes.length % 3) + 1}`;
      const startedAt = Date.now();
      const answer = await client.execute(chat, voter, vote, { choices: choice }).then(
        (r) => (r.status === 200 && r.card ? answerOf(cardText(r.card), 'Din röst är registrerad.') : 'other'),
        () => 'none' as const,
      );
      votes.push({ voter: voter.id, choice, startedAt, answer });
    };
    const voting = async () => {
      while (traffic && queue.length > 0) {
        await castVote(queue.shift()!);
        await sleep(40);
      }
    };
    // As in the measurement: a burst of votes at once, with the restart landing in it.
    const bursting = async () => {
      await sleep(500);
      await Promise.all(queue.splice(0, BURST).map(castVote));
    };
    const deciding = async () => {
      for (let n = 1; traffic; n++) {
        const message = client.base(chat, chair);
        Object.assign(message, { type: 'message', text: `Beslut: Rådet godkänner ärende ${n}.` });
        const startedAt = Date.now();
        const status = await client.post(message).then(
          (r) => r.status,
          () => 0,
        );
        const replies = connector.sent(chat.id).filter((c) => c.body?.replyToId === message.id);
        const text = replies.map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n');
        // A saved decision answers Teams at once and its card follows through the outbox; a refusal is said in the turn.
        const settled = text === '' && status === 200 ? 'pending' : answerOf(text, 'Beslut registrerat');
        decisions.push({ n, startedAt, answer: status === 0 ? 'none' : settled });
        await sleep(100);
      }
    };
    const workers = [voting(), voting(), voting(), voting(), bursting(), deciding()];
    const stopTraffic = async () => {
      traffic = false;
      await Promise.all(workers);
    };
    onTestFinished(stopTraffic);

    await sleep(700);
    // A fast shutdown ends every session with 57P01, as a restart, failover or maintenance window does.
    await server.shutDown('fast');
    await sleep(300);
    const whileAway = { healthz: await statusOf(`${bot.url}/healthz`), readyz: await statusOf(`${bot.url}/readyz`) };
    await sleep(1_500);
    await server.startUp();
    // Polled with room to spare; the time it took is reported, not asserted (the issue asks for under 10 s).
    const recoveryMs = await readyAfter(bot, 30_000);
    const readyAt = Date.now();
    await sleep(1_500);
    await stopTraffic();
    // The decisions answered at once are saved when their card reaches the conversation.
    for (const d of decisions.filter((x) => x.answer === 'pending')) {
      const card = await connector
        .waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body)).includes(`ärende ${d.n}.`), 15_000)
        .catch(() => undefined);
      d.answer = card ? 'saved' : 'other';
    }

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const ballots = new Map((await db.query<{ voter_id: string; choices: string }>('select voter_id, choices from poll_ballots')).rows.map((r) => [r.voter_id, JSON.parse(r.choices) as string[]]));
    const recorded = (await db.query<{ text: string }>('select text from decisions')).rows.map((r) => Number(/ärende (\d+)/.exec(r.text)?.[1]));
    await db.end();

    const count = <T extends { answer: Answer }>(list: T[]) =>
      Object.fromEntries((['saved', 'notSaved', 'unknown', 'other', 'none'] as const).map((a) => [a, list.filter((x) => x.answer === a).length]));
    const figures = {
      recoveryMs,
      whileAway,
      votes: { sent: votes.length, answers: count(votes), stored: votes.filter((v) => ballots.has(v.voter)).length },
      decisions: { sent: decisions.length, answers: count(decisions), stored: recorded.length },
    };
    console.info(`database restart: ${JSON.stringify(figures)}`);

    expect(bot.exitCode).toBeUndefined();
    expect(whileAway).toEqual({ healthz: 200, readyz: 503 });
    // Every request got an answer that says what happened.
    expect([...votes, ...decisions].filter((x) => x.answer === 'other' || x.answer === 'none')).toEqual([]);
    // The restart did reach requests in flight, and some were still kept.
    expect(votes.filter((v) => v.answer === 'saved').length).toBeGreaterThan(0);
    expect(votes.some((v) => v.answer !== 'saved') || decisions.some((d) => d.answer !== 'saved')).toBe(true);

    for (const v of votes) {
      if (v.answer === 'saved') expect(ballots.get(v.voter), v.voter).toEqual([v.choice]);
      if (v.answer === 'notSaved') expect(ballots.has(v.voter), v.voter).toBe(false);
    }
    // Nothing counted twice: one row per decision message, and none for a message that was not saved.
    expect(new Set(recorded).size).toBe(recorded.length);
    for (const d of decisions) {
      if (d.answer === 'saved') expect(recorded.filter((n) => n === d.n), `decision ${d.n}`).toHaveLength(1);
      if (d.answer === 'notSaved') expect(recorded, `decision ${d.n}`).not.toContain(d.n);
    }
    // Once ready again, every request is served.
    expect([...votes, ...decisions].filter((x) => x.startedAt > readyAt && x.answer !== 'saved')).toEqual([]);
  }, 120_000);
});

describe('a bot started before its database', () => {
  const connector = new FakeConnector();
  let server: PostgresServer;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);

  beforeAll(async () => {
    await connector.start();
    server = await startPostgres({ started: false });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    server?.stop();
  });

  it('answers /healthz, is not ready and says why while it waits, then serves once the database is up', async () => {
    bot = await new BotProcess({ env: { DATABASE_URL: server.url } }).start({ waitReady: false });
    while ((await statusOf(`${bot.url}/healthz`)) !== 200) {
      expect(bot.exitCode, bot.output).toBeUndefined();
      await sleep(50);
    }
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).store).toEqual({ reachable: false, migrated: false });
    const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
    // Refused outright rather than taken in and lost: the channel sees the failure.
    expect((await client.say(chat, chair, 'hjälp')).status).toBe(503);
    while ((bot.output.match(/database not reachable yet/g) ?? []).length < 2) {
      expect(bot.exitCode, bot.output).toBeUndefined();
      await sleep(50);
    }
    expect(bot.output).toContain('ECONNREFUSED');
    expect(bot.output).not.toContain('"stack"');

    await server.startUp();
    const recoveryMs = await readyAfter(bot, 30_000);
    console.info(`bot started before its database: ready ${recoveryMs} ms after the database came up`);
    connector.setRoster(chat.id, [chair]);
    const setup = await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    expect(cardText(setup.card)).toContain('Vårdvalsråd');
  }, 120_000);
});
