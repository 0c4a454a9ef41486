/**
 * Throughput with one and with two bot instances on one PostgreSQL database, for `npm run bench`
 * (run.ts); figures under "instances" in bench/results/latest.json.
 *
 * Two compiled real bots share DATABASE_URL (a throwaway server from test/support/postgres.ts) and
 * ANONYMOUS_VOTE_KEY, each with a DATA_DIR of its own, as instances behind a load balancer would.
 * Both stay up for the whole run so that the configurations differ only in where requests go:
 * "one" sends every request to a single instance (A in odd rounds, B in even ones, so neither
 * process's warmth favours a configuration), "two" sends request i to instance i mod 2. Each
 * configuration gets the same offered load: a closed loop of BENCH_INSTANCE_CONCURRENCY (16)
 * clients, each in a conversation of its own, so no two requests in flight share a conversation or
 * a meeting and what contends is CPU, the bots' connection pools and PostgreSQL, not one meeting.
 *
 * Per round (BENCH_INSTANCE_ROUNDS, 5), each workload runs on both configurations in
 * BENCH_INSTANCE_SLICES (4) alternating slices, which goes first flipping each time, because the
 * machine is shared and a neighbour's load comes and goes within seconds:
 * - message turns: BENCH_INSTANCE_MESSAGES (600) "hjälp" in the clients' personal chats;
 * - record decision and next item: BENCH_INSTANCE_INVOKES (200) each of bench/meeting-actions.ts's
 *   card actions on one open meeting per client (a recorded decision is undone by a second,
 *   untimed invoke: two requests per action).
 * Rounds that would end past BENCH_INSTANCE_BUDGET_S (210 s from the start of this part) are left
 * out, three at least kept. Figures are medians over the rounds; two/one is the ratio of the median throughputs (and the
 * median of the per-round ratios beside it). Answers other than 200 are counted apart from other
 * failures. CPU seconds per phase come from /proc: each bot, the PostgreSQL server with its
 * backends, this process (the clients and the fake connector the bots reply to) and the whole
 * machine, to tell which of them runs out first.
 *
 * A PostgreSQL server that cannot start is a "skipped" result, not a failure.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { FakeConnector } from '../test/support/fake-connector.js';
import { type PostgresServer, createDatabase, startPostgres } from '../test/support/postgres.js';
import { type Conversation, TeamsClient, type User, user } from '../test/support/teams-client.js';
import { type CardActionKind, cardActionTask, setUpMeetings } from './meeting-actions.js';
import { envInt, median, percentile, round, writeResultsSection } from './stats.js';

/** A real bot process (run.ts's BenchBot), not started. */
export interface InstanceBot {
  readonly url: string;
  readonly output: string;
  start(): Promise<number>;
  stop(): Promise<void>;
  /** CPU time the process has used so far, in ms. */
  cpuMs(): number;
}

type Setup = 'one' | 'two';
type Kind = 'message' | CardActionKind;
const KINDS: Kind[] = ['message', 'recordDecision', 'nextItem'];
const LABEL: Record<Kind, string> = { message: 'turns', recordDecision: 'decisions', nextItem: 'next items' };
/** HTTP requests per measured operation: a recorded decision is undone again. */
const REQUESTS: Record<Kind, number> = { message: 1, recordDecision: 2, nextItem: 1 };

function config() {
  return {
    rounds: envInt('BENCH_INSTANCE_ROUNDS', 5),
    concurrency: envInt('BENCH_INSTANCE_CONCURRENCY', 16),
    messages: envInt('BENCH_INSTANCE_MESSAGES', 600),
    invokes: envInt('BENCH_INSTANCE_INVOKES', 200),
    slices: envInt('BENCH_INSTANCE_SLICES', 4),
    budgetSeconds: envInt('BENCH_INSTANCE_BUDGET_S', 210),
    warmup: envInt('BENCH_INSTANCE_WARMUP', 150),
  };
}
type Config = ReturnType<typeof config>;

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc

const CLOCK_TICKS = 100; // USER_HZ on Linux

