import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draftFromParsed } from '../../src/app/agendas.js';
import { type AgendaItemDraft, moveItem, numberItems, timeAgenda } from '../../src/domain/agenda.js';
import { findByNumber, isPreviousMinutesTitle, mergeImported, normaliseItemNumber, numberedTitle, relabel } from '../../src/domain/agenda-labels.js';
import { carriedItem, insertAfterStanding, standingItems } from '../../src/domain/agenda-standing.js';
import { parseAgendaText } from '../../src/domain/agenda-text.js';

let seq = 0;
const newId = () => `id${++seq}`;
const item = (title: string, extra: Partial<AgendaItemDraft> = {}): AgendaItemDraft => ({ id: newId(), title, kind: 'information', level: 0, presenters: [], links: [], ...extra });
const numbers = (items: AgendaItemDraft[]) => numberItems(items);
const numbered = (items: AgendaItemDraft[]) => timeAgenda(items, { start: '13:00', end: '16:00' }).items.map((i) => numberedTitle(i.number, i.title));

const CHAIR_AGENDA = [
  '1. Mötets öppnande',
  '2. Rapporter',
  '2 a. Rapport från vårdvalsenheten',
  '2 b. Rapport från primärvårdsrådet',
  '3. Upphandlingsunderlag 2027',
  '3 a. Remissvar',
  '4. Övriga frågor',
].join('\n');

const imported = (text: string): AgendaItemDraft[] => parseAgendaText(text).items.map((i) => draftFromParsed(i, newId));

describe('an imported agenda keeps the chair’s numbers', () => {
  it('shows the chair’s numbers with the standing item before item 1, unnumbered', () => {
    const agenda = mergeImported(standingItems('sv', newId), imported(CHAIR_AGENDA));
    expect(numbered(agenda)).toEqual([
      'Föregående mötes protokoll och åtgärder',
      '1. Mötets öppnande',
      '2. Rapporter',
      '2 a. Rapport från vårdvalsenheten',
      '2 b. Rapport från primärvårdsrådet',
      '3. Upphandlingsunderlag 2027',
      '3 a. Remissvar',
      '4. Övriga frågor',
    ]);
  });

  it('on today’s computed numbering the same agenda shifted every number (the defect)', () => {
    const agenda = mergeImported(standingItems('sv', newId), imported(CHAIR_AGENDA)).map(({ label: _l, ...rest }) => rest);
    expect(numbers(agenda)[2]).toBe('3');
    expect(numbers(agenda)[3]).toBe('3 a');
  });

  it('keeps numbers the chair wrote out of order or with gaps', () => {
    const agenda = imported('1. Öppnande\n5. Ekonomi\n5 a. Budget\n7. Avslutning');
    expect(numbers(agenda)).toEqual(['1', '5', '5 a', '7']);
  });

  it('recognises the chair’s own previous-minutes item as the standing item, not doubled', () => {
    const text = '1. Mötets öppnande\n2. Val av justerare\n3. Föregående mötes anteckningar\n4. Rapporter\n4 a. Ekonomi';
    const agenda = mergeImported(standingItems('sv', newId), imported(text));
    expect(numbered(agenda)).toEqual(['1. Mötets öppnande', '2. Val av justerare', '3. Föregående mötes anteckningar', '4. Rapporter', '4 a. Ekonomi']);
    expect(agenda[2]!.standing).toBe('previousMinutes');
    expect(agenda.filter((i) => i.standing)).toHaveLength(1);
  });

  it.each([
    'Föregående mötes anteckningar',
    'Föregående protokoll',
    'Föregående mötes protokoll och actionpunkter',
    'Genomgång av föregående mötes minnesanteckningar',
    'Protokoll från föregående möte',
    'Minnesanteckningar från förra mötet',
    'Förra mötets protokoll',
    'Previous minutes',
    'Notes from the previous meeting',
  ])('“%s” is the previous meeting’s notes', (title) => {
    expect(isPreviousMinutesTitle(title)).toBe(true);
  });

  it.each(['Mötets öppnande', 'Protokollsjusterare', 'Föregående mötes beslut om budget', 'Next meeting'])('“%s” is not', (title) => {
    expect(isPreviousMinutesTitle(title)).toBe(false);
  });

  it('keeps an item tabled at the last meeting: where the chair has it, or unnumbered after the standing item', () => {
    const decision = { id: 'd1', meetingId: 'm0', agendaItemId: 'x', itemNumber: '5', itemTitle: 'Lokalfrågan', text: 'Bordläggs', outcome: 'tabled' as const, reason: 'Underlag saknas', recordedBy: 'u', recordedAt: '2026-11-01T10:00:00Z' } as never;
    const current = insertAfterStanding(standingItems('sv', newId), [carriedItem('sv', decision, '2026-11-01', newId)]);
    const without = mergeImported(current, imported(CHAIR_AGENDA));
    expect(numbered(without).slice(0, 3)).toEqual(['Föregående mötes protokoll och åtgärder', 'Lokalfrågan', '1. Mötets öppnande']);
    expect(without[1]!.carriedFrom).toBe('d1');
    const withIt = mergeImported(current, imported(`${CHAIR_AGENDA}\n5. Lokalfrågan`));
    expect(withIt.filter((i) => i.title === 'Lokalfrågan')).toHaveLength(1);
    expect(withIt.at(-1)).toMatchObject({ label: '5', carriedFrom: 'd1', description: 'Bordlagt 2026-11-01: Underlag saknas' });
  });

  it('puts items tabled later after the chair’s previous-minutes item, unnumbered, shifting no number', () => {
    const agenda = mergeImported(standingItems('sv', newId), imported('1. Öppnande\n2. Föregående protokoll\n3. Ekonomi'));
    const decision = { id: 'd2', itemTitle: 'Lokalfrågan', text: 'x', outcome: 'tabled', reason: null } as never;
    const next = insertAfterStanding(agenda, [carriedItem('sv', decision, '2026-11-01', newId)]);
    expect(numbered(next)).toEqual(['1. Öppnande', '2. Föregående protokoll', 'Lokalfrågan', '3. Ekonomi']);
  });

  it('keeps sub-items the chair numbered "3 a", "3 b" without an item 3', () => {
    const agenda = relabel(mergeImported(standingItems('sv', newId), imported('1. Inledning\n2. Ekonomi\n3 a. Ordnad överföring\n3 b. Remisser')));
    expect(numbers(agenda)).toEqual(['', '1', '2', '3 a', '3 b']);
    expect(numbers(relabel([...agenda, item('Nytt')])).at(-1)).toBe('4');
  });

  it('leaves an agenda built in the bot to computed numbers', () => {
    const agenda = [...standingItems('sv', newId), item('Öppnande'), item('Ekonomi'), item('Budget', { level: 1 })];
    expect(numbers(relabel(agenda))).toEqual(['1', '2', '3', '3 a']);
  });
});

