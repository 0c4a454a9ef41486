/**
 * Hostile messages, for `npm run bench` (run.ts; BENCH_ONLY=adversarial runs it alone): what anyone
 * in Teams can type must not cost the bot more than a word does, nor hold up anyone else.
 *
 * The real bot and the echo bot (bench/echo-bot.ts, the plainest botbuilder + teams-ai bot) run as
 * their own processes and answer one fake connector. Each input is a run of one character (every
 * ASCII punctuation character, spaces, digits, "å") ending in a letter, or a shape aimed at the
 * text command parser ("<a" and "<p>x</p>" repeated, "&amp;" repeated, "hjälp" before a run of
 * dots, "beslut: " before dots, entities or tags, an argument that is read in full), at 28 KB,
 * 112 KB and as much as the 1 MB request body limit holds once JSON-encoded. Each is sent
 * as a Teams message activity twice: in a group chat with an @mention of the bot (text and mention
 * entity as Teams writes them) and in a personal chat without one. Messages go one at a time and the
 * bot's CPU time per message is read from /proc (all its threads, nanoseconds from schedstat)
 * before and after; BENCH_ADVERSARIAL_REPEATS (3) sends per input, the median is reported.
 * Target: under 50 ms of bot CPU for every input.
 *
 * Then the flood: BENCH_ADVERSARIAL_FLOOD (10) hostile messages from different people at once,
 * and while they are in flight a "hjälp" from someone else in a personal chat; its round trip
 * against the same "hjälp" with no flood (BENCH_ADVERSARIAL_ROUNDS rounds, 10, medians). The
 * flood kinds: 28 KB of dots and a letter (1.3 s of bot CPU each before the fix) and 1 MB of "<".
 *
 * BENCH_ADVERSARIAL_MAX_CHARS leaves out larger inputs (to compare with a build that takes minutes
 * on them). Figures go under "adversarial" in bench/results/latest.json. Not an assertion: an input
 * over the target prints WARN; the part fails only when a message is not answered.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { FakeConnector } from '../test/support/fake-connector.js';
import { type Conversation, TeamsClient, type User, user } from '../test/support/teams-client.js';
import { envInt, median, percentile, round, writeResultsSection } from './stats.js';

const RESULTS_KEY = 'adversarial';
const TARGET_CPU_MS = 50;
/** The bot's default MAX_BODY_BYTES, less room for the activity around the text. */
const BODY_LIMIT = 1024 * 1024;
const ENVELOPE_BYTES = 4096;

export type BotName = 'echo' | 'real';

/** A bot process as run.ts starts it. */
export interface AdversarialBot {
  readonly url: string;
  readonly child?: { pid?: number };
  start(): Promise<number>;
  stop(): Promise<void>;
}

export interface AdversarialOptions {
  bot(name: BotName): AdversarialBot;
}

interface Input {
  name: string;
  text: string;
}

/** CPU time of every thread of the process so far, in ms (schedstat counts nanoseconds). */
function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return ns / 1e6;
}

/** `unit` repeated to `chars` characters, or fewer if its JSON would not fit in the body limit. */
function run(unit: string, chars: number): string {
  const jsonBytesPerUnit = Buffer.byteLength(JSON.stringify(unit)) - 2;
  const fitting = Math.floor((BODY_LIMIT - ENVELOPE_BYTES) / jsonBytesPerUnit);
  return unit.repeat(Math.max(1, Math.floor(Math.min(chars, fitting * unit.length) / unit.length)));
}

function inputs(maxChars: number): Input[] {
  const punctuation = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
  const units: [string, string][] = [
    ...punctuation.map((ch): [string, string] => [`run of ${ch}`, ch]),
    ['run of spaces', ' '],
    ['run of digits', '7'],
    ['run of å', 'å'],
    ['"<a" repeated', '<a'],
    ['"<p>x</p>" repeated', '<p>x</p>'],
    ['"&amp;" repeated', '&amp;'],
  ];
  const out: Input[] = [];
  for (const chars of [28_000, 112_000, BODY_LIMIT]) {
    if (chars > maxChars) continue;
    const size = chars === BODY_LIMIT ? '1 MB' : `${chars / 1000} KB`;
    // The letter at the end is the rejecting suffix: a pattern anchored at the end ("[.!]+$") then
    // fails after reading the run, from each start, instead of matching at the first.
    for (const [name, unit] of units) out.push({ name: `${name}, ${size}`, text: `${run(unit, chars - 1)}x` });
    out.push({ name: `"hjälp" and dots, ${size}`, text: `hjälp${run('.', chars - 5)}` });
    // Arguments are read from the whole message: these are parsed in full.
    out.push({ name: `"beslut: " and dots, ${size}`, text: `beslut: ${run('.', chars - 8)}` });
    out.push({ name: `"beslut: " and "&lt;" repeated, ${size}`, text: `beslut: ${run('&lt;', chars - 8)}` });
    out.push({ name: `"beslut: " and "<p>x</p>" repeated, ${size}`, text: `beslut: ${run('<p>x</p>', chars - 8)}` });
  }
  return out;
}