function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the parenthesised command name: field 3 (state) onwards, so field n is at n - 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The postmaster listening on `port`, found by its command line (startPostgres does not say). */
function postmasterPid(port: string): number | undefined {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const p = argv.indexOf('-p');
      if (/(^|\/)postgres$/.test(argv[0] ?? '') && p >= 0 && argv[p + 1] === port) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * CPU ms of the server: the postmaster with its reaped children (cutime/cstime: backends that
 * have exited) plus every live child, since each connection is a process of its own.
 */
function postgresCpuMs(postmaster: number | undefined): number {
  const own = postmaster === undefined ? undefined : statFields(postmaster);
  if (!own) return NaN;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const f = statFields(pid);
    if (f && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** CPU ms the whole machine has been busy (all cores, every process), from /proc/stat. */
function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = ticks.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
  return (busy * 1000) / CLOCK_TICKS;
}

const benchCpuMs = () => {
  const { user: u, system } = process.cpuUsage();
  return (u + system) / 1000;
};

interface CpuSplit {
  /** CPU seconds per bot instance, A then B. */
  bots: number[];
  postgres: number;
  /** This process: the clients and the fake connector. */
  bench: number;
  /** Everything else on the machine in the same time (other tenants of a shared host included). */
  other: number;
  /** The machine's busy CPU seconds over wall seconds: how many of its cores were in use. */
  coresBusy: number;
  /** The busiest bot's CPU over wall time: near 1, its event loop is the limit. */
  busiestBotCores: number;
  /** Both bots' CPU per operation, in ms: what an operation costs whichever instance runs it. */
  botMsPerOperation: number;
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Which instances take the next requests: request i goes to targets[i mod length]. */
class Spread {
  targets: InstanceBot[] = [];
  private next = 0;
  readonly url = () => this.targets[this.next++ % this.targets.length]!.url;
}

/** A client whose requests go where `spread` says, counting answers other than 200. */
class CountingClient extends TeamsClient {
  non200 = 0;
  requests = 0;

  constructor(
    readonly spread: Spread,
    connector: FakeConnector,
  ) {
    super(spread.url, connector);
  }

  override async post(activity: unknown): Promise<{ status: number; body: any }> {
    this.requests++;
    const result = await super.post(activity);
    if (result.status !== 200) this.non200++;
    return result;
  }
}

/** One run of `n` operations on one configuration, before the slices of a round are added up. */
interface Slice {
  latencies: number[];
  failed: number;
  non200: number;
  missingReplies: number;
  requests: number;
  wallMs: number;
  /** CPU ms used meanwhile; bots busy first under "one" (the idle one only polls its outbox). */
  cpuMs: { bots: number[]; postgres: number; bench: number; machine: number };
}

interface PhaseResult {
  n: number;
  failed: number;
  non200: number;
  /** Turns answered 200 without their reply message (or with more than one: negative). */
  missingReplies: number;
  requests: number;
  wallMs: number;
  /** Operations (turns, decisions, next items) completed per second. */
  perSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuSeconds: CpuSplit;
}

class InstanceRun {
  readonly connector = new FakeConnector();
  readonly client = new CountingClient(new Spread(), this.connector);
  readonly chair = user(1, 'Anna Andersson');
  readonly roster = [this.chair, ...Array.from({ length: 11 }, (_, i) => user(i + 2, `Ledamot ${i + 2}`))];
  readonly people: User[];
  readonly chats: Conversation[];
  tasks = {} as Record<CardActionKind, (i: number) => Promise<number>>;
  postmaster: number | undefined;
  errorSamples = new Map<string, number>();

  constructor(
    readonly bots: InstanceBot[],
    readonly cfg: Config,
  ) {
    this.people = Array.from({ length: cfg.concurrency }, (_, k) => user(500 + k, `Person ${k + 1}`));
    this.chats = this.people.map((_, k) => ({ id: `a:bench-instances-${k}`, type: 'personal' }));
  }

  async setUp(databaseUrl: string): Promise<void> {
    await this.connector.start();
    this.postmaster = postmasterPid(new URL(databaseUrl).port);
    // One after the other: the first runs the migrations, the second finds them done.
    for (const bot of this.bots) await bot.start();
    // The meetings are the workload's input, not the measurement: set up through instance A.
    this.client.spread.targets = [this.bots[0]!];
    const pool = await setUpMeetings(this.client, this.connector, this.chair, this.roster, this.cfg.concurrency);
    for (const kind of ['recordDecision', 'nextItem'] as const) this.tasks[kind] = cardActionTask(kind, 'real', this.client, this.connector, pool, this.chair);
    this.connector.reset();
  }

  /** `n` operations from `concurrency` clients; client w always in conversation w for turns. */
  async slice(kind: Kind, targets: InstanceBot[], n: number): Promise<Slice> {
    this.client.spread.targets = targets;
    this.client.non200 = 0;
    this.client.requests = 0;
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const say = async (w: number) => {
      const { status } = await this.client.say(this.chats[w]!, this.people[w]!, 'hjälp');
      if (status !== 200) throw new Error(`message turn answered ${status}`);
    };
    const worker = async (w: number) => {
      for (let i = next++; i < n; i = next++) {
        const start = performance.now();
        try {
          const timed = kind === 'message' ? await say(w) : await this.tasks[kind](i);
          latencies.push(typeof timed === 'number' ? timed : performance.now() - start);
        } catch (err) {
          failed++;
          const what = `${kind}: ${((err as Error).message ?? String(err)).slice(0, 200)}`;
          this.errorSamples.set(what, (this.errorSamples.get(what) ?? 0) + 1);
        }
      }
    };
    const cpu0 = this.cpu();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: Math.min(this.cfg.concurrency, n) }, (_, w) => worker(w)));
    const wallMs = performance.now() - t0;
    const cpu1 = this.cpu();
    // A 200 is not enough for a turn: "hjälp" is answered by one message sent through the connector.
    const missingReplies = kind === 'message' ? latencies.length - this.connector.sent().length : 0;
    if (missingReplies !== 0) this.errorSamples.set(`${kind}: ${missingReplies} turns without a reply`, 1);
    this.connector.reset();
    const bots = this.bots.map((_, i) => cpu1.bots[i]! - cpu0.bots[i]!);
    if (targets.length === 1 && targets[0] !== this.bots[0]) bots.reverse();
    return {
      latencies,
      failed,
      non200: this.client.non200,
      missingReplies,
      requests: this.client.requests,
      wallMs,
      cpuMs: { bots, postgres: cpu1.postgres - cpu0.postgres, bench: cpu1.bench - cpu0.bench, machine: cpu1.machine - cpu0.machine },
    };
  }

  private cpu() {
    return { bots: this.bots.map((b) => b.cpuMs()), postgres: postgresCpuMs(this.postmaster), bench: benchCpuMs(), machine: machineBusyMs() };
  }

  async stop(): Promise<void> {
    await Promise.all(this.bots.map((b) => b.stop()));
    await this.connector.stop();
  }
}