describe('normaliseItemNumber', () => {
  it.each([
    ['2 a', '2 a'],
    ['2a', '2 a'],
    ['2.a', '2 a'],
    ['2. a', '2 a'],
    ['2 A', '2 a'],
    ['2:a', '2 a'],
    ['2 a.', '2 a'],
    ['2', '2'],
    ['2.', '2'],
    ['02', '2'],
    [' 12 b ', '12 b'],
  ])('%s → %s', (text, expected) => {
    expect(normaliseItemNumber(text)).toBe(expected);
  });

  it.each(['', 'a', 'två', '2 a b', '2-3', '2 ä'])('“%s” is no item number', (text) => {
    expect(normaliseItemNumber(text)).toBeUndefined();
  });
});

describe('findByNumber', () => {
  const timed = (items: AgendaItemDraft[]) => timeAgenda(items, { start: '13:00', end: '16:00' }).items;
  const agenda = timed(mergeImported(standingItems('sv', newId), imported(CHAIR_AGENDA)));

  it('finds the item the chair numbered 2 a, however it is typed', () => {
    for (const typed of ['2 a', '2a', '2.a', '2 A']) {
      const match = findByNumber(agenda, typed);
      expect(match.kind).toBe('one');
      expect(match.kind === 'one' && match.item.title).toBe('Rapport från vårdvalsenheten');
    }
  });

  it('asks when two items carry the number', () => {
    const twice = timed(imported('1. Öppnande\n2. Ekonomi\n2. Lokaler\n3. Avslutning'));
    const match = findByNumber(twice, '2');
    expect(match.kind).toBe('ambiguous');
    expect(match.kind !== 'one' && match.items.map((i) => i.title)).toEqual(['Ekonomi', 'Lokaler']);
  });

  it('offers the items under the same number when a sub-item is gone', () => {
    const match = findByNumber(agenda, '2 c');
    expect(match.kind).toBe('missing');
    expect(match.kind !== 'one' && match.items.map((i) => i.number)).toEqual(['2', '2 a', '2 b']);
  });

  it('offers the nearest main items, at most five, in agenda order, for a number not there', () => {
    const long = timed(imported(Array.from({ length: 12 }, (_, i) => `${i + 1}. Punkt ${i + 1}`).join('\n')));
    const match = findByNumber(long, '14');
    expect(match.kind !== 'one' && match.items.map((i) => i.number)).toEqual(['8', '9', '10', '11', '12']);
    expect(findByNumber(long, 'abc').kind).toBe('missing');
  });

  it('never matches the unnumbered standing item by an empty number', () => {
    expect(findByNumber(agenda, '').kind).not.toBe('one');
  });
});