interface Sent {
  ms: number;
  cpuMs: number;
}

export async function runAdversarialBench(options: AdversarialOptions): Promise<boolean> {
  const cfg = {
    repeats: envInt('BENCH_ADVERSARIAL_REPEATS', 3),
    flood: envInt('BENCH_ADVERSARIAL_FLOOD', 10),
    rounds: envInt('BENCH_ADVERSARIAL_ROUNDS', 10),
    maxChars: envInt('BENCH_ADVERSARIAL_MAX_CHARS', BODY_LIMIT),
  };
  const connector = await new FakeConnector().start();
  const bots = { echo: options.bot('echo'), real: options.bot('real') };
  const clients = { echo: new TeamsClient(() => bots.echo.url, connector), real: new TeamsClient(() => bots.real.url, connector) };
  const started: AdversarialBot[] = [];
  const attacker = user(900, 'Mallory Malm');
  const bystander = user(901, 'Berit Bystander');
  const flooders = Array.from({ length: cfg.flood }, (_, i) => user(910 + i, `Flood ${i + 1}`));
  const group: Conversation = { id: '19:bench-adversarial@thread.v2', type: 'groupChat', name: 'Fikarummet' };
  const personalOf = (u: User): Conversation => ({ id: `a:bench-adversarial-${u.id}`, type: 'personal' });
  const all = inputs(cfg.maxChars);
  console.log(
    `\nadversarial: ${all.length} inputs × 2 conversations × ${cfg.repeats} sends per bot, one at a time; flood of ${cfg.flood} × ${cfg.rounds} rounds`,
  );
  try {
    for (const bot of [bots.echo, bots.real]) {
      await bot.start();
      started.push(bot);
    }
    const pid = (name: BotName) => bots[name].child?.pid ?? NaN;
    const send = async (name: BotName, conversation: Conversation, from: User, text: string, mention: boolean): Promise<Sent> => {
      const cpu0 = cpuMs(pid(name));
      const t0 = performance.now();
      const { status } = await clients[name].say(conversation, from, text, { mention });
      const ms = performance.now() - t0;
      if (status !== 200) throw new Error(`${name} bot answered ${status} to a ${text.length}-character message`);
      return { ms, cpuMs: cpuMs(pid(name)) - cpu0 };
    };

    // Warm-up: the JIT and each conversation seen once, so the first input does not pay for them.
    for (const name of ['echo', 'real'] as BotName[]) {
      for (let i = 0; i < 30; i++) await send(name, personalOf(bystander), bystander, 'hjälp', false);
      for (const input of all.filter((x) => x.text.length < 30_000)) {
        await send(name, group, attacker, input.text, true);
        await send(name, personalOf(attacker), attacker, input.text, false);
      }
      connector.reset();
    }

    // Every input, one message at a time, alternating the bots so machine noise hits both alike.
    const perInput: { input: string; chars: number; conversation: string; real: { cpuMs: number; ms: number }; echo: { cpuMs: number; ms: number } }[] = [];
    for (const input of all) {
      for (const [conversation, mention] of [[group, true], [personalOf(attacker), false]] as const) {
        const samples: Record<BotName, Sent[]> = { echo: [], real: [] };
        for (let r = 0; r < cfg.repeats; r++) {
          for (const name of (r % 2 ? ['real', 'echo'] : ['echo', 'real']) as BotName[]) samples[name].push(await send(name, conversation, attacker, input.text, mention));
        }
        connector.reset();
        const of = (name: BotName) => ({ cpuMs: round(median(samples[name].map((s) => s.cpuMs)), 2), ms: round(median(samples[name].map((s) => s.ms)), 2) });
        const row = { input: input.name, chars: input.text.length, conversation: mention ? 'group chat, @mention' : 'personal chat', real: of('real'), echo: of('echo') };
        perInput.push(row);
        if (row.real.cpuMs >= TARGET_CPU_MS) console.log(`  WARN ${row.input} (${row.conversation}): real bot ${row.real.cpuMs} ms CPU`);
      }
    }

    // Another user's "hjälp", alone and while a flood of hostile messages is in flight.
    const hjalp = async (name: BotName) => (await send(name, personalOf(bystander), bystander, 'hjälp', false)).ms;
    const floods: Input[] = [
      { name: `${cfg.flood} × 28 KB of dots`, text: `${run('.', 28_000 - 1)}x` },
      ...(cfg.maxChars >= BODY_LIMIT ? [{ name: `${cfg.flood} × 1 MB of "<"`, text: `${run('<', BODY_LIMIT - 1)}x` }] : []),
    ];
    const latency: Record<string, Record<BotName, { p50: number; max: number; floodMs?: number }>> = {};
    const quiet: Record<BotName, number[]> = { echo: [], real: [] };
    for (let r = 0; r < cfg.rounds; r++) for (const name of ['echo', 'real'] as BotName[]) quiet[name].push(await hjalp(name));
    latency['no flood'] = {
      echo: { p50: round(median(quiet.echo), 2), max: round(Math.max(...quiet.echo), 2) },
      real: { p50: round(median(quiet.real), 2), max: round(Math.max(...quiet.real), 2) },
    };
    for (const flood of floods) {
      const during: Record<BotName, number[]> = { echo: [], real: [] };
      const whole: Record<BotName, number[]> = { echo: [], real: [] };
      for (let r = 0; r < cfg.rounds; r++) {
        for (const name of (r % 2 ? ['real', 'echo'] : ['echo', 'real']) as BotName[]) {
          const t0 = performance.now();
          const sent = flooders.map((f) => clients[name].say(personalOf(f), f, flood.text));
          // Let the flood's requests reach the bot before the "hjälp" does.
          await new Promise((resolveSoon) => setTimeout(resolveSoon, 5));
          during[name].push(await hjalp(name));
          const statuses = await Promise.all(sent);
          whole[name].push(performance.now() - t0);
          const failed = statuses.filter((s) => s.status !== 200).length;
          if (failed > 0) throw new Error(`${name} bot: ${failed} of the flood answered other than 200`);
          connector.reset();
        }
      }
      latency[flood.name] = Object.fromEntries(
        (['echo', 'real'] as BotName[]).map((name) => [name, { p50: round(median(during[name]), 2), max: round(Math.max(...during[name]), 2), floodMs: round(median(whole[name]), 1) }]),
      ) as Record<BotName, { p50: number; max: number; floodMs: number }>;
    }

    // Summary.
    const realCpu = perInput.map((row) => row.real.cpuMs).sort((a, b) => a - b);
    const worst = [...perInput].sort((a, b) => b.real.cpuMs - a.real.cpuMs).slice(0, 5);
    const over = perInput.filter((row) => row.real.cpuMs >= TARGET_CPU_MS);
    const dots28 = perInput.filter((row) => row.input === 'run of ., 28 KB');
    const summary = {
      inputs: perInput.length,
      overTarget: over.length,
      realCpuMs: { p50: round(median(realCpu), 2), p90: round(percentile(realCpu, 90), 2), max: round(realCpu.at(-1) ?? NaN, 2) },
      echoCpuMs: { p50: round(median(perInput.map((row) => row.echo.cpuMs)), 2), max: round(Math.max(...perInput.map((row) => row.echo.cpuMs)), 2) },
      realOverEchoCpu: round(median(perInput.map((row) => row.real.cpuMs / row.echo.cpuMs)), 2),
      dots28KbCpuMs: Object.fromEntries(dots28.map((row) => [row.conversation, row.real.cpuMs])),
    };
    console.log(
      `bot CPU per hostile message (median of ${cfg.repeats}): real p50 ${summary.realCpuMs.p50} ms, p90 ${summary.realCpuMs.p90} ms, max ${summary.realCpuMs.max} ms; ` +
        `echo p50 ${summary.echoCpuMs.p50} ms, max ${summary.echoCpuMs.max} ms; real/echo ${summary.realOverEchoCpu}× — ` +
        `${over.length === 0 ? 'PASS' : 'WARN'}: ${perInput.length - over.length}/${perInput.length} under ${TARGET_CPU_MS} ms`,
    );
    console.log(`28 KB of dots: ${dots28.map((row) => `${row.real.cpuMs} ms (${row.conversation})`).join(', ')}`);
    console.log('most costly for the real bot:');
    for (const row of worst) console.log(`  ${row.input} (${row.conversation}): ${row.real.cpuMs} ms CPU, ${row.real.ms} ms round trip; echo ${row.echo.cpuMs} ms CPU`);
    console.log(`another user's "hjälp" round trip (median of ${cfg.rounds}, ms):`);
    for (const [name, byBot] of Object.entries(latency)) {
      console.log(
        `  ${name.padEnd(24)} real ${byBot.real.p50.toFixed(2)} (max ${byBot.real.max.toFixed(2)})  echo ${byBot.echo.p50.toFixed(2)} (max ${byBot.echo.max.toFixed(2)})` +
          (byBot.real.floodMs !== undefined ? `  whole flood answered in real ${byBot.real.floodMs} / echo ${byBot.echo.floodMs}` : ''),
      );
    }
    writeResultsSection(RESULTS_KEY, {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      config: cfg,
      targetCpuMs: TARGET_CPU_MS,
      summary,
      hjalpLatencyMs: latency,
      worst,
      // One line per input: median bot CPU per message, real / echo, in ms.
      cpuMsRealEcho: Object.fromEntries(perInput.map((row) => [`${row.input}, ${row.conversation}`, `${row.real.cpuMs} / ${row.echo.cpuMs}`])),
    });
    return true;
  } finally {
    await Promise.all(started.map((b) => b.stop()));
    await connector.stop();
  }
}
