/**
 * Agenda import benchmark, in process: a 60-item Swedish agenda pasted in three shapes, parsed,
 * turned into the saved agenda and rendered as cards, against the 40 KB card budget.
 *
 * Per shape and iteration (shapes and stages interleaved, so noise on the shared machine hits
 * them alike):
 * - parse:   parseAgendaText(text)                              (what agenda.previewImport does)
 * - confirm: agendaConfirmCard(current agenda, draftId, parsed) (the preview card)
 * - build:   parsed items → drafts (app/agendas.ts draftFromParsed) after the standing item, then
 *            timeAgenda → AgendaView                            (what importAgenda + load do, minus the store)
 * - shared:  agendaCard(view, undefined, 1)                     (the card everybody sees)
 * - chair:   agendaCard(view, chair, 1)                         (the chair's refreshed card)
 * and a baseline in the same loop: the small error card through renderTemplate (helpCard is
 * memoised and its renderer is not exported). Render times are also given as ratios to it.
 *
 * Sizes: BENCH_AGENDA_ITERATIONS (300), BENCH_AGENDA_WARMUP (50). Runs after the HTTP benchmark
 * from run.ts, or alone: `node dist/bench/agenda-import.js` (add --cpu-prof to profile).
 * Not an assertion: budget overruns print WARN, the exit code stays 0.
 */
import { randomUUID } from 'node:crypto';
import { envInt, percentile, round as roundTo, writeResultsSection } from './stats.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgendaView } from '../src/app/agenda-view.js';
import { draftFromParsed } from '../src/app/agendas.js';
import type { CouncilView } from '../src/app/councils.js';
import type { Regret } from '../src/app/ports.js';
import { type AgendaItemDraft, timeAgenda } from '../src/domain/agenda.js';
import { standingItems } from '../src/domain/agenda-standing.js';
import { type AgendaParseResult, type ParsedAgendaItem, parseAgendaText } from '../src/domain/agenda-text.js';
import type { CouncilMember } from '../src/domain/council.js';
import type { Meeting } from '../src/domain/meeting.js';
import { utcToZoned } from '../src/domain/meeting-time.js';
import { AGENDA_PAGE_SIZE, agendaCard, agendaConfirmCard } from '../src/teams/agenda-views.js';
import { renderTemplate } from '../src/teams/card-templates.js';

const RESULTS_KEY = 'agendaImport';
const BUDGET_BYTES = 40 * 1024;
const ITEM_COUNT = 60;


// ---------------------------------------------------------------------------------------------
// The agenda: 48 main items and 12 sub-items, a full council day 09.00–16.30.

interface SpecItem {
  title: string;
  minutes: number;
  presenters: string[];
  note?: string;
  /** Sub-items of this main item. */
  subs?: Omit<SpecItem, 'subs'>[];
}

const P = {
  aslak: 'Aslak Nilsson',
  anna: 'Anna Svensson',
  karin: 'Karin Jansson',
  asa: 'Åsa Hedeberg',
  bjorn: 'Björn Berg',
  eva: 'Eva Ek',
  per: 'Per Ås',
  maria: 'Maria Lindqvist',
  johan: 'Johan Öberg',
  fatima: 'Fatima Haddad',
};

