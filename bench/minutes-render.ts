/**
 * Minutes rendering benchmark, in process: the minutes of a long meeting (40 items, 120
 * decisions with reservations and protocol notes, 80 action items, 30 people) built from the
 * model and rendered as Word (docx) and Markdown.
 *
 * Per iteration, interleaved so noise on the shared machine hits them alike:
 * - build:    buildMinutes(input)                   (the pure model)
 * - markdown: minutesMarkdown(minutes)
 * - docx:     minutesDocx(minutes) → Buffer         (docx builds and zips the document)
 * - baseline: the same text as plain docx paragraphs, no tables, headings or footer — what the
 *             docx library costs for that much text; docx time is also given as a ratio to it.
 * Memory: heap and RSS growth over one render (build, Markdown, Word, baseline), from a forced GC
 * (when --expose-gc is given) to the end of the render with nothing collected.
 *
 * Sizes: BENCH_MINUTES_ITERATIONS (30), BENCH_MINUTES_WARMUP (5). Runs from run.ts, or alone:
 * `node --expose-gc dist/bench/minutes-render.js`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Packer, Paragraph } from 'docx';
import type { ActionItem } from '../src/domain/action-item.js';
import type { TimedAgendaItem } from '../src/domain/agenda.js';
import type { CouncilMember } from '../src/domain/council.js';
import type { Decision, ProtocolNote, Reservation } from '../src/domain/decision.js';
import { type MinutesInput, buildMinutes } from '../src/domain/minutes.js';
import { minutesDocx } from '../src/export/minutes-docx.js';
import { minutesMarkdown } from '../src/export/minutes-markdown.js';
import { envInt, percentile, round, writeResultsSection } from './stats.js';

const RESULTS_KEY = 'minutesRender';
const AT = '2026-12-03T12:00:00.000Z';

function input(): MinutesInput {
  const members: CouncilMember[] = Array.from({ length: 30 }, (_, i) => ({
    councilId: 'c1', userId: `29:user-${i}`, aadObjectId: null, name: `Ledamot ${i} Svensson`, email: null,
    role: i === 0 ? 'chair' : i === 1 ? 'secretary' : 'member', organisation: i % 3 ? 'Region Västra Götaland' : null, addedAt: AT,
  }));
  const items: TimedAgendaItem[] = Array.from({ length: 40 }, (_, i) => ({
    id: `i${i}`, title: `Ärende ${i + 1}: uppföljning av vårdval inom primärvården, del ${i + 1}`, kind: 'decision', level: i % 5 === 4 ? 1 : 0,
    presenters: [`Föredragande ${i}`], links: [], number: String(i + 1), description: 'Bakgrund: '.repeat(10),
  }));
  const decisions: Decision[] = Array.from({ length: 120 }, (_, i) => ({
    id: `d${i}`, meetingId: 'm1', agendaItemId: `i${i % 40}`, itemNumber: String((i % 40) + 1), itemTitle: `Ärende ${(i % 40) + 1}`,
    text: `Rådet beslutar att godkänna förslaget i ärende ${(i % 40) + 1} med de ändringar som framfördes vid sammanträdet.`,
    outcome: i % 20 === 0 ? 'tabled' : i % 25 === 0 ? 'referredBack' : 'decided', reason: i % 20 === 0 || i % 25 === 0 ? 'Underlaget behöver kompletteras.' : null,
    vote: i % 4 === 0 ? { for: 12, against: 3, abstain: 1 } : null, recordedBy: '29:user-1', recordedAt: AT, version: 1,
  }));
  const reservations: Reservation[] = decisions.filter((_, i) => i % 6 === 0).map((d, i) => ({ decisionId: d.id, userId: `29:user-${2 + (i % 20)}`, text: 'Förslaget missgynnar små mottagningar.', createdAt: AT }));
  const protocolNotes: ProtocolNote[] = decisions.filter((_, i) => i % 5 === 0).map((d, i) => ({ id: `n${i}`, meetingId: 'm1', itemId: d.agendaItemId, decisionId: d.id, userId: `29:user-${3 + (i % 20)}`, text: 'Uppföljningen ska redovisas i juni.', createdAt: AT }));
  const actions: ActionItem[] = Array.from({ length: 80 }, (_, i) => ({
    id: `a${i}`, councilId: 'c1', meetingId: 'm1', agendaItemId: `i${i % 40}`, ownerUserId: `29:user-${i % 30}`, ownerName: '', text: `Ta fram underlag för ärende ${(i % 40) + 1} till nästa sammanträde`,
    dueDate: '2027-02-15', status: i % 7 === 0 ? 'done' : 'open', createdBy: '29:user-1', createdAt: AT, completedAt: null, version: 1,
  }));
  return {
    council: { name: 'Vårdvalsråd primärvård', locale: 'sv', timeZone: 'Europe/Stockholm' },
    meeting: { id: 'm1', title: 'Vårdvalsråd primärvård', startsAt: AT, endsAt: '2026-12-03T16:00:00.000Z', place: 'Regionens hus, sal A', online: true, status: 'closed' },
    diaryNumber: 'RS 2026-00123', members, attendance: members.map((m, i) => ({ userId: m.userId, status: i % 9 === 8 ? 'absent' : 'present' })),
    guests: [{ name: 'Karin Lund', organisation: 'Regionhälsan' }], regrets: [], items, notes: items.map((i) => ({ itemId: i.id, text: 'Diskussion om förslaget.' })),
    decisions, reservations, protocolNotes, actions, polls: [], nominations: [], nextMeetings: [], adjusters: [{ userId: '29:user-2', approvedAt: null }, { userId: '29:user-3', approvedAt: null }], version: 1,
  };
}

function heap(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

export async function runMinutesRenderBench(): Promise<void> {
  const cfg = { iterations: envInt('BENCH_MINUTES_ITERATIONS', 30), warmup: envInt('BENCH_MINUTES_WARMUP', 5) };
  const data = input();
  console.log(`\nminutes render: 40 items, 120 decisions, 80 action items, 30 people; ${cfg.iterations} iterations after ${cfg.warmup} warm-up, in process`);
  const times = { build: [] as number[], markdown: [] as number[], docx: [] as number[], baseline: [] as number[] };
  let sizes = { docx: 0, markdown: 0, baseline: 0 };
  const once = async (record: boolean) => {
    let t = performance.now();
    const minutes = buildMinutes(data);
    const build = performance.now() - t;
    t = performance.now();
    const markdown = minutesMarkdown(minutes, { draft: false });
    const md = performance.now() - t;
    t = performance.now();
    const docx = await minutesDocx(minutes, { draft: false });
    const word = performance.now() - t;
    t = performance.now();
    const lines = markdown.split('\n').filter((l) => l.trim() !== '');
    const baseline = await Packer.toBuffer(new Document({ sections: [{ children: lines.map((l) => new Paragraph(l)) }] }));
    const base = performance.now() - t;
    if (record) {
      times.build.push(build);
      times.markdown.push(md);
      times.docx.push(word);
      times.baseline.push(base);
      sizes = { docx: docx.length, markdown: Buffer.byteLength(markdown), baseline: baseline.length };
    }
  };
  for (let i = 0; i < cfg.warmup; i += 1) await once(false);
  const before = heap();
  await once(false);
  // No collection before reading: what one render allocates and holds at its end.
  const used = process.memoryUsage();
  const after = { heap: used.heapUsed, rss: used.rss };
  for (let i = 0; i < cfg.iterations; i += 1) await once(true);
  const stat = (v: number[]) => {
    const sorted = [...v].sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
  };
  const results = {
    buildMs: stat(times.build),
    markdownMs: stat(times.markdown),
    docxMs: stat(times.docx),
    baselineDocxMs: stat(times.baseline),
    docxToBaselineP50: round(percentile([...times.docx].sort((a, b) => a - b), 50) / percentile([...times.baseline].sort((a, b) => a - b), 50)),
    bytes: sizes,
    grownOverOneRenderMB: { heap: round((after.heap - before.heap) / 1e6), rss: round((after.rss - before.rss) / 1e6) },
    peakRssMB: round(process.memoryUsage().rss / 1e6),
  };
  const rows: [string, string][] = [
    ['build model p50 / p99 (ms)', `${results.buildMs.p50} / ${results.buildMs.p99}`],
    ['markdown p50 / p99 (ms)', `${results.markdownMs.p50} / ${results.markdownMs.p99}`],
    ['docx p50 / p99 (ms)', `${results.docxMs.p50} / ${results.docxMs.p99}`],
    ['plain docx of the same text p50 / p99 (ms)', `${results.baselineDocxMs.p50} / ${results.baselineDocxMs.p99}`],
    ['docx / plain docx, p50', `${results.docxToBaselineP50}×`],
    ['sizes docx / markdown / plain docx (KB)', `${round(sizes.docx / 1024, 1)} / ${round(sizes.markdown / 1024, 1)} / ${round(sizes.baseline / 1024, 1)}`],
    ['heap / RSS growth over one render (MB)', `${results.grownOverOneRenderMB.heap} / ${results.grownOverOneRenderMB.rss}`],
    ['process RSS at the end (MB)', String(results.peakRssMB)],
  ];
  for (const [k, v] of rows) console.log(`${`minutes ${k}`.padEnd(60)}${v.padStart(18)}`);
  writeResultsSection(RESULTS_KEY, results);
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  await runMinutesRenderBench();
}
