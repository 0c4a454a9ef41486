/**
 * `npm run bench`: the real bot against a plain botbuilder + teams-ai echo bot, side by side.
 *
 * Both bots run as their own compiled processes and reply to one FakeConnector in this process.
 * For each bot: cold start (spawn → /readyz 200), then message turns (HTTP round trip of
 * POST /api/messages, which includes the bot's reply to the connector) and Action.Execute invokes
 * (the card comes back in the HTTP response), in rounds that alternate between the bots so that
 * noise on the shared machine hits both alike. Figures are medians across rounds.
 *
 * Two card actions on a running meeting are measured the same way (bench/meeting-actions.ts):
 * "record decision" (decision.record from the live card) and "next item" (meeting.goTo to an item),
 * BENCH_INVOKES each, with one open meeting per worker on the real bot.
 *
 * Sizes: BENCH_MESSAGES and BENCH_INVOKES (per bot, round and invoke scenario), BENCH_ROUNDS, BENCH_CONCURRENCY,
 * BENCH_COLD_STARTS, BENCH_WARMUP; BENCH_NODE_ARGS adds node flags to both bots (profiling). Benchmarks are not assertions: the exit code is 0 unless the
 * run itself breaks.
 *
 * Then the vote burst runs (bench/vote-burst.ts): BENCH_BURST_VOTERS (300) members of one council
 * vote on one poll all at once, on SQLite and on PostgreSQL, a fresh poll in each of
 * BENCH_BURST_ROUNDS (BENCH_ROUNDS) rounds; its figures go under "voteBurst".
 *
 * Then the instances benchmark runs (bench/instances.ts): message turns and card actions per second
 * with one and with two real bots on one PostgreSQL database, BENCH_INSTANCE_CONCURRENCY (16)
 * clients, BENCH_INSTANCE_ROUNDS (5) rounds of BENCH_INSTANCE_MESSAGES (600) turns and
 * BENCH_INSTANCE_INVOKES (200) of each card action; two/one ratios and the CPU of each process go
 * under "instances".
 *
 * Then the reminder burst runs (bench/reminder-burst.ts), unless BENCH_REMINDERS=0:
 * BENCH_REMINDER_COUNCILS (2000) councils × BENCH_REMINDER_MEMBERS (25) members with one meeting
 * reminder each due at once, delivered through the fake connector with injected 429s, after a bot
 * restart; time to deliver all, messages/s, duplicates and losses go under "reminderBurst".
 *
 * Then the slow connector benchmark runs (bench/slow-connector.ts): card actions and typed
 * decisions and action items on a running meeting while the connector takes BENCH_SLOW_CONNECTOR_MS
 * (20000) per call; every answer should stay under 2 s; figures under "slowConnector".
 *
 * Last the in-process agenda import benchmark runs (bench/agenda-import.ts: parse a 60-item agenda,
 * render its cards, sizes against the 40 KB budget) and adds its figures under "agendaImport".
 *
 * Then pasted agendas from HTML (bench/agenda-html.ts): 1 MB inputs of each shape, hostile ones
 * included, read and parsed in process against a 200 ms budget; figures under "agendaHtml".
 *
 * Then hostile messages (bench/adversarial.ts): runs of each punctuation character, "<", spaces,
 * digits and "å" up to 1 MB, sent to both bots as Teams messages; bot CPU per message, and another
 * user's "hjälp" while a flood of them is in flight; figures under "adversarial".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { freePort } from '../test/support/bot-process.js';
import { FakeConnector } from '../test/support/fake-connector.js';
import { runAdversarialBench } from './adversarial.js';
import { runAgendaHtmlBench } from './agenda-html.js';
import { runAgendaImportBench } from './agenda-import.js';
import { runInstancesBench } from './instances.js';
import { runMinutesRenderBench } from './minutes-render.js';
import { type CardActionKind, cardActionMethod, cardActionTask, setUpMeetings } from './meeting-actions.js';
import { runReminderBurstBench } from './reminder-burst.js';
import { runSlowConnectorBench } from './slow-connector.js';
import { runVoteBurstBench } from './vote-burst.js';
import { envInt, median, percentile, round } from './stats.js';
import { type Conversation, TeamsClient, type User, cardOf, user } from '../test/support/teams-client.js';

// dist/bench/run.js → project root. (bot-process.ts's projectRoot assumes test/support/ in the
// source tree and points at dist/ once compiled, so the paths are worked out here.)
const root = resolve(import.meta.dirname, '..', '..');
const REAL_ENTRY = join(root, 'dist', 'src', 'main.js');
const ECHO_ENTRY = join(root, 'dist', 'bench', 'echo-bot.js');
const RESULTS = join(root, 'bench', 'results', 'latest.json');


const cfg = {
  messages: envInt('BENCH_MESSAGES', 1000),
  invokes: envInt('BENCH_INVOKES', 500),
  rounds: envInt('BENCH_ROUNDS', 5),
  concurrency: envInt('BENCH_CONCURRENCY', 8),
  coldStarts: envInt('BENCH_COLD_STARTS', 5),
  warmup: envInt('BENCH_WARMUP', 300),
};

/** Extra node flags for both bots, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

const TARGETS = { messageP50Ratio: 1.5, messageP99Ratio: 2, coldStartMs: 2000, rssMb: 150 };

// ---------------------------------------------------------------------------------------------
// Processes

type BotName = 'echo' | 'real';

/** One bot process on a free port with its own temporary data directory. */
class BenchBot {
  child?: ChildProcess;
  port = 0;
  output = '';
  dataDir = '';
  private exited?: Promise<void>;