/** The slices of one configuration in a round, as if run in one go. */
function combine(slices: Slice[]): PhaseResult {
  const sum = (pick: (s: Slice) => number) => slices.reduce((t, s) => t + pick(s), 0);
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const wallMs = sum((s) => s.wallMs);
  const bots = [0, 1].map((i) => sum((s) => s.cpuMs.bots[i]!));
  const [postgres, bench, machine] = [sum((s) => s.cpuMs.postgres), sum((s) => s.cpuMs.bench), sum((s) => s.cpuMs.machine)];
  const n = latencies.length + sum((s) => s.failed);
  const requests = sum((s) => s.requests);
  return {
    n,
    failed: sum((s) => s.failed),
    non200: sum((s) => s.non200),
    missingReplies: sum((s) => s.missingReplies),
    requests,
    wallMs: round(wallMs, 1),
    perSecond: round((latencies.length / wallMs) * 1000, 1),
    requestsPerSecond: round((requests / wallMs) * 1000, 1),
    p50: round(percentile(latencies, 50), 2),
    p99: round(percentile(latencies, 99), 2),
    cpuSeconds: {
      bots: bots.map((v) => round(v / 1000, 2)),
      postgres: round(postgres / 1000, 2),
      bench: round(bench / 1000, 2),
      other: round(Math.max(0, machine - bots[0]! - bots[1]! - postgres - bench) / 1000, 2),
      coresBusy: round(machine / wallMs, 2),
      busiestBotCores: round(Math.max(...bots) / wallMs, 2),
      botMsPerOperation: round((bots[0]! + bots[1]!) / n, 2),
    },
  };
}

// ---------------------------------------------------------------------------------------------

const count = (cfg: Config, kind: Kind) => (kind === 'message' ? cfg.messages : cfg.invokes);

