/**
 * Vote burst benchmark, for `npm run bench` (run.ts): a council of BENCH_BURST_VOTERS + 1 members
 * (300 + the chair by default) in one group chat, and every member but the chair voting on one
 * poll at the same moment (Promise.all, no concurrency limit), on SQLite and on PostgreSQL.
 *
 * Per backend one compiled real bot (OUTBOX_POLL_MS=200; DATABASE_URL on a throwaway PostgreSQL
 * server from test/support/postgres.ts) and one council set up by the chair from a roster of one
 * page. Each round (BENCH_BURST_ROUNDS, default BENCH_ROUNDS) the chair starts a warm-up poll that
 * BENCH_BURST_WARMUP members vote on, waits for its shared card to be updated, then starts the
 * measured poll and the burst: member k votes o1, o2 or o3 in turn, as polls.test.ts does.
 *
 * Measured: the latency of each vote invoke (HTTP round trip, answer card included) as p50 / p99,
 * and votes per second (voters / wall time from the first send to the last answer); medians over
 * the rounds. An answer other than 200 with "Din röst är registrerad." is an error. After the burst
 * the chair's poll.show must say "300 av 301 har röstat" with the votes per option as cast, and the
 * shared card must be updated (by the outbox, coalesced) to that count; either mismatch is an error.
 * Recorded beside the figures: the connector's update calls on each poll's card (coalescing gives
 * about one per 2 s per poll, not one per vote), every other connector call during the burst, the
 * bot's CPU per vote and warnings in its log.
 *
 * A PostgreSQL server that cannot start is a "skipped" line, not a failure.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { type ConnectorCall, FakeConnector } from '../test/support/fake-connector.js';
import { type PostgresServer, createDatabase, startPostgres } from '../test/support/postgres.js';
import { type Conversation, type InvokeResult, TeamsClient, type User, cardOf, cardTexts, findAction, user } from '../test/support/teams-client.js';
import { envInt, median, percentile, round, writeResultsSection } from './stats.js';

const RESULTS_KEY = 'voteBurst';
const OUTBOX_POLL_MS = 200;
/** How long the shared card may take to show the final count (2 s coalescing plus the outbox poll, with room). */
const CARD_WAIT_MS = 10_000;
const VOTED = 'Din röst är registrerad.';
const QUESTION = 'Ska rådet ställa sig bakom remissvaret?';
const OPTIONS = ['Ja', 'Nej', 'Avstår'];


function config() {
  const voters = envInt('BENCH_BURST_VOTERS', 300);
  return {
    voters,
    rounds: envInt('BENCH_BURST_ROUNDS', envInt('BENCH_ROUNDS', 5)),
    warmup: Math.min(voters, envInt('BENCH_BURST_WARMUP', 50)),
    outboxPollMs: OUTBOX_POLL_MS,
  };
}

/** The real bot as run.ts starts it; `start` resolves once /readyz answers 200. */
export interface BurstBot {
  readonly url: string;
  readonly output: string;
  child?: { kill(signal?: NodeJS.Signals | number): boolean };
  start(): Promise<number>;
  stop(): Promise<void>;
  /** CPU time the process has used so far, in ms. */
  cpuMs(): number;
}

export interface VoteBurstOptions {
  /** A real bot process (not started) with these extra environment variables. */
  bot(env: Record<string, string>): BurstBot;
  /** The echo bot's invoke p50 from the main benchmark (concurrency BENCH_CONCURRENCY), printed for scale. */
  echoInvokeP50?: number;
  echoConcurrency?: number;
}

type Backend = 'sqlite' | 'postgres';
const BACKENDS: Backend[] = ['sqlite', 'postgres'];

// ---------------------------------------------------------------------------------------------
// Statistics




const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (card: any) => cardTexts(card).join('\n');

/** Status and the first texts of an answer, for error messages. */
function describe(result: InvokeResult): string {
  const texts = result.card ? cardTexts(result.card).slice(0, 3).join(' | ') : JSON.stringify(result.body ?? '').slice(0, 200);
  return `${result.status} ${texts}`;
}

/** Votes per option when voter k (0-based) chooses option k mod 3, as the burst does. */
function expectedCounts(voters: number): number[] {
  return OPTIONS.map((_, o) => Math.floor(voters / OPTIONS.length) + (o < voters % OPTIONS.length ? 1 : 0));
}

/** The "N röster" counts of a card with results, in option order. */
function optionCounts(card: any): number[] {
  return cardTexts(card).flatMap((s) => {
    const m = /^(\d+) röst(?:er)?$/.exec(s);
    return m ? [Number(m[1])] : [];
  });
}

