import { describe, expect, it } from 'vitest';
import { type AgendaItemDraft, timeAgenda } from '../../src/domain/agenda.js';
import { isProceduralTitle } from '../../src/domain/agenda-kind.js';
import { itemsLeft, needsAsking, undecidedItems } from '../../src/domain/closing.js';

const item = (id: string, title: string, level: 0 | 1 = 0, extra: Partial<AgendaItemDraft> = {}): AgendaItemDraft => ({ id, title, kind: 'information', level, presenters: [], links: [], ...extra });

describe('closing a meeting with items left', () => {
  const items = timeAgenda(
    [
      item('s', 'Föregående mötes protokoll och åtgärder', 0, { standing: 'previousMinutes' }),
      item('o', 'Mötets öppnande'),
      item('j', 'Val av justerare'),
      item('e', 'Ekonomi'),
      item('b', 'Budget 2027', 1),
      item('i', 'Investeringar', 1),
      item('p', 'Paus', 0, { kind: 'break' }),
      item('d', 'Digitala vårdbesök'),
      item('x', 'Övriga frågor och mötets avslutande'),
    ],
    { start: '13:00', end: '16:00' },
  ).items;

  it('proposes tabling real business only: never a procedural item, a heading goes with its sub-items', () => {
    const left = itemsLeft(items, new Set(['s', 'b', 'i']));
    expect(left.map((l) => [l.item.number, l.proposed, l.choices.join(',')])).toEqual([
      ['2', 'handled', 'handled,strike'],
      ['3', 'handled', 'handled,strike'],
      ['4', 'handled', 'table,strike,handled'],
      ['5', 'handled', 'handled,strike'],
      ['6', 'table', 'table,strike,handled'],
      ['7', 'handled', 'handled,strike'],
    ]);
    expect(needsAsking(left)).toBe(true);
    expect(needsAsking(itemsLeft(items, new Set(['s', 'b', 'i', 'd'])))).toBe(false);
  });

  it('finds the items planned for a decision that got none: not a heading decided through its sub-items, nor the meeting’s own order', () => {
    const planned = timeAgenda(
      [
        item('g', 'Godkännande av dagordningen', 0, { kind: 'decision' }),
        item('e', 'Ekonomi', 0, { kind: 'decision' }),
        item('b', 'Budget 2027', 1, { kind: 'decision' }),
        item('i', 'Investeringar', 1, { kind: 'decision' }),
        item('d', 'Digitala vårdbesök', 0, { kind: 'discussion' }),
        item('l', 'Lokaler', 0, { kind: 'decision' }),
      ],
      { start: '13:00', end: '16:00' },
    ).items;
    expect(undecidedItems(planned, new Set(['b'])).map((i) => `${i.number}. ${i.title}`)).toEqual(['2 b. Investeringar', '4. Lokaler']);
    expect(undecidedItems(planned, new Set(['b', 'i', 'l']))).toEqual([]);
  });

  it('knows the meeting’s own order by the words of a title, in Swedish and English, not a word inside real business', () => {
    for (const title of ['Mötets öppnande', 'Val av justerare', 'Godkännande av dagordningen', 'Övriga frågor', 'Mötets avslutande', 'Any other business', 'Election of adjusters', 'Nästa möte']) {
      expect(isProceduralTitle(title), title).toBe(true);
    }
    for (const title of ['Digitala vårdbesök', 'Avslutande diskussion om budgeten', 'Opening hours in primary care', 'Jourverksamhet']) {
      expect(isProceduralTitle(title), title).toBe(false);
    }
  });
});