const SPEC: SpecItem[] = [
  { title: 'Inledning och välkomnande', minutes: 10, presenters: [P.aslak], note: 'Välkomna, presentationsrunda' },
  { title: 'Val av justerare och godkännande av dagordningen', minutes: 5, presenters: [P.aslak] },
  {
    title: 'Ekonomisk uppföljning per oktober 2026',
    minutes: 5,
    presenters: [P.anna],
    note: 'Underlag skickas ut en vecka före mötet',
    subs: [
      { title: 'Intäkter och statsbidrag', minutes: 10, presenters: [P.anna] },
      { title: 'Kostnader för köpt vård', minutes: 10, presenters: [P.anna, P.bjorn] },
      { title: 'Prognos för helåret', minutes: 5, presenters: [P.bjorn] },
    ],
  },
  { title: 'Budget 2027 – ramar och prioriteringar, beslut', minutes: 20, presenters: [P.anna, P.karin], note: 'Förslag till beslut: rådet ställer sig bakom ramarna' },
  { title: 'Förfrågningsunderlag vårdval vårdcentral 2027', minutes: 15, presenters: [P.karin] },
  { title: 'Ersättningsmodell och kvalitetsindikatorer', minutes: 10, presenters: [P.karin] },
  { title: 'Paus', minutes: 15, presenters: [] },
  { title: 'Nära vård – lägesrapport', minutes: 10, presenters: [P.asa] },
  {
    title: 'Remisshantering',
    minutes: 5,
    presenters: [P.eva],
    subs: [
      { title: 'Ordnad överföring mellan vårdgivare', minutes: 10, presenters: [P.eva] },
      { title: 'Remisser från nätläkare', minutes: 10, presenters: [P.eva, P.per] },
    ],
  },
  { title: 'Läkemedel på rekvisition', minutes: 5, presenters: [P.maria] },
  { title: 'Lagrådsremiss – samsjuklighet', minutes: 10, presenters: [P.maria], note: 'Remissvar senast 15 december' },
  { title: 'Digitala vårdmöten och 1177', minutes: 10, presenters: [P.johan] },
  { title: 'Enkla kontaktvägar', minutes: 5, presenters: [P.johan] },
  { title: 'Information om förändrad knappvalsstruktur', minutes: 5, presenters: [P.johan] },
  { title: 'Tillgänglighet och vårdgaranti', minutes: 10, presenters: [P.asa] },
  { title: 'Lunch', minutes: 45, presenters: [] },
  {
    title: 'Patientsäkerhet',
    minutes: 5,
    presenters: [P.fatima],
    subs: [
      { title: 'Avvikelser under kvartal 3', minutes: 5, presenters: [P.fatima] },
      { title: 'Läkemedelsgenomgångar', minutes: 5, presenters: [P.maria] },
      { title: 'Vårdrelaterade infektioner', minutes: 5, presenters: [P.fatima] },
    ],
  },
  { title: 'Kompetensförsörjning och ST-läkare', minutes: 10, presenters: [P.bjorn] },
  { title: 'Fysioterapi – direktåtkomst', minutes: 5, presenters: [P.per] },
  { title: 'Psykisk hälsa i primärvården', minutes: 10, presenters: [P.asa, P.eva], note: 'Dialog i mindre grupper' },
  { title: 'Barnhälsovård – nya riktlinjer', minutes: 5, presenters: [P.karin] },
  { title: 'Mödrahälsovård', minutes: 5, presenters: [P.karin] },
  { title: 'Hemsjukvård och samverkan med kommunerna', minutes: 10, presenters: [P.asa] },
  { title: 'Paus', minutes: 15, presenters: [] },
  { title: 'Informationssäkerhet och journalsystem', minutes: 5, presenters: [P.johan] },
  { title: 'Uppföljning av avtal med privata vårdgivare', minutes: 5, presenters: [P.bjorn] },
  { title: 'Dialog om nära vård i glesbygd', minutes: 10, presenters: [] },
  {
    title: 'Val av ledamot till beredningsgruppen',
    minutes: 2,
    presenters: [P.aslak],
    subs: [
      { title: 'Valberedningens förslag', minutes: 3, presenters: [P.per] },
      { title: 'Val', minutes: 2, presenters: [P.aslak] },
    ],
  },
  { title: 'Anmälningsärenden för kännedom', minutes: 3, presenters: [] },
  { title: 'Rapport från Hälso- och sjukvårdsnämnden', minutes: 5, presenters: [P.anna] },
  { title: 'Rapport från Ledningsrådet', minutes: 5, presenters: [P.aslak] },
  { title: 'Vaccinationer inför säsongen', minutes: 5, presenters: [P.fatima] },
  { title: 'Screening och hälsosamtal', minutes: 5, presenters: [P.fatima] },
  { title: 'Asyl- och migranthälsa', minutes: 5, presenters: [P.eva] },
  { title: 'Tolkförmedling', minutes: 5, presenters: [P.eva] },
  { title: 'Hjälpmedel och förskrivning', minutes: 5, presenters: [P.per] },
  { title: 'Laboratorietjänster och provtagning', minutes: 5, presenters: [P.maria] },
  { title: 'Röntgen och bilddiagnostik', minutes: 5, presenters: [P.maria] },
  { title: 'Paus', minutes: 10, presenters: [] },
  {
    title: 'Miljö och hållbarhet i vården',
    minutes: 2,
    presenters: [P.johan],
    subs: [
      { title: 'Klimatsmarta läkemedel', minutes: 5, presenters: [P.maria] },
      { title: 'Avfall och återvinning', minutes: 5, presenters: [P.johan] },
    ],
  },
  { title: 'Forskning och utveckling i primärvården', minutes: 5, presenters: [P.bjorn] },
  { title: 'Utbildningsinsatser våren 2027', minutes: 5, presenters: [P.karin] },
  { title: 'Kommunikationsplan', minutes: 5, presenters: [P.asa] },
  { title: 'Remissvar om regional utvecklingsstrategi, beslut', minutes: 10, presenters: [P.anna], note: 'Förslag till beslut bifogas' },
  { title: 'Mötesplan 2027', minutes: 5, presenters: [P.aslak] },
  { title: 'Övriga frågor', minutes: 3, presenters: [] },
  { title: 'Utvärdering av dagen', minutes: 5, presenters: [P.aslak] },
  { title: 'Nästa möte och avslutning', minutes: 5, presenters: [P.aslak] },
];