/** The "x av y har röstat" line of a poll card, if any. */
function votedLine(card: any): string | undefined {
  return cardTexts(card).find((s) => /(?<!\d)\d+ av \d+ har röstat/.test(s));
}

// ---------------------------------------------------------------------------------------------
// One backend

interface RoundResult {
  round: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  wallMs: number;
  /** From the first send to the first answer, in ms. */
  firstAnswerMs: number;
  votesPerSecond: number;
  /** Vote answers that were not 200 with the "registered" notice. */
  voteErrors: number;
  /** poll.show after the burst did not give the count or the votes per option. */
  countMismatch: string | null;
  /** The shared card never showed the final count (what it showed last). */
  staleCard: string | null;
  /** From the last answer to the shared card's update with the final count, in ms (negative: it came first). */
  cardLagMs: number;
  /** update calls on this poll's shared card, counted at the end of the backend's run. */
  cardUpdates: number;
  /** When each of them reached the connector, in ms from the start of the burst. */
  cardUpdatesAtMs: number[];
  /** Connector calls from the start of the burst until the shared card showed the final count, by kind. */
  connectorCalls: Record<string, number>;
  botCpuMsPerVote: number;
  /** warn or error lines the bot logged from the start of the burst to the final card. */
  botLogLines: number;
}

interface BackendResult {
  p50: number;
  p99: number;
  votesPerSecond: number;
  rounds: number;
  errors: number;
  wallMs: number;
  cardUpdatesPerBurst: number;
  cardLagMs: number;
  botCpuMsPerVote: number;
  botLogLines: number;
  samples: RoundResult[];
}

type Outcome = BackendResult | { skipped: string } | { failed: string };

class BurstRun {
  readonly connector = new FakeConnector();
  readonly client: TeamsClient;
  readonly members: User[];
  readonly chair: User;
  readonly chat: Conversation;
  /** The shared card's activity id of each measured poll and when its burst started (epoch ms), by round. */
  readonly activities: { activityId: string; startedAt: number }[] = [];
  readonly errorSamples = new Map<string, number>();

  constructor(
    readonly backend: Backend,
    readonly bot: BurstBot,
    readonly cfg: ReturnType<typeof config>,
  ) {
    this.client = new TeamsClient(() => bot.url, this.connector);
    this.members = Array.from({ length: cfg.voters + 1 }, (_, i) => user(i + 1, i === 0 ? 'Åsa Ordförande' : `Ledamot ${i + 1}`));
    this.chair = this.members[0]!;
    this.chat = { id: `19:bench-vote-burst-${backend}@thread.v2`, type: 'groupChat', name: 'Samordningsrådet' };
  }

  private noteError(what: string): void {
    this.errorSamples.set(what, (this.errorSamples.get(what) ?? 0) + 1);
  }