describe('relabel: edits of a numbered agenda keep its numbers sane', () => {
  const base = () => mergeImported(standingItems('sv', newId), imported(CHAIR_AGENDA));

  it('keeps every number when an item is removed ("punkt 2 b utgår")', () => {
    const agenda = base();
    const without = relabel(agenda.filter((i) => i.title !== 'Rapport från primärvårdsrådet'));
    expect(numbers(without)).toEqual(['', '1', '2', '2 a', '3', '3 a', '4']);
  });

  it('gives an item added in the bot the next free number, a sub-item the next letter', () => {
    const agenda = relabel([...base(), item('Nästa möte'), item('Datum', { level: 1 })]);
    expect(numbers(agenda).slice(-2)).toEqual(['5', '5 a']);
  });

  it('keeps a moved item’s number and its sub-items with it', () => {
    const agenda = base();
    const three = agenda.find((i) => i.label === '3')!;
    const moved = relabel(moveItem(agenda, three.id, 2));
    expect(numbers(moved)).toEqual(['', '1', '3', '3 a', '2', '2 a', '2 b', '4']);
  });

  it('gives a sub-item moved under another item the next letter there', () => {
    const agenda = base();
    const sub3a = agenda.find((i) => i.label === '3 a')!;
    const index = agenda.findIndex((i) => i.id === sub3a.id);
    const moved = relabel(moveItem(agenda, sub3a.id, index - 2));
    expect(numberedOf(moved, 'Remissvar')).toBe('2 c');
  });

  it('numbers a sub-item made a main item with the next free number', () => {
    const agenda = base().map((i) => (i.label === '2 b' ? { ...i, level: 0 as const } : i));
    expect(numberedOf(relabel(agenda), 'Rapport från primärvårdsrådet')).toBe('5');
  });

  it('never gives two items one number through moves, adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant('move'), at: fc.nat(20), to: fc.nat(20) }), fc.record({ op: fc.constant('add'), sub: fc.boolean() }), fc.record({ op: fc.constant('remove'), at: fc.nat(20) })), { maxLength: 15 }),
        (ops) => {
          let agenda = base();
          for (const op of ops) {
            if (op.op === 'move' && agenda.length > 0) agenda = moveItem(agenda, agenda[op.at % agenda.length]!.id, op.to);
            if (op.op === 'add') agenda = [...agenda, item('Ny', { level: op.sub ? 1 : 0 })];
            if (op.op === 'remove' && agenda.length > 0) agenda = agenda.filter((_, i) => i !== op.at % agenda.length);
            agenda = relabel(agenda);
          }
          const shown = numbers(agenda).filter(Boolean);
          expect(new Set(shown).size).toBe(shown.length);
          // A sub-item's number is under the main item it follows, unless no main item has its number.
          const mains = new Set(agenda.flatMap((it, i) => (i === 0 || it.level === 0 ? [numbers(agenda)[i]!] : [])));
          let main = '';
          agenda.forEach((it, i) => {
            const n = numbers(agenda)[i]!;
            if (i === 0 || it.level === 0) main = n;
            else if (n && mains.has(n.split(' ')[0]!)) expect(n.split(' ')[0]).toBe(main);
          });
        },
      ),
    );
  });
});

function numberedOf(items: AgendaItemDraft[], title: string): string | undefined {
  const index = items.findIndex((i) => i.title === title);
  return numbers(items)[index];
}