interface Row {
  number: string;
  sub: boolean;
  start: string;
  end: string;
  item: Omit<SpecItem, 'subs'>;
}

/** The 60 rows with their numbers and planned times. */
function rows(): Row[] {
  const out: Row[] = [];
  let clock = 9 * 60;
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  SPEC.forEach((main, i) => {
    const add = (item: Omit<SpecItem, 'subs'>, number: string, sub: boolean) => {
      out.push({ number, sub, start: hhmm(clock), end: hhmm(clock + item.minutes), item });
      clock += item.minutes;
    };
    add(main, String(i + 1), false);
    main.subs?.forEach((s, j) => add(s, `${i + 1} ${String.fromCharCode(97 + j)}`, true));
  });
  if (out.length !== ITEM_COUNT) throw new Error(`agenda spec has ${out.length} items, not ${ITEM_COUNT}`);
  return out;
}

const dot = (time: string) => time.replace(':', '.');

/** "- 09.00 Inledning och välkomnande (föredragande Aslak Nilsson)", sub-items as indented bullets, notes as indented plain lines. */
function bulletText(): string {
  const lines = ['# Vårdvalsråd vårdval vårdcentral – heldag', '', '2026-11-26', '', '# Dagordning', ''];
  for (const r of rows()) {
    const who = r.item.presenters.length > 0 ? ` (föredragande ${r.item.presenters.join(' och ')})` : '';
    lines.push(`${r.sub ? '  ' : ''}- ${dot(r.start)} ${r.item.title}${who}`);
    if (r.item.note) lines.push(`${r.sub ? '    ' : '  '}${r.item.note}`);
  }
  return lines.join('\n');
}

/** "1. Inledning 09:00–09:10 Aslak Nilsson", "3 a. Intäkter 09:20–09:30 Anna Svensson". */
function numberedText(): string {
  const lines = ['Dagordning Vårdvalsråd vårdcentral 2026-11-26', ''];
  for (const r of rows()) {
    const who = r.item.presenters.length > 0 ? ` ${r.item.presenters.join(', ')}` : '';
    lines.push(`${r.number}. ${r.item.title} ${r.start}–${r.end}${who}`);
    if (r.item.note) lines.push(`   ${r.item.note}`);
  }
  return lines.join('\n');
}

/** Pasted from a Word or Excel table: "Punkt\tAnteckning\tTid/Föredragande". */
function tableText(): string {
  const lines = ['Punkt\tAnteckning\tTid/Föredragande'];
  for (const r of rows()) {
    const who = r.item.presenters.length > 0 ? ` ${r.item.presenters.join(', ')}` : '';
    lines.push(`${r.number}${r.sub ? '' : '.'} ${r.item.title}\t${r.item.note ?? ''}\t${dot(r.start)}–${dot(r.end)}${who}`);
  }
  return lines.join('\n');
}