  /** The council: the chair sets it up and it takes the roster of voters + 1 as members. */
  async setUp(): Promise<void> {
    await this.connector.start();
    this.connector.pageSize = 500;
    this.connector.setRoster(this.chat.id, this.members.map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })));
    await this.bot.start();
    const setup = await this.client.execute(this.chat, this.chair, { verb: 'council.setup' }, { name: 'Samordningsrådet', locale: 'sv', timeZone: 'Europe/Stockholm' });
    if (setup.status !== 200 || !setup.card) throw new Error(`council.setup answered ${describe(setup)}`);
  }

  /** A new poll as the chair; resolves with its shared card and that card's activity id. */
  async newPoll(): Promise<{ card: any; activityId: string }> {
    const mark = this.connector.calls.length;
    const { status } = await this.client.say(this.chat, this.chair, `omröstning: ${QUESTION} | ${OPTIONS.join(' | ')}`);
    const posted = this.connector.calls.slice(mark).filter((c) => c.kind === 'send' && c.conversationId === this.chat.id && cardOf(c.body)).at(-1);
    if (status !== 200 || !posted) throw new Error(`omröstning answered ${status} ${posted ? '' : '(no poll card sent)'}`);
    const card = cardOf(posted.body);
    const expected = `0 av ${this.cfg.voters + 1} har röstat`;
    if (votedLine(card) !== expected) throw new Error(`new poll card says "${votedLine(card)}", not "${expected}": the council does not have ${this.cfg.voters + 1} members`);
    return { card, activityId: posted.activityId! };
  }

  /** Voters 2..count+1 vote at once; the latencies of the answers that registered a vote. */
  async burst(vote: any, count: number): Promise<{ latencies: number[]; errors: string[]; wallMs: number; firstAnswerMs: number; endedAt: number }> {
    const voters = this.members.slice(1, count + 1);
    const t0 = performance.now();
    const outcomes = await Promise.all(
      voters.map(async (voter, i) => {
        const start = performance.now();
        try {
          const result = await this.client.execute(this.chat, voter, vote, { choices: `o${(i % OPTIONS.length) + 1}` });
          const end = performance.now();
          const ms = end - start;
          return result.status === 200 && result.card && text(result.card).includes(VOTED) ? { ms, end } : { ms, end, error: describe(result) };
        } catch (err) {
          const end = performance.now();
          return { ms: end - start, end, error: `request failed: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}` };
        }
      }),
    );
    const wallMs = performance.now() - t0;
    const endedAt = Date.now();
    const firstAnswerMs = Math.min(...outcomes.map((o) => o.end)) - t0;
    const latencies = outcomes.filter((o) => o.error === undefined).map((o) => o.ms);
    const errors = outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error]));
    return { latencies: latencies.sort((a, b) => a - b), errors, wallMs, firstAnswerMs, endedAt };
  }

  /** The update on the shared card that shows `line`, or undefined after CARD_WAIT_MS. */
  async cardShowing(activityId: string, line: string): Promise<ConnectorCall | undefined> {
    return this.connector
      .waitFor((c) => c.kind === 'update' && c.activityId === activityId && votedLine(cardOf(c.body)) === line, CARD_WAIT_MS)
      .catch(() => undefined);
  }

  async round(r: number): Promise<RoundResult> {
    const { voters, warmup } = this.cfg;
    const entitled = voters + 1;

    // Warm-up poll: a small burst, and its card update out of the way before the measured one.
    const warm = await this.newPoll();
    const warmed = await this.burst(findAction(warm.card, 'poll.vote'), warmup);
    if (warmed.errors.length > 0) process.stderr.write(`  vote burst ${this.backend} round ${r} warm-up: ${warmed.errors.length}/${warmup} votes failed, first: ${warmed.errors[0]}\n`);
    if (!(await this.cardShowing(warm.activityId, `${warmup} av ${entitled} har röstat`))) {
      process.stderr.write(`  vote burst ${this.backend} round ${r} warm-up: the shared card never showed ${warmup} votes\n`);
    }

    // The measured poll and burst.
    const { card, activityId } = await this.newPoll();
    this.activities.push({ activityId, startedAt: Date.now() });
    const mark = this.connector.calls.length;
    const logMark = this.bot.output.length;
    const cpu0 = this.bot.cpuMs();
    const b = await this.burst(findAction(card, 'poll.vote'), voters);
    const cpuMs = this.bot.cpuMs() - cpu0;
    for (const e of b.errors) this.noteError(`vote: ${e}`);

    // Exactness: the chair's own view counts every vote once, per option as cast.
    const line = `${voters} av ${entitled} har röstat`;
    let countMismatch: string | null = null;
    const shown = await this.client.execute(this.chat, this.chair, findAction(card, 'poll.show'));
    const counts = shown.card ? optionCounts(shown.card) : [];
    const expected = expectedCounts(voters);
    if (shown.status !== 200 || votedLine(shown.card) !== line || counts.join() !== expected.join()) {
      countMismatch = `poll.show: "${votedLine(shown.card) ?? describe(shown)}", votes per option ${counts.join('/') || '—'} (expected "${line}", ${expected.join('/')})`;
      this.noteError(countMismatch);
    }
    // The shared card, updated by the outbox, ends at the same count.
    const final = await this.cardShowing(activityId, line);
    let staleCard: string | null = null;
    if (!final) {
      const last = this.connector.updates(this.chat.id).filter((c) => c.activityId === activityId).at(-1);
      staleCard = `shared card still says "${last ? votedLine(cardOf(last.body)) : '0 av ' + entitled + ' har röstat (never updated)'}" ${CARD_WAIT_MS / 1000} s after the burst`;
      this.noteError(staleCard);
    }
    const connectorCalls: Record<string, number> = {};
    for (const c of this.connector.calls.slice(mark)) {
      const key = c.kind === 'update' && c.activityId !== activityId ? 'update (other card)' : c.kind;
      connectorCalls[key] = (connectorCalls[key] ?? 0) + 1;
    }
    const logLines = this.bot.output
      .slice(logMark)
      .split('\n')
      .filter((l) => /"level":(4|5|6)0/.test(l));
    for (const l of logLines) this.noteError(`bot log: ${l.slice(0, 300)}`);

    const latencies = b.latencies;
    return {
      round: r,
      p50: round(percentile(latencies, 50), 1),
      p90: round(percentile(latencies, 90), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies.at(-1) ?? NaN, 1),
      wallMs: round(b.wallMs, 1),
      firstAnswerMs: round(b.firstAnswerMs, 1),
      votesPerSecond: round((voters / b.wallMs) * 1000, 1),
      voteErrors: b.errors.length,
      countMismatch,
      staleCard,
      cardLagMs: final ? final.at - b.endedAt : NaN,
      cardUpdates: 0, // counted at the end, when no more can come
      cardUpdatesAtMs: [],
      connectorCalls,
      botCpuMsPerVote: round(cpuMs / voters, 2),
      botLogLines: logLines.length,
    };
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.connector.stop();
  }
}

