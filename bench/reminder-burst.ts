/**
 * Reminder burst benchmark, for `npm run bench` (run.ts): BENCH_REMINDER_COUNCILS councils
 * (2000) of BENCH_REMINDER_MEMBERS members (25) each, spread over BENCH_REMINDER_TENANTS tenants
 * (20) like the regions, with one meeting reminder per council all due in the same minute.
 *
 * One compiled real bot (OUTBOX_POLL_MS=100, TEAMS_TENANT_RATE=50) on SQLite, or on a throwaway
 * PostgreSQL server with BENCH_REMINDER_DB=postgres. Each council is its own group chat with a
 * roster of distinct people; the chair sets it up and plans a meeting 20 days ahead
 * (BENCH_REMINDER_SETUP_CONCURRENCY councils at a time; not measured). That queues two reminders
 * per meeting (7 and 1 days before). The bot is stopped, the 1-day reminders are made due now and
 * the 7-day ones pushed to 2099, and the bot is started again: the clock starts when it is ready.
 *
 * Expected per council: one agenda card in the council chat and one personal reminder card to each
 * member (createConversation, then a send to the created conversation). While they arrive the
 * fake connector answers 429 (Retry-After: 1) to every BENCH_REMINDER_THROTTLE_EVERY-th (5th)
 * send/update call, a share of the traffic whatever its rate (a fixed number of 429s per interval
 * would, once few sends are left, refuse every one of them for ever). Measured: time from ready to the last expected card, messages per second,
 * duplicates (a council with two agenda cards or a person with two reminders) and losses (none by
 * BENCH_REMINDER_TIMEOUT_S, 900, or none 10 s after the last card with no reminder job left
 * unsent, whether due now or waiting out a backoff: the bot considers them delivered). Afterwards the database must hold no due reminder job
 * unsent. Duplicates, losses or unsent jobs make the run fail. The outbox starts before /readyz
 * answers, so the first card can come "before" ready.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type ConnectorCall, FakeConnector } from '../test/support/fake-connector.js';
import { type PostgresServer, createDatabase, startPostgres } from '../test/support/postgres.js';
import { type Conversation, TeamsClient, type User, cardOf, cardTexts, user } from '../test/support/teams-client.js';
import { envInt, percentile, round, writeResultsSection } from './stats.js';
import type { BurstBot } from './vote-burst.js';

const RESULTS_KEY = 'reminderBurst';
const OUTBOX_POLL_MS = 100;
const TENANT_RATE = 50;
/** After the last expected card, how long to keep counting for late duplicates. */
const SETTLE_MS = 3_000;
/**
 * No new card for this long and no reminder job unsent (also none waiting out a backoff, due
 * later): the missing ones are not coming.
 */
const QUIET_MS = 10_000;
const FAR_FUTURE = '2099-01-01T00:00:00.000Z';
const PERSONAL = /^Påminnelse från Råd (\d+)$/;

type Db = 'sqlite' | 'postgres';

function config() {
  const members = envInt('BENCH_REMINDER_MEMBERS', 25);
  if (members > 999) throw new Error('BENCH_REMINDER_MEMBERS must be at most 999');
  return {
    councils: envInt('BENCH_REMINDER_COUNCILS', 2000),
    members,
    tenants: envInt('BENCH_REMINDER_TENANTS', 20),
    setupConcurrency: envInt('BENCH_REMINDER_SETUP_CONCURRENCY', 16),
    throttleEvery: envInt('BENCH_REMINDER_THROTTLE_EVERY', 5),
    retryAfterS: envInt('BENCH_REMINDER_RETRY_AFTER_S', 1),
    timeoutS: envInt('BENCH_REMINDER_TIMEOUT_S', 900),
    db: (process.env.BENCH_REMINDER_DB === 'postgres' ? 'postgres' : 'sqlite') as Db,
    outboxPollMs: OUTBOX_POLL_MS,
    tenantRate: TENANT_RATE,
  };
}

/** The real bot as run.ts starts it, with its memory from /proc. */
export interface ReminderBot extends BurstBot {
  memory(): { rssMb: number; peakRssMb: number } | undefined;
}