  constructor(
    readonly name: BotName,
    private readonly entry: string,
    /** Extra environment variables (OUTBOX_POLL_MS, DATABASE_URL for the vote burst). */
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns the bot and resolves with the milliseconds from spawn to the first /readyz 200. */
  async start(): Promise<number> {
    this.port = await freePort();
    this.dataDir = mkdtempSync(join(tmpdir(), `bench-${this.name}-`));
    this.output = '';
    const t0 = performance.now();
    const child = spawn(process.execPath, [...NODE_ARGS, this.entry], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => child.once('exit', () => r()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} bot exited with ${child.exitCode}:\n${this.output}`);
      if ((await probe(`${this.url}/readyz`)) === 200) return performance.now() - t0;
      await sleep(5);
    }
    throw new Error(`${this.name} bot not ready within 20 s:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child?.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** CPU time (user + system) the process has used so far, in ms, from /proc (10 ms ticks). */
  cpuMs(): number {
    try {
      const stat = readFileSync(`/proc/${this.child!.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return NaN;
    }
  }

  /** Resident and peak resident memory of the process, in MB, from /proc. */
  memory(): { rssMb: number; peakRssMb: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.child!.pid}/status`, 'utf8');
      const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
      return { rssMb: round(kb('VmRSS') / 1024, 1), peakRssMb: round(kb('VmHWM') / 1024, 1) };
    } catch {
      return undefined;
    }
  }
}

/** Status of a GET on a fresh connection, or 0 when nothing listens yet. */
function probe(url: string): Promise<number> {
  return new Promise((resolvePromise) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', () => resolvePromise(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Statistics




interface PhaseStats {
  n: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  throughput: number;
  /** CPU the bot process used per request (ms), from /proc; excludes the driver and the fake connector. */
  botCpuMs: number;
}

/** Runs n tasks, `concurrency` at a time; a task that resolves with a number has timed itself (in ms). */
async function load(n: number, concurrency: number, task: (i: number) => Promise<number | void>, bot?: BenchBot, label = ''): Promise<PhaseStats> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  let next = 0;
  const cpu0 = bot?.cpuMs() ?? NaN;
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const start = performance.now();
      try {
        const timed = await task(i);
        latencies.push(typeof timed === 'number' ? timed : performance.now() - start);
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const wallMs = performance.now() - t0;
  const botCpuMs = ((bot?.cpuMs() ?? NaN) - cpu0) / n;
  if (errors > 0) process.stderr.write(`  ${label ? `${label}: ` : ''}${errors}/${n} requests failed, first: ${(firstError as Error)?.message ?? firstError}\n`);
  latencies.sort((a, b) => a - b);
  return {
    n,
    errors,
    p50: round(percentile(latencies, 50), 3),
    p90: round(percentile(latencies, 90), 3),
    p99: round(percentile(latencies, 99), 3),
    max: round(latencies.at(-1) ?? NaN, 3),
    mean: round(latencies.reduce((s, v) => s + v, 0) / Math.max(1, latencies.length), 3),
    throughput: round((latencies.length / wallMs) * 1000, 1),
    botCpuMs: round(botCpuMs, 3),
  };
}

// ---------------------------------------------------------------------------------------------
// Workload

const PERSONAL_USERS = 32;
const people: User[] = Array.from({ length: PERSONAL_USERS }, (_, i) => user(100 + i, `Person ${i + 1}`));
const personal: Conversation[] = people.map((p, i) => ({ id: `a:bench-personal-${i}`, type: 'personal' }));
const chair = user(1, 'Anna Andersson');
const council: Conversation = { id: '19:bench-council@thread.v2', type: 'groupChat', name: 'Regionala rådet' };
const councilRoster = [
  chair,
  user(2, 'Bertil Berg'),
  user(3, 'Cecilia Carlsson'),
  user(4, 'David Dahl'),
  user(5, 'Eva Ek'),
  user(6, 'Fredrik Fors'),
  user(7, 'Gunilla Gran'),
  user(8, 'Hassan Holm'),
  user(9, 'Ingrid Isaksson'),
  user(10, 'Johan Jönsson'),
  user(11, 'Karin Kvist'),
  user(12, 'Lars Lund'),
];

type Kind = 'message' | 'invoke' | CardActionKind;
const KINDS: Kind[] = ['message', 'invoke', 'recordDecision', 'nextItem'];

function makeTask(client: TeamsClient, kind: 'message' | 'invoke'): (i: number) => Promise<void> {
  if (kind === 'message') {
    return async (i) => {
      const k = i % PERSONAL_USERS;
      const { status } = await client.say(personal[k]!, people[k]!, 'hjälp');
      if (status !== 200) throw new Error(`message turn answered ${status}`);
    };
  }
  return async (i) => {
    const from = councilRoster[i % councilRoster.length]!;
    const { status, card, body } = await client.execute(council, from, { verb: 'council.show' });
    if (status !== 200 || !card) throw new Error(`invoke answered ${status} ${JSON.stringify(body).slice(0, 200)}`);
  };
}

// ---------------------------------------------------------------------------------------------

/** Resolves with the echo bot's invoke p50 (median across rounds), for scale beside the vote burst. */
async function main(): Promise<number> {
  const runStarted = performance.now();
  const connector = await new FakeConnector().start();
  const bots = { echo: new BenchBot('echo', ECHO_ENTRY), real: new BenchBot('real', REAL_ENTRY) };
  const clients = {
    echo: new TeamsClient(() => bots.echo.url, connector),
    real: new TeamsClient(() => bots.real.url, connector),
  };
  const started: BenchBot[] = [];
  const cleanUp = async () => {
    await Promise.all(started.map((b) => b.stop()));
    await connector.stop();
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  console.log(
    `bench: node ${process.version}, ${cpus().length} cpu(s); ${cfg.rounds} rounds × (${cfg.messages} messages + 3 × ${cfg.invokes} invokes) per bot, concurrency ${cfg.concurrency}`,
  );
  try {
    // Cold start: spawn → /readyz 200 on a fresh data directory, alternating the bots.
    const cold: Record<BotName, number[]> = { echo: [], real: [] };
    for (let i = 0; i < cfg.coldStarts; i++) {
      for (const name of (i % 2 ? ['real', 'echo'] : ['echo', 'real']) as BotName[]) {
        const bot = new BenchBot(name, name === 'echo' ? ECHO_ENTRY : REAL_ENTRY);
        try {
          cold[name].push(await bot.start());
        } finally {
          await bot.stop();
        }
      }
    }
    console.log(`cold start (ms): echo ${cold.echo.map((v) => v.toFixed(0)).join(', ')} | real ${cold.real.map((v) => v.toFixed(0)).join(', ')}`);

    // The two bots under load, side by side.
    for (const bot of [bots.echo, bots.real]) {
      await bot.start();
      started.push(bot);
    }
    const idleMemory = { echo: bots.echo.memory(), real: bots.real.memory() };

    // Set up the council (its roster comes from the connector) and check both bots answer as expected.
    connector.setRoster(
      council.id,
      councilRoster.map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })),
    );
    const setup = await clients.real.execute(council, chair, {
      verb: 'council.setup',
      data: { name: 'Regionala rådet', locale: 'sv', timeZone: 'Europe/Stockholm' },
    });
    if (setup.status !== 200 || !setup.card) throw new Error(`council.setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
    const shown = await clients.real.execute(council, chair, { verb: 'council.show' });
    if (!JSON.stringify(shown.card ?? {}).includes('Regionala rådet')) throw new Error('council.show did not return the council card');
    // A council with an open meeting per worker, for the card actions on a running meeting.
    const meetings = await setUpMeetings(clients.real, connector, chair, councilRoster, cfg.concurrency);
    const pools = { real: meetings, echo: meetings.copy() };
    const task = (name: BotName, kind: Kind) =>
      kind === 'message' || kind === 'invoke' ? makeTask(clients[name], kind) : cardActionTask(kind, name, clients[name], connector, pools[name], chair);
    connector.reset();
    for (const name of ['echo', 'real'] as BotName[]) {
      const { status } = await clients[name].say(personal[0]!, people[0]!, 'hjälp');
      const sent = connector.sent(personal[0]!.id);
      if (status !== 200 || sent.length !== 1) throw new Error(`${name} bot: message turn ${status}, ${sent.length} replies`);
      const reply = sent[0]!.body;
      if (name === 'echo' && reply.text !== 'echo: hjälp') throw new Error(`echo bot replied ${JSON.stringify(reply.text)}`);
      if (name === 'real' && !cardOf(reply)) throw new Error('real bot did not reply with a card');
      connector.reset();
    }

    // Warm-up: JIT, connection pools, template and statement caches, every personal conversation seen once.
    for (const name of ['echo', 'real'] as BotName[]) {
      for (const kind of KINDS) {
        await load(kind === 'message' ? Math.max(cfg.warmup, PERSONAL_USERS) : cfg.warmup, cfg.concurrency, task(name, kind), undefined, `warm-up ${kind} ${name}`);
        connector.reset();
      }
    }

    // Measured rounds, alternating which bot goes first.
    const rounds: ({ round: number; order: BotName[]; rssMb: Record<BotName, number> } & Record<Kind, Record<BotName, PhaseStats>>)[] = [];
    for (let r = 0; r < cfg.rounds; r++) {
      const order: BotName[] = r % 2 ? ['real', 'echo'] : ['echo', 'real'];
      const result = {
        round: r + 1,
        order,
        message: {} as Record<BotName, PhaseStats>,
        invoke: {} as Record<BotName, PhaseStats>,
        recordDecision: {} as Record<BotName, PhaseStats>,
        nextItem: {} as Record<BotName, PhaseStats>,
        rssMb: {} as Record<BotName, number>,
      };
      for (const kind of KINDS) {
        for (const name of order) {
          result[kind][name] = await load(kind === 'message' ? cfg.messages : cfg.invokes, cfg.concurrency, task(name, kind), bots[name], `round ${r + 1} ${kind} ${name}`);
          connector.reset();
        }
      }
      // RSS after every round: a steady climb across rounds (rather than a plateau) points at a leak.
      for (const name of ['echo', 'real'] as BotName[]) result.rssMb[name] = bots[name].memory()?.rssMb ?? NaN;
      rounds.push(result);
      const m = result.message;
      const v = result.invoke;
      const d = result.recordDecision;
      const g = result.nextItem;
      console.log(
        `round ${r + 1}/${cfg.rounds}: message p50 ${m.echo.p50.toFixed(2)}/${m.real.p50.toFixed(2)} ms, p99 ${m.echo.p99.toFixed(2)}/${m.real.p99.toFixed(2)} ms; ` +
          `invoke p50 ${v.echo.p50.toFixed(2)}/${v.real.p50.toFixed(2)} ms, p99 ${v.echo.p99.toFixed(2)}/${v.real.p99.toFixed(2)} ms; ` +
          `RSS ${result.rssMb.echo}/${result.rssMb.real} MB (echo/real)\n` +
          `  record decision p50 ${f(d.echo.p50)}/${f(d.real.p50)} ms, p99 ${f(d.echo.p99)}/${f(d.real.p99)} ms; ` +
          `next item p50 ${f(g.echo.p50)}/${f(g.real.p50)} ms, p99 ${f(g.echo.p99)}/${f(g.real.p99)} ms (echo/real)`,
      );
    }
    const afterLoad = { echo: bots.echo.memory(), real: bots.real.memory() };

    // Summary: medians across rounds.
    const summarise = (kind: Kind, name: BotName) => {
      const of = (f: keyof PhaseStats) => round(median(rounds.map((r) => r[kind][name][f])), 3);
      return { p50: of('p50'), p90: of('p90'), p99: of('p99'), mean: of('mean'), throughput: round(of('throughput'), 1), botCpuMs: of('botCpuMs'), errors: rounds.reduce((s, r) => s + r[kind][name].errors, 0) };
    };
    const summary = {
      message: { echo: summarise('message', 'echo'), real: summarise('message', 'real') },
      invoke: { echo: summarise('invoke', 'echo'), real: summarise('invoke', 'real') },
      recordDecision: { echo: summarise('recordDecision', 'echo'), real: summarise('recordDecision', 'real') },
      nextItem: { echo: summarise('nextItem', 'echo'), real: summarise('nextItem', 'real') },
    };
    const ratio = (kind: Kind, f: 'p50' | 'p99' | 'throughput' | 'botCpuMs') => round(summary[kind].real[f] / summary[kind].echo[f], 2);
    const pairedRatio = (kind: Kind, f: 'p50' | 'p99') => round(median(rounds.map((r) => r[kind].real[f] / r[kind].echo[f])), 2);
    const ratios = {
      message: { p50: ratio('message', 'p50'), p99: ratio('message', 'p99'), throughput: ratio('message', 'throughput'), botCpuMs: ratio('message', 'botCpuMs') },
      invoke: { p50: ratio('invoke', 'p50'), p99: ratio('invoke', 'p99'), throughput: ratio('invoke', 'throughput'), botCpuMs: ratio('invoke', 'botCpuMs') },
      recordDecision: { p50: ratio('recordDecision', 'p50'), p99: ratio('recordDecision', 'p99') },
      nextItem: { p50: ratio('nextItem', 'p50'), p99: ratio('nextItem', 'p99') },
      pairedMedian: {
        message: { p50: pairedRatio('message', 'p50'), p99: pairedRatio('message', 'p99') },
        invoke: { p50: pairedRatio('invoke', 'p50'), p99: pairedRatio('invoke', 'p99') },
        recordDecision: { p50: pairedRatio('recordDecision', 'p50'), p99: pairedRatio('recordDecision', 'p99') },
        nextItem: { p50: pairedRatio('nextItem', 'p50'), p99: pairedRatio('nextItem', 'p99') },
      },
    };
    const cardActions = { meetings: cfg.concurrency, method: cardActionMethod(cfg.concurrency) };
    const coldStart = { echo: round(median(cold.echo), 1), real: round(median(cold.real), 1), samples: cold };
    // A single sample depends on when the last GC ran; the median of the per-round samples is steadier.
    const rssRounds = { echo: round(median(rounds.map((r) => r.rssMb.echo)), 1), real: round(median(rounds.map((r) => r.rssMb.real)), 1) };
    const memory = { idle: idleMemory, afterLoad, medianOverRounds: rssRounds };
    const realRss = afterLoad.real?.rssMb ?? NaN;

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'WARN');
    const checks = {
      messageP50: verdict(ratios.message.p50 <= TARGETS.messageP50Ratio),
      messageP99: verdict(ratios.message.p99 <= TARGETS.messageP99Ratio),
      coldStart: verdict(coldStart.real < TARGETS.coldStartMs),
      rss: verdict(realRss < TARGETS.rssMb),
    };

    const rows: [string, string, string, string, string, string][] = [
      ['', 'echo bot', 'real bot', 'real/echo', 'target', ''],
      ['message p50 (ms)', f(summary.message.echo.p50), f(summary.message.real.p50), x(ratios.message.p50), '≤ 1.5×', checks.messageP50],
      ['message p99 (ms)', f(summary.message.echo.p99), f(summary.message.real.p99), x(ratios.message.p99), '≤ 2×', checks.messageP99],
      ['message throughput (req/s)', f(summary.message.echo.throughput, 0), f(summary.message.real.throughput, 0), x(ratios.message.throughput), '', ''],
      ['message bot CPU (ms/turn)', f(summary.message.echo.botCpuMs, 3), f(summary.message.real.botCpuMs, 3), x(ratios.message.botCpuMs), '', ''],
      ['invoke p50 (ms)', f(summary.invoke.echo.p50), f(summary.invoke.real.p50), x(ratios.invoke.p50), '', ''],
      ['invoke p99 (ms)', f(summary.invoke.echo.p99), f(summary.invoke.real.p99), x(ratios.invoke.p99), '', ''],
      ['invoke throughput (req/s)', f(summary.invoke.echo.throughput, 0), f(summary.invoke.real.throughput, 0), x(ratios.invoke.throughput), '', ''],
      ['invoke bot CPU (ms/invoke)', f(summary.invoke.echo.botCpuMs, 3), f(summary.invoke.real.botCpuMs, 3), x(ratios.invoke.botCpuMs), '', ''],
      ['record decision p50 (ms)', f(summary.recordDecision.echo.p50), f(summary.recordDecision.real.p50), x(ratios.recordDecision.p50), '', ''],
      ['record decision p99 (ms)', f(summary.recordDecision.echo.p99), f(summary.recordDecision.real.p99), x(ratios.recordDecision.p99), '', ''],
      ['next item p50 (ms)', f(summary.nextItem.echo.p50), f(summary.nextItem.real.p50), x(ratios.nextItem.p50), '', ''],
      ['next item p99 (ms)', f(summary.nextItem.echo.p99), f(summary.nextItem.real.p99), x(ratios.nextItem.p99), '', ''],
      ['cold start to /readyz (ms)', f(coldStart.echo, 0), f(coldStart.real, 0), x(coldStart.real / coldStart.echo), '< 2000 ms', checks.coldStart],
      ['RSS after load (MB)', f(afterLoad.echo?.rssMb ?? NaN, 1), f(realRss, 1), x(realRss / (afterLoad.echo?.rssMb ?? NaN)), '< 150 MB', checks.rss],
      ['RSS median over rounds (MB)', f(rssRounds.echo, 1), f(rssRounds.real, 1), x(rssRounds.real / rssRounds.echo), '', ''],
      ['RSS when ready, idle (MB)', f(idleMemory.echo?.rssMb ?? NaN, 1), f(idleMemory.real?.rssMb ?? NaN, 1), x((idleMemory.real?.rssMb ?? NaN) / (idleMemory.echo?.rssMb ?? NaN)), '', ''],
      ['peak RSS (MB)', f(afterLoad.echo?.peakRssMb ?? NaN, 1), f(afterLoad.real?.peakRssMb ?? NaN, 1), '', '', ''],
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    console.log(`\nmedians across ${cfg.rounds} rounds (concurrency ${cfg.concurrency}):`);
    for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    console.log(
      `paired per-round ratio medians: message p50 ${x(ratios.pairedMedian.message.p50)}, p99 ${x(ratios.pairedMedian.message.p99)}; invoke p50 ${x(ratios.pairedMedian.invoke.p50)}, p99 ${x(ratios.pairedMedian.invoke.p99)}; ` +
        `record decision p50 ${x(ratios.pairedMedian.recordDecision.p50)}, p99 ${x(ratios.pairedMedian.recordDecision.p99)}; next item p50 ${x(ratios.pairedMedian.nextItem.p50)}, p99 ${x(ratios.pairedMedian.nextItem.p99)}`,
    );
    console.log(`record decision: ${cardActions.method.recordDecision}\nnext item: ${cardActions.method.nextItem}`);
    const failed = KINDS.flatMap((kind) =>
      (['echo', 'real'] as BotName[])
        .filter((name) => summary[kind][name].errors > 0)
        .map((name) => `${kind} ${name} ${summary[kind][name].errors}/${cfg.rounds * (kind === 'message' ? cfg.messages : cfg.invokes)}`),
    );
    console.log(failed.length > 0 ? `ERRORS in measured rounds (not in the figures above): ${failed.join(', ')}` : 'errors in measured rounds: none');

    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      config: cfg,
      targets: TARGETS,
      summary,
      ratios,
      cardActions,
      coldStartMs: coldStart,
      memoryMb: memory,
      checks,
      rounds,
      runSeconds: round((performance.now() - runStarted) / 1000, 1),
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    // The other parts' sections stay: BENCH_ONLY=http replaces only what this part measured.
    let earlier: Record<string, unknown> = {};
    try {
      earlier = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
    } catch {
      // No earlier results: a new file.
    }
    writeFileSync(RESULTS, `${JSON.stringify({ ...earlier, ...results }, null, 2)}\n`);
    console.log(`\nwrote ${relative(process.cwd(), RESULTS)} (${results.runSeconds} s)`);
    return summary.invoke.echo.p50;
  } finally {
    await cleanUp();
  }
}

function f(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

function x(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '—';
}

// The HTTP benchmark, then the vote burst (bench/vote-burst.ts), one against two instances
// (bench/instances.ts), the reminder burst
// (bench/reminder-burst.ts) and the in-process agenda import
// benchmark (bench/agenda-import.ts), which add their figures to the results file the first wrote.
// Any of them failing sets exit code 1; the others still run.
// BENCH_ONLY=http,votes,instances,reminders,slow,minutes,agenda,agendaHtml,adversarial runs only those parts (all by default).
const only = (process.env.BENCH_ONLY ?? '').split(',').map((p) => p.trim()).filter(Boolean);
const wanted = (part: string) => only.length === 0 || only.includes(part);
let exitCode = 0;
let echoInvokeP50 = NaN;
if (wanted('http')) await main().then(
  (p50) => (echoInvokeP50 = p50),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    exitCode = 1;
  },
);
if (wanted('votes')) await runVoteBurstBench({
  bot: (env) => new BenchBot('real', REAL_ENTRY, env),
  echoInvokeP50,
  echoConcurrency: cfg.concurrency,
}).then(
  (ok) => {
    if (!ok) exitCode = 1;
  },
  (err) => {
    process.stderr.write(`vote burst bench failed: ${(err as Error).stack ?? String(err)}\n`);
    exitCode = 1;
  },
);
if (wanted('instances')) await runInstancesBench({ bot: (env) => new BenchBot('real', REAL_ENTRY, env) }).catch((err) => {
  process.stderr.write(`instances bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
});
// The reminder burst (bench/reminder-burst.ts) takes minutes at full size: BENCH_REMINDERS=0 leaves it out.
if (wanted('reminders') && process.env.BENCH_REMINDERS !== '0') {
  await runReminderBurstBench({ bot: (env) => new BenchBot('real', REAL_ENTRY, env) }).then(
    (ok) => {
      if (!ok) exitCode = 1;
    },
    (err) => {
      process.stderr.write(`reminder burst bench failed: ${(err as Error).stack ?? String(err)}\n`);
      exitCode = 1;
    },
  );
}
// The slow connector (bench/slow-connector.ts): every answer under 2 s while Teams takes 20 s per message.
if (wanted('slow')) {
  await runSlowConnectorBench({ bot: (env) => new BenchBot('real', REAL_ENTRY, env) }).then(
    (ok) => {
      if (!ok) exitCode = 1;
    },
    (err) => {
      process.stderr.write(`slow connector bench failed: ${(err as Error).stack ?? String(err)}\n`);
      exitCode = 1;
    },
  );
}
if (wanted('minutes')) await runMinutesRenderBench().catch((err) => {
  process.stderr.write(`minutes bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
});
if (wanted('agenda')) await runAgendaImportBench().catch((err) => {
  process.stderr.write(`agenda bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
});
if (wanted('agendaHtml')) await runAgendaHtmlBench().catch((err) => {
  process.stderr.write(`agenda html bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
});
if (wanted('adversarial')) await runAdversarialBench({ bot: (name) => new BenchBot(name, name === 'echo' ? ECHO_ENTRY : REAL_ENTRY) }).catch((err) => {
  process.stderr.write(`adversarial bench failed: ${(err as Error).stack ?? String(err)}\n`);
  exitCode = 1;
});
process.exit(exitCode);