async function measure(run: InstanceRun, cfg: Config, startedAt: number) {
  const [a, b] = run.bots as [InstanceBot, InstanceBot];
  // Warm-up through both: JIT, connection pools, and every conversation's state in the database.
  for (const kind of KINDS) await run.slice(kind, [a, b], Math.max(cfg.warmup, cfg.concurrency * 2));
  for (const [what, n] of run.errorSamples) process.stderr.write(`  instances warm-up: ${n}× ${what}\n`);
  run.errorSamples.clear();
  const rounds: ({ round: number; single: 'A' | 'B' } & Record<Kind, Record<Setup, PhaseResult>>)[] = [];
  let longestRoundMs = 0;
  for (let r = 1; r <= cfg.rounds; r++) {
    // Neighbours' load can halve the throughput: rather than overrun, keep the rounds that fit
    // (at least three, for a median).
    if (r > 3 && performance.now() - startedAt + longestRoundMs > cfg.budgetSeconds * 1000) {
      console.log(`instances: stopping after ${r - 1} of ${cfg.rounds} rounds, another would pass BENCH_INSTANCE_BUDGET_S=${cfg.budgetSeconds}`);
      break;
    }
    const roundStarted = performance.now();
    const single = r % 2 ? a : b;
    const result = { round: r, single: r % 2 ? 'A' : 'B' } as (typeof rounds)[number];
    for (const kind of KINDS) {
      // Slices alternate between the configurations, which goes first flipping each time, so that
      // a neighbour's load coming or going on the shared machine lands on both.
      const slices: Record<Setup, Slice[]> = { one: [], two: [] };
      for (let s = 0; s < cfg.slices; s++) {
        const size = Math.floor((count(cfg, kind) * (s + 1)) / cfg.slices) - Math.floor((count(cfg, kind) * s) / cfg.slices);
        for (const setup of (r + s) % 2 ? (['one', 'two'] as const) : (['two', 'one'] as const)) {
          slices[setup].push(await run.slice(kind, setup === 'one' ? [single] : [a, b], size));
        }
      }
      result[kind] = { one: combine(slices.one), two: combine(slices.two) };
    }
    rounds.push(result);
    longestRoundMs = Math.max(longestRoundMs, performance.now() - roundStarted);
    console.log(
      `instances round ${r}/${cfg.rounds} (one = ${result.single}): ` +
        KINDS.map((k) => `${LABEL[k]}/s ${f(result[k].one.perSecond, 0)}/${f(result[k].two.perSecond, 0)}`).join(', ') +
        ` (one/two); cores busy ${KINDS.map((k) => `${f(result[k].one.cpuSeconds.coresBusy)}/${f(result[k].two.cpuSeconds.coresBusy)}`).join(', ')}` +
        `, of which others' ${KINDS.map((k) => `${f(result[k].one.cpuSeconds.other / (result[k].one.wallMs / 1000))}/${f(result[k].two.cpuSeconds.other / (result[k].two.wallMs / 1000))}`).join(', ')}`,
    );
  }
  return rounds;
}