export interface ReminderBurstOptions {
  /** A real bot process (not started) with these extra environment variables. */
  bot(env: Record<string, string>): ReminderBot;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (card: any) => cardTexts(card).join('\n');

/** A date this many days ahead (UTC; a day either way makes no difference 20 days out). */
function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Runs n tasks, `concurrency` at a time; the first failure stops the rest and rejects. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    for (let i = next++; i < n && failed === undefined; i = next++) {
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (failed !== undefined) throw failed;
}

/** The reminder jobs in the bot's database, whichever backend it runs on. */
interface OutboxAccess {
  /** Makes the 1-day reminders due now and every other meeting reminder due in 2099; the number made due. */
  armOneReminderPerMeeting(now: string): Promise<number>;
  /** Reminder jobs due by `now` and not sent, how many reminder jobs took more than one attempt, and their attempts in all. */
  reminderState(now: string): Promise<{ unsent: number; retried: number; attempts: number; lastError: string | null }>;
  close(): Promise<void>;
}

function sqliteOutbox(file: string): OutboxAccess {
  const open = () => new Database(file);
  return {
    async armOneReminderPerMeeting(now) {
      const db = open();
      try {
        db.prepare("update outbox set due_at = ? where kind = 'meetingReminder' and key not like '%:1'").run(FAR_FUTURE);
        return db.prepare("update outbox set due_at = ? where kind = 'meetingReminder' and key like '%:1'").run(now).changes;
      } finally {
        db.close();
      }
    },
    async reminderState(now) {
      const db = open();
      try {
        const unsent = db.prepare("select count(*) as n from outbox where sent_at is null and kind in ('meetingReminder', 'memberReminder') and due_at < ?").get(FAR_FUTURE) as { n: number };
        const retried = db.prepare("select count(*) as n from outbox where kind in ('meetingReminder', 'memberReminder') and attempts > 1").get() as { n: number };
        const attempts = db.prepare("select coalesce(sum(attempts), 0) as n from outbox where kind in ('meetingReminder', 'memberReminder')").get() as { n: number };
        const last = db.prepare("select last_error as e from outbox where kind in ('meetingReminder', 'memberReminder') and last_error is not null limit 1").get() as { e: string } | undefined;
        return { unsent: unsent.n, retried: retried.n, attempts: attempts.n, lastError: last?.e ?? null };
      } finally {
        db.close();
      }
    },
    async close() {},
  };
}

function postgresOutbox(url: string): OutboxAccess {
  const query = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  return {
    async armOneReminderPerMeeting(now) {
      await query("update outbox set due_at = $1 where kind = 'meetingReminder' and key not like '%:1'", [FAR_FUTURE]);
      return (await query("update outbox set due_at = $1 where kind = 'meetingReminder' and key like '%:1'", [now])).rowCount ?? 0;
    },
    async reminderState(now) {
      const unsent = await query("select count(*)::int as n from outbox where sent_at is null and kind in ('meetingReminder', 'memberReminder') and due_at < $1", [FAR_FUTURE]);
      const retried = await query("select count(*)::int as n from outbox where kind in ('meetingReminder', 'memberReminder') and attempts > 1");
      const attempts = await query("select coalesce(sum(attempts), 0)::int as n from outbox where kind in ('meetingReminder', 'memberReminder')");
      const last = await query("select last_error as e from outbox where kind in ('meetingReminder', 'memberReminder') and last_error is not null limit 1");
      return { unsent: unsent.rows[0].n as number, retried: retried.rows[0].n as number, attempts: attempts.rows[0].n as number, lastError: (last.rows[0]?.e as string | undefined) ?? null };
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------

interface Council {
  chat: Conversation;
  members: User[];
}

/** What arrived at the connector, counted as it comes so that the recorded calls can be dropped. */
class Tally {
  /** Agenda cards per council chat, by council index. */
  readonly agendas: number[];
  /** Personal reminders per person, by user id. */
  readonly personal = new Map<string, number>();
  /** The person a created 1:1 conversation is with. */
  private readonly personOf = new Map<string, string>();
  /** Personal sends whose createConversation has not been seen (should stay empty). */
  private unresolved: ConnectorCall[] = [];
  /** Council chat index by conversation id. */
  private readonly councilOf = new Map<string, number>();
  /** Council index of each member, by user id. */
  private readonly memberOf = new Map<string, number>();
  agendaComplete = 0;
  personalComplete = 0;
  /** Personal reminders from another council than the person's. */
  misdirected = 0;
  /** Sends that were neither an agenda card nor a personal reminder, and the first texts of a few. */
  other = 0;
  readonly otherSamples: string[] = [];
  createConversations = 0;
  /** Epoch ms of the last call that completed the expected set, and of the first delivered card. */
  lastExpectedAt = 0;
  firstAt = 0;
  /** Epoch ms of every delivered expected card (first per council / person), for the rate curve. */
  readonly deliveredAt: number[] = [];

  constructor(readonly councils: Council[]) {
    this.agendas = councils.map(() => 0);
    councils.forEach((c, i) => {
      this.councilOf.set(c.chat.id, i);
      for (const m of c.members) this.memberOf.set(m.id, i);
    });
  }

  get expected(): number {
    return this.councils.length + this.memberOf.size;
  }

  get delivered(): number {
    return this.agendaComplete + this.personalComplete;
  }

  get done(): boolean {
    return this.delivered === this.expected;
  }

  /** Counts the connector's calls so far and drops them from its memory. */
  drain(connector: FakeConnector): void {
    const calls = connector.calls.splice(0, connector.calls.length);
    for (const c of calls) {
      if (c.kind === 'createConversation') {
        this.createConversations++;
        const id = c.body?.members?.[0]?.id;
        if (c.conversationId && typeof id === 'string') this.personOf.set(c.conversationId, id);
      }
    }
    const pending = this.unresolved;
    this.unresolved = [];
    for (const c of [...pending, ...calls]) {
      if (c.kind !== 'send') continue;
      const card = cardOf(c.body);
      const council = this.councilOf.get(c.conversationId ?? '');
      if (council !== undefined) {
        if (card && text(card).includes('Dagordning')) {
          if (++this.agendas[council]! === 1) this.delivered1(c.at, 'agenda');
        } else this.noteOther(c);
        continue;
      }
      const title = card ? cardTexts(card).find((s) => PERSONAL.test(s)) : undefined;
      if (!title) {
        this.noteOther(c);
        continue;
      }
      const person = this.personOf.get(c.conversationId ?? '');
      if (!person) {
        this.unresolved.push(c);
        continue;
      }
      const n = (this.personal.get(person) ?? 0) + 1;
      this.personal.set(person, n);
      const from = Number(PERSONAL.exec(title)![1]) - 1;
      if (from !== this.memberOf.get(person)) this.misdirected++;
      if (n === 1 && this.memberOf.has(person)) this.delivered1(c.at, 'personal');
    }
  }

  private noteOther(c: ConnectorCall): void {
    this.other++;
    if (this.otherSamples.length < 3) {
      const card = cardOf(c.body);
      this.otherSamples.push(`${c.conversationId}: ${(card ? cardTexts(card).slice(0, 3).join(' | ') : String(c.body?.text ?? '')).slice(0, 160)}`);
    }
  }

  /** A few of the councils and people that got nothing, for the report. */
  missing(): string[] {
    const councils = this.agendas.flatMap((n, i) => (n === 0 ? [`agenda of Råd ${i + 1}`] : [])).slice(0, 3);
    const people = [...this.memberOf.keys()].filter((id) => !this.personal.has(id)).slice(0, 3);
    return [...councils, ...people.map((id) => `reminder to ${id}`)];
  }

  private delivered1(at: number, kind: 'agenda' | 'personal'): void {
    if (kind === 'agenda') this.agendaComplete++;
    else this.personalComplete++;
    this.deliveredAt.push(at);
    if (this.firstAt === 0 || at < this.firstAt) this.firstAt = at;
    if (at > this.lastExpectedAt) this.lastExpectedAt = at;
  }

  duplicates(): { agenda: number; personal: number } {
    return { agenda: this.agendas.filter((n) => n > 1).length, personal: [...this.personal.values()].filter((n) => n > 1).length };
  }

  losses(): { agenda: number; personal: number } {
    return { agenda: this.agendas.filter((n) => n === 0).length, personal: [...this.memberOf.keys()].filter((id) => !this.personal.has(id)).length };
  }

  get unresolvedSends(): number {
    return this.unresolved.length;
  }
}

interface BurstResult {
  councils: number;
  members: number;
  tenants: number;
  db: Db;
  setupSeconds: number;
  restartMs: number;
  expected: number;
  delivered: number;
  /** From the restarted bot being ready to the last expected card, in ms (NaN when some never came). */
  deliverAllMs: number;
  /** From ready to the first card, in ms. */
  firstCardMs: number;
  messagesPerSecond: number;
  /** Time by which 50 % / 90 % / 99 % of the expected cards had arrived, from ready, in ms. */
  deliveredByMs: { p50: number; p90: number; p99: number };
  duplicates: { agenda: number; personal: number };
  losses: { agenda: number; personal: number };
  misdirected: number;
  otherSends: number;
  createConversations: number;
  throttled429s: number;
  /** Sends and updates of a message that got 429, and how many of those came before its Retry-After. */
  resends: number;
  resendsTooSoon: number;
  /** Time from a 429 to the resend of that message, median, in ms. */
  resendAfterMsP50: number;
  /** Send and update requests per reminder job attempt: each attempt sends one card (after createConversation). */
  requestsPerAttempt: number;
  unsentDueJobs: number;
  retriedJobs: number;
  lastJobError: string | null;
  botCpuMs: number;
  botCpuMsPerMessage: number;
  botRssMb: number;
  botPeakRssMb: number;
  botLogLines: number;
  timedOut: boolean;
}

async function runBurst(cfg: ReturnType<typeof config>, options: ReminderBurstOptions, env: Record<string, string>, outbox: (dataDir: string) => OutboxAccess): Promise<BurstResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-reminders-'));
  const connector = new FakeConnector();
  // BENCH_REMINDER_CONCURRENCY sets the bot's OUTBOX_CONCURRENCY, to compare it with the default side by side.
  const concurrency: Record<string, string> = process.env.BENCH_REMINDER_CONCURRENCY ? { OUTBOX_CONCURRENCY: process.env.BENCH_REMINDER_CONCURRENCY } : {};
  const bot = options.bot({ OUTBOX_POLL_MS: String(OUTBOX_POLL_MS), TEAMS_TENANT_RATE: String(TENANT_RATE), DATA_DIR: dataDir, ...concurrency, ...env });
  const client = new TeamsClient(() => bot.url, connector);
  const onSigint = () => bot.child?.kill('SIGTERM');
  process.once('SIGINT', onSigint);
  const db = outbox(dataDir);
  try {
    await connector.start();
    connector.pageSize = 1000;
    const councils: Council[] = Array.from({ length: cfg.councils }, (_, c) => ({
      chat: { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', tenantId: `tenant-${String((c % cfg.tenants) + 1).padStart(4, '0')}` },
      members: Array.from({ length: cfg.members }, (_, i) => user(c * 1000 + i + 1, i === 0 ? `Ordförande ${c + 1}` : `Ledamot ${c + 1}.${i + 1}`)),
    }));
    for (const c of councils) connector.setRoster(c.chat.id, c.members.map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })));
    await bot.start();

    // Setup (not measured): every council and its meeting.
    const date = daysAhead(20);
    const setupStarted = performance.now();
    let setUp = 0;
    const progress = setInterval(() => console.log(`  reminder burst setup: ${setUp}/${cfg.councils} councils (${((performance.now() - setupStarted) / 1000).toFixed(0)} s)`), 30_000);
    try {
      await pool(cfg.councils, cfg.setupConcurrency, async (c) => {
        const { chat, members } = councils[c]!;
        const chair = members[0]!;
        const setup = await client.execute(chat, chair, { verb: 'council.setup' }, { name: `Råd ${c + 1}`, locale: 'sv', timeZone: 'Europe/Stockholm' });
        if (setup.status !== 200 || !setup.card) throw new Error(`council ${c + 1}: council.setup answered ${setup.status} ${JSON.stringify(setup.body).slice(0, 200)}`);
        const planned = await client.say(chat, chair, `nytt möte ${date} 13:00-16:00`);
        if (planned.status !== 200) throw new Error(`council ${c + 1}: nytt möte answered ${planned.status}`);
        setUp++;
        // The replies are not counted: drop them as they come.
        if (c % 64 === 0) connector.reset();
      });
    } finally {
      clearInterval(progress);
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(`reminder burst: ${cfg.councils} councils × ${cfg.members} members over ${cfg.tenants} tenants set up in ${setupSeconds.toFixed(1)} s`);

    // Restart with one reminder per meeting due now.
    await bot.stop();
    const armed = await db.armOneReminderPerMeeting(new Date().toISOString());
    if (armed !== cfg.councils) throw new Error(`${armed} 1-day meeting reminders queued, expected ${cfg.councils}`);
    connector.reset();
    const tally = new Tally(councils);
    const throttledBefore = connector.throttled;
    connector.throttleShare(cfg.throttleEvery, cfg.retryAfterS);
    const restartMs = await bot.start();
    const readyAt = Date.now();
    const logMark = bot.output.length;
    const cpu0 = bot.cpuMs();

    // Count as they arrive until all expected cards are in or the time is up.
    const deadline = readyAt + cfg.timeoutS * 1000;
    let lastReport = readyAt;
    let lastDelivered = 0;
    let lastChange = readyAt;
    let gaveUp = false;
    while (Date.now() < deadline) {
      tally.drain(connector);
      if (tally.done) break;
      if (tally.delivered !== lastDelivered) {
        lastDelivered = tally.delivered;
        lastChange = Date.now();
      } else if (Date.now() - lastChange >= QUIET_MS && (await db.reminderState(new Date().toISOString())).unsent === 0) {
        // Nothing arrives any more and the bot has nothing left to send: the rest is lost.
        gaveUp = true;
        break;
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        console.log(
          `  reminder burst: ${tally.delivered}/${tally.expected} delivered after ${((lastReport - readyAt) / 1000).toFixed(0)} s ` +
            `(agenda cards ${tally.agendaComplete}/${cfg.councils}, personal ${tally.personalComplete}/${cfg.councils * cfg.members}, 429s so far ${connector.throttled - throttledBefore})`,
        );
      }
      await sleep(250);
    }
    const timedOut = !tally.done && !gaveUp;
    const cpuMs = bot.cpuMs() - cpu0;
    const memory = bot.memory();
    // Late duplicates: keep counting a little longer, with the throttle still on.
    await sleep(SETTLE_MS);
    tally.drain(connector);
    connector.throttleShare(0);
    const throttled = connector.throttled - throttledBefore;
    const state = await db.reminderState(new Date().toISOString());
    const resends = connector.resendsAfter429();
    const sendRequests = connector.requests.filter((r) => r.kind === 'send' || r.kind === 'update').length;
    if (!tally.done) process.stderr.write(`  reminder burst: never delivered, e.g. ${tally.missing().join('; ')}\n`);
    for (const o of tally.otherSamples) process.stderr.write(`  reminder burst: other send ${o}\n`);
    const logLines = bot.output
      .slice(logMark)
      .split('\n')
      .filter((l) => /"level":(4|5|6)0/.test(l));
    for (const l of logLines.slice(0, 5)) process.stderr.write(`  reminder burst bot log: ${l.slice(0, 300)}\n`);

    const at = tally.deliveredAt.map((t) => t - readyAt).sort((a, b) => a - b);
    const deliverAllMs = tally.done ? tally.lastExpectedAt - readyAt : NaN;
    return {
      councils: cfg.councils,
      members: cfg.members,
      tenants: cfg.tenants,
      db: cfg.db,
      setupSeconds: round(setupSeconds, 1),
      restartMs: round(restartMs, 0),
      expected: tally.expected,
      delivered: tally.delivered,
      deliverAllMs: round(deliverAllMs, 0),
      firstCardMs: tally.firstAt ? tally.firstAt - readyAt : NaN,
      messagesPerSecond: round(tally.delivered / ((tally.lastExpectedAt - readyAt) / 1000), 1),
      deliveredByMs: { p50: percentile(at, 50), p90: percentile(at, 90), p99: percentile(at, 99) },
      duplicates: tally.duplicates(),
      losses: tally.losses(),
      misdirected: tally.misdirected,
      otherSends: tally.other + tally.unresolvedSends,
      createConversations: tally.createConversations,
      throttled429s: throttled,
      resends: resends.length,
      resendsTooSoon: resends.filter((r) => r.afterMs < r.retryAfterS * 1000).length,
      resendAfterMsP50: percentile(resends.map((r) => r.afterMs).sort((a, b) => a - b), 50),
      requestsPerAttempt: round(sendRequests / Math.max(1, state.attempts), 2),
      unsentDueJobs: state.unsent,
      retriedJobs: state.retried,
      lastJobError: state.lastError,
      botCpuMs: round(cpuMs, 0),
      botCpuMsPerMessage: round(cpuMs / Math.max(1, tally.delivered), 3),
      botRssMb: memory?.rssMb ?? NaN,
      botPeakRssMb: memory?.peakRssMb ?? NaN,
      botLogLines: logLines.length,
      timedOut,
    };
  } catch (err) {
    const tail = bot.output.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${(err as Error).message}${tail ? `\nbot output (last lines):\n${tail}` : ''}`, { cause: err });
  } finally {
    connector.throttleShare(0);
    process.off('SIGINT', onSigint);
    await bot.stop();
    await connector.stop();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

/** Runs the burst and adds "reminderBurst" to the results file; false when it broke or lost or doubled a reminder. */
export async function runReminderBurstBench(options: ReminderBurstOptions): Promise<boolean> {
  const cfg = config();
  const method =
    `${cfg.councils} councils × ${cfg.members} members (distinct people) over ${cfg.tenants} tenants, each council its own group chat with a meeting 20 days ahead; ` +
    `the bot is stopped, the 1-day reminder of every meeting made due now (the 7-day one pushed to 2099) and the bot started again; ` +
    `expected per council: 1 agenda card in the chat + ${cfg.members} personal reminder cards (createConversation + send); ` +
    `the fake connector answers 429 (Retry-After: ${cfg.retryAfterS}) to every ${cfg.throttleEvery}th send/update call; ` +
    `time from the restarted bot's /readyz 200 to the last expected card; messages/s = expected cards / that time; ` +
    `one bot process on ${cfg.db} (OUTBOX_POLL_MS=${OUTBOX_POLL_MS}, TEAMS_TENANT_RATE=${TENANT_RATE}); ${cpus().length} shared cpu(s) for the driver, the fake connector and the bot`;
  console.log(`\nreminder burst: ${method}`);

  let server: PostgresServer | undefined;
  const stopServer = () => server?.stop();
  let outcome: BurstResult | { skipped: string } | { failed: string };
  let ok = true;
  try {
    if (cfg.db === 'postgres') {
      let url = '';
      let reason = '';
      try {
        server = await startPostgres();
        process.once('SIGINT', stopServer);
        url = await createDatabase(server.url, `bench_reminders_${randomUUID().slice(0, 8)}`);
      } catch (err) {
        reason = ((err as Error).message ?? String(err)).split('\n')[0]!;
        console.log(`reminder burst skipped: PostgreSQL not available (${reason})`);
      }
      outcome = url ? await runBurst(cfg, options, { DATABASE_URL: url }, () => postgresOutbox(url)) : { skipped: `PostgreSQL not available (${reason})` };
    } else {
      outcome = await runBurst(cfg, options, {}, (dataDir) => sqliteOutbox(join(dataDir, 'council-assistant.sqlite')));
    }
  } catch (err) {
    ok = false;
    const reason = (err as Error).message ?? String(err);
    process.stderr.write(`reminder burst failed: ${reason}\n`);
    outcome = { failed: reason.split('\n')[0]! };
  } finally {
    process.off('SIGINT', stopServer);
    try {
      server?.stop();
    } catch (err) {
      process.stderr.write(`reminder burst: stopping PostgreSQL failed: ${(err as Error).message}\n`);
    }
  }

  const rows: [string, string][] = [];
  if ('skipped' in outcome || 'failed' in outcome) {
    rows.push(['reminder burst', 'skipped' in outcome ? `skipped: ${outcome.skipped}` : `FAILED: ${outcome.failed}`]);
  } else {
    const o = outcome;
    const bad = o.duplicates.agenda + o.duplicates.personal + o.losses.agenda + o.losses.personal + o.misdirected + o.unsentDueJobs > 0 || o.timedOut;
    if (bad) ok = false;
    rows.push(
      ['setup, not measured (s)', f(o.setupSeconds, 1)],
      ['restart to /readyz (ms)', f(o.restartMs, 0)],
      [
        'time to deliver all (s)',
        o.timedOut ? `TIMED OUT after ${cfg.timeoutS} s (${o.delivered}/${o.expected})` : o.delivered < o.expected ? `NEVER (${o.delivered}/${o.expected}, nothing left to send)` : f(o.deliverAllMs / 1000, 1),
      ],
      ['first card after ready (ms)', f(o.firstCardMs, 0)],
      ['50 % / 90 % / 99 % delivered by (s)', `${f(o.deliveredByMs.p50 / 1000, 1)} / ${f(o.deliveredByMs.p90 / 1000, 1)} / ${f(o.deliveredByMs.p99 / 1000, 1)}`],
      ['messages per second', f(o.messagesPerSecond, 1)],
      ['expected / delivered', `${o.expected} / ${o.delivered}`],
      ['duplicates (agenda / personal)', `${o.duplicates.agenda} / ${o.duplicates.personal}`],
      ['losses (agenda / personal)', `${o.losses.agenda} / ${o.losses.personal}`],
      ['misdirected personal reminders', String(o.misdirected)],
      ['other sends', String(o.otherSends)],
      ['createConversation calls', String(o.createConversations)],
      ['429s answered', String(o.throttled429s)],
      ['resends before Retry-After / resends', `${o.resendsTooSoon} / ${o.resends}`],
      ['429 to resend, median (s)', f(o.resendAfterMsP50 / 1000, 1)],
      ['send/update requests per job attempt', f(o.requestsPerAttempt, 2)],
      ['due reminder jobs left unsent', String(o.unsentDueJobs)],
      ['reminder jobs retried', `${o.retriedJobs}${o.lastJobError ? ` (e.g. ${o.lastJobError.slice(0, 80)})` : ''}`],
      ['bot CPU (s) / per message (ms)', `${f(o.botCpuMs / 1000, 1)} / ${f(o.botCpuMsPerMessage, 3)}`],
      ['bot RSS / peak RSS (MB)', `${f(o.botRssMb, 1)} / ${f(o.botPeakRssMb, 1)}`],
      ['bot warnings', String(o.botLogLines)],
      ['result', bad ? 'FAIL' : 'PASS'],
    );
  }
  const label = (s: string) => `reminder burst ${s}`;
  const width = Math.max(...rows.map(([l]) => label(l).length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  console.log(`\nreminder burst, ${cfg.councils} councils × ${cfg.members} members on ${cfg.db}:`);
  for (const [l, value] of rows) console.log(`${label(l).padEnd(width)}  ${value.padStart(valueWidth)}`);

  writeResultsSection(RESULTS_KEY, { at: new Date().toISOString(), node: process.version, cpus: cpus().length, config: cfg, method, ...outcome });
  return ok;
}

function f(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}