export const SHAPES = { bullets: bulletText(), numbered: numberedText(), table: tableText() } as const;
type Shape = keyof typeof SHAPES;

// ---------------------------------------------------------------------------------------------
// The council, the meeting and the agenda view, shaped as the bot loads them.

const CHAIR = '29:user-0';
const AT = '2026-11-23T10:00:00.000Z';

function councilView(): CouncilView {
  const names = ['Anna Andersson', 'Bertil Berg', 'Cecilia Carlsson', 'David Dahl', 'Eva Ek', 'Fredrik Fors', 'Gunilla Gran', 'Hassan Holm', 'Ingrid Isaksson', 'Johan Jönsson', 'Karin Kvist', 'Lars Lund'];
  const members: CouncilMember[] = names.map((name, i) => ({
    councilId: 'c1',
    userId: i < names.length - 1 ? `29:user-${i}` : `guest:${randomUUID()}`,
    aadObjectId: null,
    name,
    email: null,
    role: i === 0 ? 'chair' : i === 1 ? 'secretary' : i < names.length - 1 ? 'member' : 'guest',
    organisation: i === names.length - 1 ? 'Västra Götalandsregionen, Koncernkontoret' : null,
    addedAt: AT,
  }));
  return {
    council: {
      id: 'c1',
      conversationId: '19:bench-council@thread.v2',
      tenantId: 't',
      name: 'Vårdvalsråd vårdcentral',
      locale: 'sv',
      timeZone: 'Europe/Stockholm',
      createdBy: CHAIR,
      createdAt: AT,
      updatedAt: AT,
      version: 3,
      quorumRule: { kind: 'majority' },
      membersCreatePolls: false,
      reminderPolicy: { daysBefore: [7, 1], at: '08:00' },
      calendar: null,
      minutesLibrary: null,
    },
    members,
  };
}

function meeting(): Meeting {
  return {
    id: randomUUID(),
    councilId: 'c1',
    title: 'Vårdvalsråd vårdcentral – heldag',
    // 09.00–16.30 in Stockholm (UTC+1 in November).
    startsAt: '2026-11-26T08:00:00.000Z',
    endsAt: '2026-11-26T15:30:00.000Z',
    place: 'Regionens hus, Lasarettsgatan 1, sammanträdesrum Klarälven',
    online: true,
    onlineUrl: null,
    status: 'planned',
    externalEventId: null,
    agendaCardActivityId: null,
    currentItemId: null,
    openedAt: null,
    closedAt: null,
    createdBy: CHAIR,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  };
}

/** As app/agendas.ts importAgenda + load: standing items first, then the imported ones, timed in the council's zone. */
function agendaView(view: CouncilView, m: Meeting, current: AgendaItemDraft[], imported: readonly ParsedAgendaItem[] | undefined, regrets: Regret[]): AgendaView {
  const items = imported ? [...current.filter((i) => i.standing), ...imported.map((item) => draftFromParsed(item, randomUUID))] : current;
  const zone = view.council.timeZone;
  const timing = timeAgenda(items, { start: utcToZoned(m.startsAt, zone).time, end: utcToZoned(m.endsAt, zone).time });
  return { view, meeting: m, items, timing, regrets, times: [], now: m.createdAt, openActions: [], notes: [], decisions: [] };
}

// ---------------------------------------------------------------------------------------------
// Statistics



interface Dist {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const round = (v: number, digits = 3) => roundTo(v, digits);

function dist(values: readonly number[]): Dist {
  const s = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? NaN) };
}

const bytesOf = (card: unknown) => Buffer.byteLength(JSON.stringify(card));

const STAGES = ['parse', 'confirm', 'build', 'shared', 'chair'] as const;
type Stage = (typeof STAGES)[number];

// ---------------------------------------------------------------------------------------------