function summarise(rounds: Awaited<ReturnType<typeof measure>>) {
  const of = (kind: Kind, setup: Setup, pick: (p: PhaseResult) => number, digits = 2) => round(median(rounds.map((r) => pick(r[kind][setup]))), digits);
  const total = (kind: Kind, setup: Setup, pick: (p: PhaseResult) => number) => rounds.reduce((s, r) => s + pick(r[kind][setup]), 0);
  const setupSummary = (kind: Kind, setup: Setup) => ({
    perSecond: of(kind, setup, (p) => p.perSecond, 1),
    requestsPerSecond: of(kind, setup, (p) => p.requestsPerSecond, 1),
    p50: of(kind, setup, (p) => p.p50),
    p99: of(kind, setup, (p) => p.p99),
    operations: total(kind, setup, (p) => p.n),
    failed: total(kind, setup, (p) => p.failed),
    non200: total(kind, setup, (p) => p.non200),
    missingReplies: total(kind, setup, (p) => p.missingReplies),
    /** Medians per round; bots are A, B under "two" and busy, idle under "one". */
    cpuSeconds: {
      bots: [0, 1].map((i) => of(kind, setup, (p) => p.cpuSeconds.bots[i]!)),
      postgres: of(kind, setup, (p) => p.cpuSeconds.postgres),
      bench: of(kind, setup, (p) => p.cpuSeconds.bench),
      other: of(kind, setup, (p) => p.cpuSeconds.other),
      wall: of(kind, setup, (p) => p.wallMs / 1000),
      coresBusy: of(kind, setup, (p) => p.cpuSeconds.coresBusy),
      busiestBotCores: of(kind, setup, (p) => p.cpuSeconds.busiestBotCores),
      botMsPerOperation: of(kind, setup, (p) => p.cpuSeconds.botMsPerOperation),
    },
  });
  const summary = {} as Record<Kind, Record<Setup, ReturnType<typeof setupSummary>>>;
  for (const kind of KINDS) summary[kind] = { one: setupSummary(kind, 'one'), two: setupSummary(kind, 'two') };
  const ratios = {} as Record<Kind, { throughput: number; pairedMedian: number; p50: number; p99: number }>;
  for (const kind of KINDS) {
    const [one, two] = [summary[kind].one, summary[kind].two];
    ratios[kind] = {
      throughput: round(two.perSecond / one.perSecond, 2),
      pairedMedian: round(median(rounds.map((r) => r[kind].two.perSecond / r[kind].one.perSecond)), 2),
      p50: round(two.p50 / one.p50, 2),
      p99: round(two.p99 / one.p99, 2),
    };
  }
  const limits = {} as Record<Kind, Record<Setup, string>>;
  for (const kind of KINDS) limits[kind] = { one: limit(summary[kind].one.cpuSeconds), two: limit(summary[kind].two.cpuSeconds) };
  return { summary, ratios, limits };
}

/** What ran out first, from the CPU split: a single-threaded process at a core, or the machine. */
function limit(c: { bots: number[]; bench: number; other: number; wall: number; coresBusy: number; busiestBotCores: number }): string {
  const others = c.other / c.wall;
  if (c.busiestBotCores >= 0.85) return `a bot's event loop (${f(c.busiestBotCores)} of a core)`;
  if (c.bench / c.wall >= 0.85) return `the bench process (${f(c.bench / c.wall)} of a core)`;
  if (c.coresBusy >= 0.9 * cpus().length) return `the machine's ${cpus().length} cores (${f(c.coresBusy)} busy, ${f(others)} of them other processes')`;
  return `not CPU (${f(c.coresBusy)} of ${cpus().length} cores busy): waiting on connections, locks or I/O`;
}

