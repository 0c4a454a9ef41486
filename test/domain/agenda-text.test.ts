import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draftFromParsed } from '../../src/app/agendas.js';
import { timeAgenda } from '../../src/domain/agenda.js';
import { type AgendaParseResult, MAX_AGENDA_ITEMS, parseAgendaText } from '../../src/domain/agenda-text.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/agendas/${name}`, import.meta.url), 'utf8');
const titles = (r: AgendaParseResult) => r.items.map((i) => i.title);
const numbers = (r: AgendaParseResult) => r.items.map((i) => i.number);

describe('parseAgendaText on the real fixtures', () => {
  it('reads the vårdcentral agenda split over two "Dagens punkter" slides and nothing else', () => {
    const r = parseAgendaText(fixture('vardvalsrad-vardcentral-2026-03-26-agenda.txt'));
    expect(numbers(r)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(titles(r)).toEqual([
      'Inledning och information',
      'Revideringsprocessen för upphandlingsunderlag 2027',
      'Allmänmedicinska frågor',
      'Nära Vård',
      'Enkla kontaktvägar',
      'Information förändrad knappvalsstruktur',
      'Paus',
      'Övriga frågor, remisser från nätläkare',
      'Läkemedel på rekvisition',
      'Lagrådsremiss - samsjuklighet',
    ]);
    expect(r.items[0]).toMatchObject({ start: '13:00', end: '13:10', durationMinutes: 10, kind: 'information', presenters: [] });
    // The break runs until the agenda resumes on the next slide.
    expect(r.items[6]).toMatchObject({ title: 'Paus', kind: 'break', start: '14:35', end: '15:00', durationMinutes: 25 });
    expect(r.items[7]).toMatchObject({ kind: 'discussion', start: '15:00' });
    expect(r.items[9]).toMatchObject({ start: '15:30' });
    expect(r.items[9]!.end).toBeUndefined();
    expect(r.unparsed).toEqual([]);
    expect(r.date).toBe('2026-03-26');
    expect(r.title).toBe('Vårdvalsråd vårdval vårdcentral');
    expect(r.truncated).toBe(false);
    const all = JSON.stringify(r);
    for (const fromSlides of ['HSN AU', 'Informera om', 'Tidsplan', 'Digital vård', 'Stoboclo', 'Torsby']) expect(all).not.toContain(fromSlides);
  });

  it('reads the fysioterapi agenda with the nested question as sub-item 7 a', () => {
    const r = parseAgendaText(fixture('vardvalsrad-fysioterapi-2024-09-10-agenda.txt'));
    expect(r.items.map((i) => [i.number, i.title])).toEqual([
      ['1', 'Föregående minnesanteckningar'],
      ['2', 'Nuläget inom vårdval fysioterapi; resurs, vårdgivare etc.'],
      ['3', 'Förfrågningsunderlag 2025'],
      ['4', 'Pågående arbete för att vidarebefordra remiss'],
      ['5', 'MBT'],
      ['6', 'Kunskapsstyrning'],
      ['7', 'Övrigt'],
      ['7 a', 'Hur ser det ut med möjligheten att kunna logga in även med SITHS-kortet i portalen istället för bara med telefon som är sårbart?!'],
    ]);
    expect(r.items[6]!.kind).toBe('discussion');
    expect(r.items.every((i) => i.start === undefined && i.presenters.length === 0)).toBe(true);
    expect(r.date).toBe('2024-09-10');
    expect(r.unparsed).toEqual([]);
    const all = JSON.stringify(r);
    for (const fromSlides of ['Sano fysio', 'Tisdag 10 sep', 'Teammöte', 'Hjärtsvikt', 'Kontaktuppgifter', 'Rutin upprättas']) {
      expect(all).not.toContain(fromSlides);
    }
  });
});

describe('parseAgendaText shapes', () => {
  it('reads time-prefixed bullets and lines, ending each item where the next begins', () => {
    const r = parseAgendaText('- 13.00 Inledning och information\n13.10 Revideringsprocessen för upphandlingsunderlag\n- 13:40 Paus\n14.00 Avslut');
    expect(r.items.map((i) => [i.number, i.title, i.start, i.end])).toEqual([
      ['1', 'Inledning och information', '13:00', '13:10'],
      ['2', 'Revideringsprocessen för upphandlingsunderlag', '13:10', '13:40'],
      ['3', 'Paus', '13:40', '14:00'],
      ['4', 'Avslut', '14:00', undefined],
    ]);
    expect(r.items[2]!.kind).toBe('break');
  });

  it('reads a leading time range with spaces around the dash', () => {
    const r = parseAgendaText('13:00 – 13:10 Inledning\n13.10-13.45 Ekonomi\nkl. 14 Fika');
    expect(r.items.map((i) => [i.title, i.start, i.end, i.durationMinutes])).toEqual([
      ['Inledning', '13:00', '13:10', 10],
      ['Ekonomi', '13:10', '13:45', 35],
      ['Fika', '14:00', undefined, undefined],
    ]);
  });

  it('reads numbered items with ranges, presenters and sub-numbers', () => {
    const r = parseAgendaText(
      [
        '1. Inledning 13:00–13:10 Aslak',
        '2) Ekonomi 13.10-13.40 Anna Svensson, Björn Berg',
        '3. Remisshantering',
        '3 a. Ordnad överföring',
        '3b Remisser',
        '§ 4 Beslut om förfrågningsunderlag 2027',
        '5. Val av justerare (5 min)',
        '6. Anmälningsärenden för kännedom',
        '7. Dialog om nära vård, föredragande: Eva Ek',
      ].join('\n'),
    );
    expect(r.items).toEqual([
      { number: '1', title: 'Inledning', presenters: ['Aslak'], start: '13:00', end: '13:10', durationMinutes: 10, kind: 'information' },
      { number: '2', title: 'Ekonomi', presenters: ['Anna Svensson', 'Björn Berg'], start: '13:10', end: '13:40', durationMinutes: 30, kind: 'information' },
      { number: '3', title: 'Remisshantering', presenters: [], kind: 'information' },
      { number: '3 a', title: 'Ordnad överföring', presenters: [], kind: 'information' },
      { number: '3 b', title: 'Remisser', presenters: [], kind: 'information' },
      { number: '4', title: 'Beslut om förfrågningsunderlag 2027', presenters: [], kind: 'decision' },
      { number: '5', title: 'Val av justerare', presenters: [], durationMinutes: 5, kind: 'election' },
      { number: '6', title: 'Anmälningsärenden för kännedom', presenters: [], kind: 'reported' },
      { number: '7', title: 'Dialog om nära vård', presenters: ['Eva Ek'], kind: 'discussion' },
    ]);
    expect(r.unparsed).toEqual([]);
  });

  it('keeps text after a time that is not names in the title', () => {
    const r = parseAgendaText('1. Ekonomi 13.10-13.40 (beslut)\n2. Rapport 13.40 om läget');
    expect(titles(r)).toEqual(['Ekonomi (beslut)', 'Rapport om läget']);
    expect(r.items[0]!.kind).toBe('decision');
    expect(r.items.every((i) => i.presenters.length === 0)).toBe(true);
  });

  it('reads a Swedish table with a notes column and a combined time/presenter column', () => {
    const r = parseAgendaText(
      'Punkt\tAnteckning\tTid/Föredragande\n1. Inledning\tVälkomna, presentationsrunda\t13:00–13:10 Aslak\n2. Budget 2027\tBeslut om ramar\t13.10 Anna Svensson\n3. Paus\t\t13.40\n4. Avslut\t\t14.00',
    );
    expect(r.items).toEqual([
      { number: '1', title: 'Inledning', presenters: ['Aslak'], start: '13:00', end: '13:10', durationMinutes: 10, kind: 'information', description: 'Välkomna, presentationsrunda' },
      { number: '2', title: 'Budget 2027', presenters: ['Anna Svensson'], start: '13:10', end: '13:40', durationMinutes: 30, kind: 'information', description: 'Beslut om ramar' },
      { number: '3', title: 'Paus', presenters: [], start: '13:40', end: '14:00', durationMinutes: 20, kind: 'break' },
      { number: '4', title: 'Avslut', presenters: [], start: '14:00', kind: 'information' },
    ]);
    expect(r.unparsed).toEqual([]);
  });

  it('reads tables with separate time and presenter columns, in Swedish and English', () => {
    const sv = parseAgendaText('Ärende\tBeskrivning\tTid\tAnsvarig\nUppföljning\tKvartal 3\t13-14\tEva Ek och Per Ås\nÖvriga frågor\t\t14.00\t');
    expect(sv.items.map((i) => [i.number, i.title, i.start, i.end, i.presenters, i.description, i.kind])).toEqual([
      ['1', 'Uppföljning', '13:00', '14:00', ['Eva Ek', 'Per Ås'], 'Kvartal 3', 'information'],
      ['2', 'Övriga frågor', '14:00', undefined, [], undefined, 'discussion'],
    ]);
    const tabbed = parseAgendaText('Item\tNotes\tTime\nWelcome\tRound of names\t09:00\nBudget\tFor decision\t09:15-10:00');
    expect(tabbed.items.map((i) => [i.number, i.title, i.description, i.start, i.end])).toEqual([
      ['1', 'Welcome', 'Round of names', '09:00', '09:15'],
      ['2', 'Budget', 'For decision', '09:15', '10:00'],
    ]);
    const en = parseAgendaText('| Item | Notes | Time |\n|---|---|---|\n| Welcome | Round of names | 09:00 |\n| Budget | For decision | 09:15-10:00 |');
    expect(en.items.map((i) => [i.title, i.description, i.start, i.end])).toEqual([
      ['Welcome', 'Round of names', '09:00', '09:15'],
      ['Budget', 'For decision', '09:15', '10:00'],
    ]);
    expect(en.unparsed).toEqual([]);
  });

  it('numbers plain nested bullets as sub-items and folds deeper levels into descriptions', () => {
    const r = parseAgendaText(
      ['- Inledning', '  - Närvaro', '  - Val av justerare', '- Ekonomi', '\t- Budget', '\t\t- detaljer om budgeten', '- Övrigt', '  Anmäl frågor i förväg'].join('\n'),
    );
    expect(r.items.map((i) => [i.number, i.title, i.description])).toEqual([
      ['1', 'Inledning', undefined],
      ['1 a', 'Närvaro', undefined],
      ['1 b', 'Val av justerare', undefined],
      ['2', 'Ekonomi', undefined],
      ['2 a', 'Budget', 'detaljer om budgeten'],
      ['3', 'Övrigt', 'Anmäl frågor i förväg'],
    ]);
  });

  it('treats indentation as nesting in a list of plain lines', () => {
    const r = parseAgendaText('Inledning\n  Närvaro\nEkonomi');
    expect(numbers(r)).toEqual(['1', '1 a', '2']);
  });

  it('continues numbering under a repeated heading and keeps a repeated item once', () => {
    const r = parseAgendaText(
      ['# Dagordning', '- 09.00 Inledning', '- 09.30 Ekonomi', '', '# Dagordning (forts.)', '- 09.30 Ekonomi', '- 10.00 Paus', '- 10.15 Avslut'].join('\n'),
    );
    expect(r.items.map((i) => [i.number, i.title, i.start])).toEqual([
      ['1', 'Inledning', '09:00'],
      ['2', 'Ekonomi', '09:30'],
      ['3', 'Paus', '10:00'],
      ['4', 'Avslut', '10:15'],
    ]);
  });

  it('keeps two breaks with the same title inside one list', () => {
    const r = parseAgendaText('- Inledning\n- Fika\n- Ekonomi\n- Fika');
    expect(titles(r)).toEqual(['Inledning', 'Fika', 'Ekonomi', 'Fika']);
  });

  it('reads only the agenda of a slide deck and ignores the other slides', () => {
    const deck = [
      '# Välkomna!',
      '## Regionala samverkansrådet',
      '',
      '# Program 2026-05-12',
      '',
      '1. Inledning',
      '2. Läget i regionen',
      '',
      '# Läget i regionen',
      '- 13.00 Ekonomin',
      '- Personalen',
      'Text som inte hör till dagordningen',
      '',
      'Punkt\tAnteckning',
      'Tabell\tpå en bild',
    ].join('\n');
    const r = parseAgendaText(deck);
    expect(titles(r)).toEqual(['Inledning', 'Läget i regionen']);
    expect(r.unparsed).toEqual([]);
    expect(r.date).toBe('2026-05-12');
    expect(r.title).toBe('Regionala samverkansrådet');
  });

  it('recognises an introduced agenda heading and leaves sentences alone', () => {
    const r = parseAgendaText('Dagordning för Regionala rådet 26 mars 2026\n1 Inledning\n2 Rapporter\nUnderlag skickas senare\n3 Avslut');
    expect(r.title).toBe('Regionala rådet');
    expect(r.date).toBe('2026-03-26');
    expect(r.items.map((i) => [i.number, i.title, i.description])).toEqual([
      ['1', 'Inledning', undefined],
      ['2', 'Rapporter', 'Underlag skickas senare'],
      ['3', 'Avslut', undefined],
    ]);
    // Without a heading the whole text is the agenda; "Agenda kommer…" is a sentence, not a heading.
    const sentence = parseAgendaText('- Budget\n- Agenda kommer skickas ut');
    expect(titles(sentence)).toEqual(['Budget', 'Agenda kommer skickas ut']);
  });

  it('reads an English agenda', () => {
    const r = parseAgendaText('Agenda\n1. Welcome (10 min)\n2. Budget – decision\n3. Election of vice chair\n4. Coffee break\n5. Any other business');
    expect(r.items.map((i) => [i.number, i.title, i.kind, i.durationMinutes])).toEqual([
      ['1', 'Welcome', 'information', 10],
      ['2', 'Budget – decision', 'decision', undefined],
      ['3', 'Election of vice chair', 'election', undefined],
      ['4', 'Coffee break', 'break', undefined],
      ['5', 'Any other business', 'discussion', undefined],
    ]);
    expect(r.unparsed).toEqual([]);
  });

  it('copes with blank lines, odd dashes, CRLF and non-breaking spaces', () => {
    const text = '\uFEFFDagordning\u00A02026-03-26\r\n\r\n\r\n–\u00A013.00\u2013\u00A013.10 Inledning\r\n—\t13.10 — 13.40 Ekonomi \u2014 beslut\r\n\r\n   \r\n•  13.40  Paus\u202F\r\n---\r\n13.55\r\nAvslut\r\n';
    const r = parseAgendaText(text);
    expect(r.items.map((i) => [i.number, i.title, i.start, i.end])).toEqual([
      ['1', 'Inledning', '13:00', '13:10'],
      ['2', 'Ekonomi — beslut', '13:10', '13:40'],
      ['3', 'Paus', '13:40', '13:55'],
      ['4', 'Avslut', '13:55', undefined],
    ]);
    expect(r.items[1]!.kind).toBe('decision');
    expect(r.date).toBe('2026-03-26');
    expect(r.unparsed).toEqual([]);
  });

  it('joins a title wrapped with a markdown hard break', () => {
    const r = parseAgendaText('- Uppföljning av avtal med  \nprivata vårdgivare\n- Avslut');
    expect(titles(r)).toEqual(['Uppföljning av avtal med privata vårdgivare', 'Avslut']);
  });

  it('hands back lines it cannot read, with their line numbers', () => {
    const r = parseAgendaText('- Inledning\n260113\n- Ekonomi\n13.30');
    expect(titles(r)).toEqual(['Inledning', 'Ekonomi']);
    expect(r.unparsed).toEqual([
      { line: 2, text: '260113' },
      { line: 4, text: '13.30' },
    ]);
  });

  it('keeps markup and template syntax as literal text', () => {
    const r = parseAgendaText('- <b>Budget</b>\n- ${foo} och {{x}}\n- <script>alert(1)</script>');
    expect(titles(r)).toEqual(['<b>Budget</b>', '${foo} och {{x}}', '<script>alert(1)</script>']);
  });

  it('caps titles at 200 characters and items at 300', () => {
    const long = parseAgendaText(`- ${'Lång titel '.repeat(50)}`);
    expect(long.items[0]!.title.length).toBeLessThanOrEqual(200);
    const many = parseAgendaText(Array.from({ length: 400 }, (_, i) => `- Punkt ${i + 1}`).join('\n'));
    expect(many.items).toHaveLength(MAX_AGENDA_ITEMS);
    expect(many.truncated).toBe(true);
    expect(many.items[299]!.title).toBe('Punkt 300');
  });

  it('cuts oversized input and says so instead of throwing', () => {
    const lines = parseAgendaText(Array.from({ length: 12_000 }, (_, i) => (i % 50 === 0 ? '- Punkt' : 'x')).join('\n'));
    expect(lines.truncated).toBe(true);
    expect(lines.items.length).toBeLessThanOrEqual(MAX_AGENDA_ITEMS);
    const chars = parseAgendaText(`- ${'a'.repeat(250_000)}`);
    expect(chars.truncated).toBe(true);
    expect(chars.items[0]!.title.length).toBe(200);
    const hostile = parseAgendaText(Array.from({ length: 10_000 }, () => `1-2 ${'- '.repeat(300)}x${' '.repeat(500)}(${'[('.repeat(200)}`).join('\n'));
    expect(hostile.items.length).toBeLessThanOrEqual(MAX_AGENDA_ITEMS);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const WORDS = ['Budget', 'rapport', 'Inledning', 'uppföljning', 'Remisser', 'läget', 'Ekonomi', 'Avslut', 'fråga', 'Samverkan', 'Vårdval', 'nuläge'];
const word = fc.constantFrom(...WORDS);
const phrase = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
const time = fc.tuple(fc.integer({ min: 7, max: 20 }), fc.constantFrom(0, 10, 15, 30, 45)).map(([h, m]) => `${h}.${String(m).padStart(2, '0')}`);
const agendaLine = fc.oneof(
  phrase.map((p) => `- ${p}`),
  phrase.map((p) => `  - ${p}`),
  phrase.map((p) => `\t\t- ${p}`),
  fc.tuple(fc.integer({ min: 1, max: 30 }), phrase).map(([n, p]) => `${n}. ${p}`),
  fc.tuple(time, phrase).map(([t, p]) => `${t} ${p}`),
  phrase,
  phrase.map((p) => `  ${p}`),
  fc.tuple(phrase, phrase).map(([a, b]) => `${a}\t${b}`),
  phrase.map((p) => `# ${p}`),
  fc.constantFrom('', '   ', '---', '13.30', '4711', '•'),
);
const fragment = fc.oneof(
  agendaLine,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('# Agenda', 'Dagens punkter', '\t', '§', '3 a.', 'kl. 9', '13:00–', '(20 min)', '<b>', '${x}', '{{y}}', '\r\n', '\u00A0', '|---|', '| a | b |'),
);

describe('parseAgendaText properties', () => {
  it('never throws, and returns at most 300 items with non-empty titles and well-formed fields', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 500 }), fc.array(fragment, { maxLength: 60 }).map((f) => f.join('\n'))), (text) => {
        const r = parseAgendaText(text);
        expect(r.items.length).toBeLessThanOrEqual(MAX_AGENDA_ITEMS);
        for (const item of r.items) {
          expect(item.title.trim()).not.toBe('');
          expect(item.title.length).toBeLessThanOrEqual(200);
          expect(item.number).toMatch(/^\d+( [a-z])?$/);
          if (item.start) expect(item.start).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          if (item.end) expect(item.end).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
          if (item.durationMinutes !== undefined) expect(item.durationMinutes).toBeGreaterThan(0);
        }
        for (const u of r.unparsed) expect(u.line).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('returns N items with their titles and starts, in order, for N time-prefixed lines', () => {
    const lines = fc
      .uniqueArray(fc.integer({ min: 7 * 60, max: 22 * 60 }), { minLength: 1, maxLength: 50 })
      .chain((minutes) => fc.tuple(fc.constant([...minutes].sort((a, b) => a - b)), fc.array(phrase, { minLength: minutes.length, maxLength: minutes.length })));
    fc.assert(
      fc.property(lines, ([minutes, phrases]) => {
        const hhmm = minutes.map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
        const text = hhmm.map((t, i) => `${t.replace(':', '.')} ${phrases[i]}`).join('\n');
        const r = parseAgendaText(text);
        expect(r.items.map((i) => i.title)).toEqual(phrases);
        expect(r.items.map((i) => i.start)).toEqual(hhmm);
        expect(r.items.map((i) => i.number)).toEqual(phrases.map((_, i) => String(i + 1)));
        expect(r.unparsed).toEqual([]);
      }),
    );
  });

  it('accounts for every line with words when there is no agenda heading: item, heading or unparsed', () => {
    fc.assert(
      fc.property(fc.array(agendaLine, { minLength: 1, maxLength: 40 }), (lines) => {
        const r = parseAgendaText(lines.join('\n'));
        const reported = new Set(r.unparsed.map((u) => u.line));
        const said = [r.title ?? '', ...r.items.flatMap((i) => [i.title, i.description ?? '', ...i.presenters])].join(' ');
        lines.forEach((line, i) => {
          const first = WORDS.find((w) => line.includes(w));
          if (first === undefined || line.trimStart().startsWith('#')) return;
          if (!reported.has(i + 1)) expect(said).toContain(first);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('finishes on input of more than 10,000 lines', () => {
    fc.assert(
      fc.property(fc.array(agendaLine, { minLength: 20, maxLength: 20 }), (lines) => {
        const text = Array.from({ length: 10_500 }, (_, i) => lines[i % lines.length]).join('\n');
        const r = parseAgendaText(text);
        expect(r.truncated).toBe(true);
        expect(r.items.length).toBeLessThanOrEqual(MAX_AGENDA_ITEMS);
      }),
      { numRuns: 5 },
    );
  });
});

describe('times of items with sub-items', () => {
  it('does not count sub-items twice when they carry their own times', () => {
    const parsed = parseAgendaText(['- 13.00 Inledning', '- 13.10 Ekonomi', '  - 13.10 Intäkter', '  - 13.25 Kostnader', '- 13.40 Övrigt'].join('\n'));
    expect(parsed.items.map((i) => [i.number, i.start, i.end])).toEqual([
      ['1', '13:00', '13:10'],
      ['2', '13:10', undefined],
      ['2 a', '13:10', '13:25'],
      ['2 b', '13:25', '13:40'],
      ['3', '13:40', undefined],
    ]);
    let n = 0;
    const drafts = parsed.items.map((item) => draftFromParsed(item, () => String(n++)));
    const timing = timeAgenda(drafts, { start: '13:00', end: '14:00' });
    expect(timing.items.map((i) => i.plannedStart)).toEqual(['13:00', '13:10', '13:10', '13:25', '13:40']);
    expect(timing.overrunMinutes).toBe(0);
  });

  it('lets a main item span sub-items that have no times', () => {
    const parsed = parseAgendaText(['- 13.00 Inledning', '- 13.10 Ekonomi', '  - Intäkter', '  - Kostnader', '- 13.40 Övrigt'].join('\n'));
    expect(parsed.items.map((i) => [i.number, i.start, i.end])).toEqual([
      ['1', '13:00', '13:10'],
      ['2', '13:10', '13:40'],
      ['2 a', undefined, undefined],
      ['2 b', undefined, undefined],
      ['3', '13:40', undefined],
    ]);
  });
});