export async function runAgendaImportBench(): Promise<void> {
  const cfg = { iterations: envInt('BENCH_AGENDA_ITERATIONS', 300), warmup: envInt('BENCH_AGENDA_WARMUP', 50), items: ITEM_COUNT };
  const view = councilView();
  const m = meeting();
  const current = standingItems(view.council.locale, randomUUID);
  const regrets: Regret[] = [
    { meetingId: m.id, userId: '29:user-5', note: 'Sjuk', createdAt: AT },
    { meetingId: m.id, userId: '29:user-8', note: null, createdAt: AT },
  ];
  const before = agendaView(view, m, current, undefined, regrets);
  const draftId = randomUUID();
  const baselineData = { title: 'Något gick fel', message: 'Det gick inte att spara dagordningen. Försök igen om en stund.' };
  const shapes = Object.keys(SHAPES) as Shape[];

  console.log(
    `\nagenda import: ${ITEM_COUNT}-item agenda × ${shapes.length} shapes, in process; ${cfg.iterations} iterations after ${cfg.warmup} warm-up, budget ${BUDGET_BYTES} B per card`,
  );

  // One pass over every stage of one shape; `sink` keeps the results alive.
  let sink = 0;
  const once = (shape: Shape, times?: Record<Stage, number[]>) => {
    const text = SHAPES[shape];
    let t = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      times?.[stage].push(now - t);
      t = performance.now();
    };
    const parsed = parseAgendaText(text);
    lap('parse');
    const confirm = agendaConfirmCard(before, draftId, { items: parsed.items, unparsed: parsed.unparsed.map((u) => u.text), truncated: parsed.truncated });
    lap('confirm');
    const agenda = agendaView(view, m, current, parsed.items, regrets);
    lap('build');
    const shared = agendaCard(agenda, undefined, 1);
    lap('shared');
    const chair = agendaCard(agenda, CHAIR, 1);
    lap('chair');
    sink += parsed.items.length + (confirm.body ? 1 : 0) + (shared.body ? 1 : 0) + (chair.body ? 1 : 0) + agenda.timing.totalMinutes;
  };
  const baseline = (times?: number[]) => {
    const t = performance.now();
    const card = renderTemplate('error', baselineData);
    times?.push(performance.now() - t);
    sink += card.body ? 1 : 0;
  };

  for (let i = 0; i < cfg.warmup; i++) {
    baseline();
    for (const shape of shapes) once(shape);
  }

  const times = Object.fromEntries(shapes.map((s) => [s, Object.fromEntries(STAGES.map((st) => [st, [] as number[]]))])) as Record<Shape, Record<Stage, number[]>>;
  const baseTimes: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < cfg.iterations; i++) {
    // Rotate the order so no shape always runs right after the baseline or a GC-heavy neighbour.
    const order = shapes.map((_, k) => shapes[(i + k) % shapes.length]!);
    baseline(baseTimes);
    for (const shape of order) once(shape, times[shape]);
  }
  const loopSeconds = (performance.now() - t0) / 1000;
  if (sink === 0) console.log('(nothing rendered)');

  // Sizes and sanity checks, outside the timed loop.
  const base = dist(baseTimes);
  const perShape: Record<string, unknown> = {};
  const table: string[][] = [['', 'parse', 'confirm', 'build', 'shared', 'chair', 'render*', 'render*/baseline']];
  const sizes: string[][] = [['', 'items (sub) / unparsed', 'text B', 'shared p1 B', 'chair p1 B', 'confirm B', 'largest page B', 'budget']];
  for (const shape of shapes) {
    const text = SHAPES[shape];
    const parsed: AgendaParseResult = parseAgendaText(text);
    const agenda = agendaView(view, m, current, parsed.items, regrets);
    const pages = Math.max(1, Math.ceil(agenda.timing.items.length / AGENDA_PAGE_SIZE));
    const bytes = {
      shared: bytesOf(agendaCard(agenda, undefined, 1)),
      chair: bytesOf(agendaCard(agenda, CHAIR, 1)),
      confirm: bytesOf(agendaConfirmCard(before, draftId, { items: parsed.items, unparsed: parsed.unparsed.map((u) => u.text), truncated: parsed.truncated })),
      largestPage: 0,
      pages,
    };
    for (let p = 1; p <= pages; p++) {
      bytes.largestPage = Math.max(bytes.largestPage, bytesOf(agendaCard(agenda, undefined, p)), bytesOf(agendaCard(agenda, CHAIR, p)));
    }
    const withinBudget = Math.max(bytes.shared, bytes.chair, bytes.confirm, bytes.largestPage) < BUDGET_BYTES;
    const subItems = parsed.items.filter((i) => /\s[a-z]+$/.test(i.number)).length;
    const timed = parsed.items.filter((i) => i.start !== undefined).length;
    const withPresenters = parsed.items.filter((i) => i.presenters.length > 0).length;
    const parseOk = parsed.items.length === ITEM_COUNT && subItems === 12 && parsed.unparsed.length === 0;

    const stage = Object.fromEntries(STAGES.map((st) => [st, dist(times[shape][st])])) as Record<Stage, Dist>;
    // "render": everything after the parse that the chair waits for when saving the import (build + shared + chair).
    const renderTimes = times[shape].build.map((b, i) => b + times[shape].shared[i]! + times[shape].chair[i]!);
    const render = dist(renderTimes);
    const perIterationRatio = dist(renderTimes.map((r, i) => r / baseTimes[i]!));
    const ratios = {
      renderP50: round(render.p50 / base.p50, 1),
      renderP99: round(render.p99 / base.p99, 1),
      renderPairedMedian: round(perIterationRatio.p50, 1),
      sharedP50: round(stage.shared.p50 / base.p50, 1),
      chairP50: round(stage.chair.p50 / base.p50, 1),
      confirmP50: round(stage.confirm.p50 / base.p50, 1),
    };
    perShape[shape] = {
      textBytes: Buffer.byteLength(text),
      parsed: { items: parsed.items.length, subItems, timed, withPresenters, unparsed: parsed.unparsed.length, truncated: parsed.truncated, title: parsed.title ?? null, date: parsed.date ?? null, ok: parseOk },
      ms: { ...stage, render },
      ratios,
      bytes,
      check: withinBudget ? 'PASS' : 'WARN',
    };
    table.push([shape, cell(stage.parse), cell(stage.confirm), cell(stage.build), cell(stage.shared), cell(stage.chair), cell(render), `${ratios.renderP50.toFixed(1)}× / ${ratios.renderP99.toFixed(1)}×`]);
    sizes.push([
      shape,
      `${parsed.items.length} (${subItems}) / ${parsed.unparsed.length}${parseOk ? '' : ' ?'}`,
      String(Buffer.byteLength(text)),
      String(bytes.shared),
      String(bytes.chair),
      String(bytes.confirm),
      `${bytes.largestPage} (of ${pages})`,
      `${withinBudget ? 'PASS' : 'WARN'} < ${BUDGET_BYTES}`,
    ]);
    if (!parseOk) process.stderr.write(`  ${shape}: expected ${ITEM_COUNT} items with 12 sub-items and nothing unparsed, got ${parsed.items.length} (${subItems}), ${parsed.unparsed.length} unparsed\n`);
  }
  table.push(['baseline (error card)', cell(base), '', '', '', '', '', '']);

  print(`times in ms, p50 / p99 over ${cfg.iterations} iterations (render* = build + shared + chair; ratio against the baseline's p50 / p99):`, table);
  print('card sizes (UTF-8 bytes of JSON.stringify; agenda cards page 1 of 25 items, plus the largest page of either view):', sizes);

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    config: cfg,
    budgetBytes: BUDGET_BYTES,
    baselineMs: base,
    shapes: perShape,
    loopSeconds: round(loopSeconds, 1),
  };
  writeResultsSection(RESULTS_KEY, results, ` (${results.loopSeconds} s timed loop)`);
}

function cell(d: Dist): string {
  return `${d.p50.toFixed(3)} / ${d.p99.toFixed(3)}`;
}

function print(title: string, rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  console.log(`\n${title}`);
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

// Run alone: node dist/bench/agenda-import.js
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runAgendaImportBench().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`agenda bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
