/**
 * Pasted agendas as Teams delivers them, in process: 1 MB inputs of each shape read from HTML
 * (message-input.ts) and parsed into items (parseAgendaBlocks), and 1 MB of tab-separated text
 * through parseAgendaText. Inputs are at the attachment limit (MAX_HTML_CHARS), so each figure is
 * the worst a message can cost; the budget is 200 ms per input. Hostile shapes are included: runs
 * of "<" and "&", an unclosed attribute, nesting at and beyond the depth limit, one huge cell.
 *
 * Sizes: BENCH_AGENDA_HTML_ITERATIONS (20), BENCH_AGENDA_HTML_WARMUP (3). Runs from run.ts, or alone:
 * `node dist/bench/agenda-html.js`. Not an assertion: inputs over budget print WARN, the exit code stays 0.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgendaBlocks, parseAgendaText } from '../src/domain/agenda-text.js';
import { MAX_HTML_CHARS, readMessage } from '../src/teams/message-input.js';
import { envInt, percentile, round, writeResultsSection } from './stats.js';

const BUDGET_MS = 200;
const RESULTS_KEY = 'agendaHtml';
const bot = { id: '28:bot', name: 'Rådsassistenten' };

/** `unit` repeated to just under the attachment limit, between `head` and `tail`. */
function fill(head: string, unit: (i: number) => string, tail = ''): string {
  const parts = [head];
  let length = head.length + tail.length;
  for (let i = 0; ; i++) {
    const next = unit(i);
    if (length + next.length > MAX_HTML_CHARS) break;
    parts.push(next);
    length += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

const wordRow = (i: number) =>
  `<tr><td><p class="MsoNormal">${i + 1}</p></td><td><p class="MsoNormal"><b>Ekonomisk uppföljning ${i}</b></p><p class="MsoNormal">Prognos efter oktober</p></td>` +
  `<td><p class="MsoNormal">Rapport&nbsp;från enheten</p></td><td><p class="MsoNormal">13.00–13.30</p><p class="MsoNormal">Björn Berg</p><p class="MsoNormal">Cecilia Ek</p></td></tr>`;

const SHAPES: Record<string, () => { html?: string; text?: string }> = {
  wordTable: () => ({ html: fill('<p>dagordning</p><table><tr><td>Nr</td><td>Mötespunkt</td><td>Anteckning</td><td>Föredragande</td></tr>', wordRow, '</table>') }),
  nestedLists: () => ({ html: fill('<p>dagordning</p><ol>', (i) => `<li>Punkt ${i}<ul><li>Underpunkt a</li><li>Underpunkt b</li></ul></li>`, '</ol>') }),
  paragraphs: () => ({ html: fill('<div>', (i) => `<p>${String(9 + (i % 8)).padStart(2, '0')}.00 Punkt ${i}, föredragande Åsa Ek</p>`, '</div>') }),
  oneHugeCell: () => ({ html: fill('<table><tr><td>1</td><td>', () => 'Ekonomi och budget ', '</td></tr></table>') }),
  ltRun: () => ({ html: fill('<p>', () => '<', '</p>') }),
  ampRun: () => ({ html: fill('<p>', () => '&', '</p>') }),
  unclosedAttribute: () => ({ html: fill('<p class="', () => 'x') }),
  closedNesting: () => ({ html: fill('', () => '<div><b><i>x</i></b></div>') }),
  depthAtLimit: () => ({ html: fill('', (i) => (i % 2 === 0 ? '<div>'.repeat(250) : '</div>'.repeat(250))) }),
  tooDeep: () => ({ html: fill('', () => '<div>') }),
  tabText: () => ({ text: fill('Nr\tMötespunkt\tTid\tFöredragande\n', (i) => `${i + 1}\tEkonomi ${i}\t13.00–13.30\tBjörn Berg och Cecilia Ek\n`) }),
};

function once(input: { html?: string; text?: string }): { items: number; refused: string | undefined } {
  if (input.text !== undefined) return { items: parseAgendaText(input.text).items.length, refused: undefined };
  const message = readMessage({ text: '', attachments: [{ contentType: 'text/html', content: input.html }], recipient: bot, entities: [] } as never);
  return { items: message.refused ? 0 : parseAgendaBlocks(message.blocks ?? []).items.length, refused: message.refused };
}

export async function runAgendaHtmlBench(): Promise<void> {
  const cfg = { iterations: envInt('BENCH_AGENDA_HTML_ITERATIONS', 20), warmup: envInt('BENCH_AGENDA_HTML_WARMUP', 3), budgetMs: BUDGET_MS };
  console.log(`\npasted agendas from HTML: ${Object.keys(SHAPES).length} inputs of up to ${MAX_HTML_CHARS} chars, ${cfg.iterations} iterations after ${cfg.warmup} warm-up`);
  const results: Record<string, unknown> = {};
  const rows: string[][] = [['input', 'chars', 'items', 'refused', 'p50 ms', 'max ms', 'budget']];
  for (const [name, make] of Object.entries(SHAPES)) {
    const input = make();
    for (let i = 0; i < cfg.warmup; i++) once(input);
    const times: number[] = [];
    let outcome = once(input);
    for (let i = 0; i < cfg.iterations; i++) {
      const t = performance.now();
      outcome = once(input);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p50 = round(percentile(times, 50), 1);
    const max = round(times.at(-1)!, 1);
    const check = max <= BUDGET_MS ? 'PASS' : 'WARN';
    const chars = (input.html ?? input.text ?? '').length;
    results[name] = { chars, items: outcome.items, refused: outcome.refused ?? null, p50Ms: p50, maxMs: max, check };
    rows.push([name, String(chars), String(outcome.items), outcome.refused ?? '', p50.toFixed(1), max.toFixed(1), `${check} ≤ ${BUDGET_MS}`]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  writeResultsSection(RESULTS_KEY, { at: new Date().toISOString(), node: process.version, config: cfg, inputs: results });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAgendaHtmlBench().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`agenda html bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