async function runBackend(backend: Backend, cfg: ReturnType<typeof config>, options: VoteBurstOptions, env: Record<string, string>): Promise<BackendResult> {
  const run = new BurstRun(backend, options.bot({ OUTBOX_POLL_MS: String(OUTBOX_POLL_MS), ...env }), cfg);
  const onSigint = () => run.bot.child?.kill('SIGTERM');
  process.once('SIGINT', onSigint);
  try {
    await run.setUp();
    const samples: RoundResult[] = [];
    for (let r = 1; r <= cfg.rounds; r++) {
      const s = await run.round(r);
      samples.push(s);
      const others = Object.entries(s.connectorCalls)
        .filter(([k]) => k !== 'update')
        .map(([k, n]) => `${n} ${k}`);
      console.log(
        `vote burst ${backend} round ${r}/${cfg.rounds}: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; ` +
          `${s.votesPerSecond.toFixed(0)} votes/s (${cfg.voters} in ${s.wallMs.toFixed(0)} ms, first answer after ${s.firstAnswerMs.toFixed(0)} ms); bot CPU ${s.botCpuMsPerVote.toFixed(2)} ms/vote; ` +
          `shared card at the final count ${Number.isFinite(s.cardLagMs) ? `${s.cardLagMs >= 0 ? '+' : ''}${s.cardLagMs} ms from the last answer` : 'NEVER'}; ` +
          `errors ${s.voteErrors + (s.countMismatch ? 1 : 0) + (s.staleCard ? 1 : 0)}` +
          (others.length > 0 ? `; other connector calls: ${others.join(', ')}` : '') +
          (s.botLogLines > 0 ? `; ${s.botLogLines} bot warnings` : ''),
      );
    }
    // Every update on each measured poll's card, now that the outbox has nothing left to send for it.
    await sleep(OUTBOX_POLL_MS * 2);
    samples.forEach((s, i) => {
      const { activityId, startedAt } = run.activities[i]!;
      s.cardUpdatesAtMs = run.connector.updates(run.chat.id).filter((c) => c.activityId === activityId).map((c) => c.at - startedAt);
      s.cardUpdates = s.cardUpdatesAtMs.length;
    });
    console.log(
      `vote burst ${backend}: shared card updates per burst ${samples.map((s) => s.cardUpdates).join(', ')} (rounds 1–${cfg.rounds}); ` +
        `at ms from the start of the burst: ${samples.map((s) => `[${s.cardUpdatesAtMs.join(', ')}]`).join(' ')}`,
    );
    for (const [what, n] of run.errorSamples) process.stderr.write(`  vote burst ${backend}: ${n}× ${what}\n`);
    const of = (f: keyof RoundResult) => median(samples.map((s) => s[f] as number));
    return {
      p50: round(of('p50'), 1),
      p99: round(of('p99'), 1),
      votesPerSecond: round(of('votesPerSecond'), 1),
      rounds: samples.length,
      errors: samples.reduce((n, s) => n + s.voteErrors + (s.countMismatch ? 1 : 0) + (s.staleCard ? 1 : 0), 0),
      wallMs: round(of('wallMs'), 1),
      cardUpdatesPerBurst: of('cardUpdates'),
      cardLagMs: round(of('cardLagMs'), 0),
      botCpuMsPerVote: round(of('botCpuMsPerVote'), 2),
      botLogLines: samples.reduce((n, s) => n + s.botLogLines, 0),
      samples,
    };
  } catch (err) {
    const tail = run.bot.output.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${(err as Error).message}${tail ? `\nbot output (last lines):\n${tail}` : ''}`, { cause: err });
  } finally {
    process.off('SIGINT', onSigint);
    await run.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/** Runs the burst on both backends and adds "voteBurst" to the results file; false when a backend broke. */
export async function runVoteBurstBench(options: VoteBurstOptions): Promise<boolean> {
  const cfg = config();
  const method =
    `${cfg.voters} distinct members of a ${cfg.voters + 1}-member council vote on one poll at the same moment (Promise.all, concurrency ${cfg.voters}, no limit); ` +
    `a fresh poll each round after a warm-up burst of ${cfg.warmup} on its own poll; latency per vote invoke (HTTP round trip, answer card included); ` +
    `votes/s = ${cfg.voters} / wall time from the first send to the last answer; medians over ${cfg.rounds} round${cfg.rounds === 1 ? '' : 's'}; ` +
    `one bot process per backend (OUTBOX_POLL_MS=${OUTBOX_POLL_MS}); ${cpus().length} shared cpu(s) for the driver, the fake connector, the bot and PostgreSQL`;
  console.log(`\nvote burst: ${method}`);

  const outcomes = {} as Record<Backend, Outcome>;
  let ok = true;
  for (const backend of BACKENDS) {
    let server: PostgresServer | undefined;
    const stopServer = () => server?.stop();
    try {
      const env: Record<string, string> = {};
      if (backend === 'postgres') {
        try {
          server = await startPostgres();
          process.once('SIGINT', stopServer);
          env.DATABASE_URL = await createDatabase(server.url, `bench_burst_${randomUUID().slice(0, 8)}`);
        } catch (err) {
          const reason = ((err as Error).message ?? String(err)).split('\n')[0]!;
          console.log(`vote burst postgres skipped: PostgreSQL not available (${reason})`);
          outcomes[backend] = { skipped: `PostgreSQL not available (${reason})` };
          continue;
        }
      }
      outcomes[backend] = await runBackend(backend, cfg, options, env);
    } catch (err) {
      ok = false;
      const reason = (err as Error).message ?? String(err);
      process.stderr.write(`vote burst ${backend} failed: ${reason}\n`);
      outcomes[backend] = { failed: reason.split('\n')[0]! };
    } finally {
      process.off('SIGINT', stopServer);
      try {
        server?.stop();
      } catch (err) {
        process.stderr.write(`vote burst: stopping PostgreSQL failed: ${(err as Error).message}\n`);
      }
    }
  }

  // Summary.
  const rows: [string, string][] = [];
  for (const backend of BACKENDS) {
    const o = outcomes[backend];
    if ('skipped' in o || 'failed' in o) {
      rows.push([`vote burst ${backend}`, 'skipped' in o ? `skipped: ${o.skipped}` : `FAILED: ${o.failed}`]);
      continue;
    }
    rows.push(
      [`vote burst ${backend} p50 / p99 (ms)`, `${f(o.p50, 1)} / ${f(o.p99, 1)}`],
      [`vote burst ${backend} votes per second`, f(o.votesPerSecond, 0)],
      [`vote burst ${backend} wall time (ms)`, f(o.wallMs, 0)],
      [`vote burst ${backend} bot CPU (ms/vote)`, f(o.botCpuMsPerVote, 2)],
      [`vote burst ${backend} card updates per burst`, f(o.cardUpdatesPerBurst, 1)],
      [`vote burst ${backend} card at final count, from last answer (ms)`, f(o.cardLagMs, 0)],
      [`vote burst ${backend} errors`, `${o.errors}${o.botLogLines > 0 ? ` (and ${o.botLogLines} bot warnings)` : ''}`],
    );
  }
  if (options.echoInvokeP50 !== undefined && Number.isFinite(options.echoInvokeP50)) {
    rows.push([`echo bot invoke p50 (ms), concurrency ${options.echoConcurrency ?? '?'}, for scale`, f(options.echoInvokeP50, 2)]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  console.log(`\nvote burst, medians across ${cfg.rounds} round${cfg.rounds === 1 ? '' : 's'} (${cfg.voters} votes at once):`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value.padStart(valueWidth)}`);

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    config: cfg,
    method,
    echoInvokeP50: options.echoInvokeP50 !== undefined && Number.isFinite(options.echoInvokeP50) ? options.echoInvokeP50 : null,
    ...outcomes,
  };
  writeResultsSection(RESULTS_KEY, results);
  return ok;
}

function f(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}