/** Runs both configurations and adds "instances" to the results file; throws when the run breaks. */
export async function runInstancesBench(options: { bot(env: Record<string, string>): InstanceBot }): Promise<void> {
  const started = performance.now();
  const cfg = config();
  const method =
    `two compiled bots on one PostgreSQL database (shared DATABASE_URL and ANONYMOUS_VOTE_KEY, own DATA_DIR, pg pool of 10 each), both up throughout; ` +
    `"one" = every request to one instance (alternating A/B by round), "two" = round-robin per request; a closed loop of ${cfg.concurrency} clients, ` +
    `each in its own personal chat (turns: "hjälp") and with its own council and open meeting (card actions), so the contention measured is CPU, ` +
    `the connection pools and PostgreSQL, not rows of one meeting; ${cfg.messages} turns and ${cfg.invokes} of each card action per configuration and round, ` +
    `in ${cfg.slices} slices alternating between the configurations, ${cfg.rounds} rounds, medians; record decision = decision.record (timed) + decision.undo (untimed, other instance under "two"); ` +
    `${cpus().length} shared cpu(s) for the clients, the fake connector, both bots and PostgreSQL`;
  console.log(`\ninstances: ${method}`);

  let server: PostgresServer | undefined;
  let databaseUrl: string;
  try {
    server = await startPostgres();
    databaseUrl = await createDatabase(server.url, `bench_instances_${randomUUID().slice(0, 8)}`);
  } catch (err) {
    server?.stop();
    const reason = ((err as Error).message ?? String(err)).split('\n')[0]!;
    console.log(`instances skipped: PostgreSQL not available (${reason})`);
    writeResultsSection('instances', { at: new Date().toISOString(), skipped: `PostgreSQL not available (${reason})` });
    return;
  }
  const env = { DATABASE_URL: databaseUrl, ANONYMOUS_VOTE_KEY: randomBytes(32).toString('hex') };
  const run = new InstanceRun([options.bot(env), options.bot(env)], cfg);
  const onSigint = () => void run.stop().finally(() => (server?.stop(), process.exit(130)));
  process.once('SIGINT', onSigint);
  try {
    await run.setUp(databaseUrl);
    const rounds = await measure(run, cfg, started);
    const { summary, ratios, limits } = summarise(rounds);
    const warningLines = run.bots.map((b) => b.output.split('\n').filter((l) => /"level":(4|5|6)0/.test(l) && !l.includes('LOCAL MODE')));
    const botWarnings = { counts: warningLines.map((l) => l.length), first: warningLines.flat().slice(0, 3).map((l) => l.slice(0, 300)) };
    for (const [what, n] of run.errorSamples) process.stderr.write(`  instances: ${n}× ${what}\n`);

    const rows: string[][] = [['', 'one', 'two', 'two/one']];
    for (const kind of KINDS) {
      const [o, t, q] = [summary[kind].one, summary[kind].two, ratios[kind]];
      rows.push(
        [`${LABEL[kind]}/s${REQUESTS[kind] > 1 ? ` (${REQUESTS[kind]} requests each)` : ''}`, f(o.perSecond, 0), f(t.perSecond, 0), `${x(q.throughput)} (paired ${x(q.pairedMedian)})`],
        [`${LABEL[kind]} p50 / p99 (ms)`, `${f(o.p50, 1)} / ${f(o.p99, 1)}`, `${f(t.p50, 1)} / ${f(t.p99, 1)}`, `${x(q.p50)} / ${x(q.p99)}`],
        kind === 'message'
          ? [`${LABEL[kind]} failed / non-200 / no reply`, `${o.failed} / ${o.non200} / ${o.missingReplies}`, `${t.failed} / ${t.non200} / ${t.missingReplies}`, '']
          : [`${LABEL[kind]} failed / non-200`, `${o.failed} / ${o.non200}`, `${t.failed} / ${t.non200}`, ''],
        [`${LABEL[kind]} CPU s: bots | pg | bench | other`, cpuText(o.cpuSeconds), cpuText(t.cpuSeconds), ''],
        [`${LABEL[kind]} cores busy of ${cpus().length} (wall s)`, `${f(o.cpuSeconds.coresBusy)} (${f(o.cpuSeconds.wall)})`, `${f(t.cpuSeconds.coresBusy)} (${f(t.cpuSeconds.wall)})`, ''],
        [`${LABEL[kind]} busiest bot (cores), bot CPU ms/op`, `${f(o.cpuSeconds.busiestBotCores)}, ${f(o.cpuSeconds.botMsPerOperation)}`, `${f(t.cpuSeconds.busiestBotCores)}, ${f(t.cpuSeconds.botMsPerOperation)}`, x(t.cpuSeconds.botMsPerOperation / o.cpuSeconds.botMsPerOperation)],
      );
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    console.log(`\ninstances, medians across ${rounds.length} rounds (${cfg.concurrency} clients):`);
    for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    for (const kind of KINDS) console.log(`${LABEL[kind]} limited by: one ${limits[kind].one}; two ${limits[kind].two}`);
    if (botWarnings.first.length > 0) console.log(`bot warnings logged: A ${botWarnings.counts[0]}, B ${botWarnings.counts[1]}; first: ${botWarnings.first.join('\n  ')}`);

    writeResultsSection('instances', {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      config: cfg,
      roundsRun: rounds.length,
      method,
      requestsPerOperation: REQUESTS,
      summary,
      ratios,
      limits,
      botWarnings,
      rounds,
      runSeconds: round((performance.now() - started) / 1000, 1),
    });
  } catch (err) {
    const tails = run.bots.map((b, i) => `${'AB'[i]}: ${b.output.trim().split('\n').slice(-3).join('\n')}`).join('\n');
    throw new Error(`${(err as Error).message}\nbot output (last lines):\n${tails}`, { cause: err });
  } finally {
    process.off('SIGINT', onSigint);
    await run.stop();
    server?.stop();
  }
}

function cpuText(c: { bots: number[]; postgres: number; bench: number; other: number }): string {
  return `${c.bots.map((v) => f(v)).join('+')} | ${f(c.postgres)} | ${f(c.bench)} | ${f(c.other)}`;
}

function f(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

function x(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '—';
}
