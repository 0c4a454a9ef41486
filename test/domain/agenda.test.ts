import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENDA_ITEM_KINDS, type AgendaItemDraft, moveItem, numberItems, timeAgenda } from '../../src/domain/agenda.js';

let seq = 0;
const item = (title: string, extra: Partial<AgendaItemDraft> = {}): AgendaItemDraft => ({
  id: extra.id ?? `i${++seq}`,
  title,
  kind: 'information',
  level: 0,
  presenters: [],
  links: [],
  ...extra,
});
const sub = (title: string, extra: Partial<AgendaItemDraft> = {}): AgendaItemDraft => item(title, { level: 1, ...extra });
const ids = (items: AgendaItemDraft[]): string[] => items.map((i) => i.id);

// The agenda of test/fixtures/agendas/vardvalsrad-vardcentral-2026-03-26-agenda.txt.
const vardcentral: AgendaItemDraft[] = [
  ['13:00', 'Inledning och information'],
  ['13:10', 'Revideringsprocessen för upphandlingsunderlag 2027'],
  ['13:20', 'Allmänmedicinska frågor'],
  ['13:50', 'Nära Vård'],
  ['14:05', 'Enkla kontaktvägar'],
  ['14:25', 'Information förändrad knappvalsstruktur'],
  ['14:35', 'Paus'],
  ['15:00', 'Övriga frågor, remisser från nätläkare'],
  ['15:15', 'Läkemedel på rekvisition'],
  ['15:30', 'Lagrådsremiss - samsjuklighet'],
].map(([fixedStart, title]) => item(title!, { fixedStart: fixedStart!, kind: title === 'Paus' ? 'break' : 'information' }));

describe('numberItems', () => {
  it('numbers main items 1, 2, 3 and sub-items after their main item', () => {
    const items = [item('A'), item('B'), item('C'), sub('C1'), sub('C2'), item('D'), sub('D1')];
    expect(numberItems(items)).toEqual(['1', '2', '3', '3 a', '3 b', '4', '4 a']);
  });

  it('numbers a sub-item at the very start as a main item, and hangs the next sub-items under it', () => {
    expect(numberItems([sub('x'), sub('y'), item('z')])).toEqual(['1', '1 a', '2']);
  });

  it('goes on past z with aa, ab …', () => {
    const items = [item('main'), ...Array.from({ length: 55 }, (_, i) => sub(`s${i}`))];
    const numbers = numberItems(items);
    expect(numbers.slice(25, 29)).toEqual(['1 y', '1 z', '1 aa', '1 ab']);
    expect(numbers[52]).toBe('1 az');
    expect(numbers[53]).toBe('1 ba');
  });

  it('is empty for an empty agenda', () => {
    expect(numberItems([])).toEqual([]);
  });

  it('always gives unique numbers, main numbers counting up from 1 in order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<0 | 1>(0, 1), { maxLength: 80 }), (levels) => {
        const numbers = numberItems(levels.map((level) => item('t', { level })));
        expect(numbers).toHaveLength(levels.length);
        expect(new Set(numbers).size).toBe(numbers.length);
        const mains = numbers.map((n) => Number(n.split(' ')[0]));
        mains.forEach((main, i) => {
          const expected = i === 0 ? 1 : mains[i - 1]! + (numbers[i]!.includes(' ') ? 0 : 1);
          expect(main).toBe(expected);
        });
      }),
    );
  });
});

describe('timeAgenda', () => {
  it('times the vårdcentral agenda from its fixed starts alone', () => {
    const timing = timeAgenda(vardcentral, { start: '13:00', end: '16:00' });
    expect(timing.items.map((i) => [i.number, i.plannedStart, i.plannedEnd])).toEqual([
      ['1', '13:00', '13:10'],
      ['2', '13:10', '13:20'],
      ['3', '13:20', '13:50'],
      ['4', '13:50', '14:05'],
      ['5', '14:05', '14:25'],
      ['6', '14:25', '14:35'],
      ['7', '14:35', '15:00'],
      ['8', '15:00', '15:15'],
      ['9', '15:15', '15:30'],
      ['10', '15:30', '16:00'],
    ]);
    // The last item was given a start of its own, so it runs to the meeting's end.
    expect(timing).toMatchObject({ totalMinutes: 180, meetingMinutes: 180, overrunMinutes: 0, untimed: 0 });
    expect(timing.items[6]).toMatchObject({ title: 'Paus', kind: 'break' });
  });

  it('leaves a last item without a start of its own untimed', () => {
    const timing = timeAgenda([item('A', { fixedStart: '13:00', durationMinutes: 10 }), item('B')], { start: '13:00', end: '16:00' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['13:00', '13:10'],
      ['13:10', undefined],
    ]);
    expect(timing.untimed).toBe(1);
  });

  it('keeps the drafts as they are', () => {
    const before = structuredClone(vardcentral);
    timeAgenda(vardcentral, { start: '13:00', end: '16:00' });
    expect(vardcentral).toEqual(before);
  });

  it('reports an overrun when the durations add up to more than the meeting', () => {
    const items = [item('A', { durationMinutes: 45 }), item('B', { durationMinutes: 30 }), sub('B1', { durationMinutes: 20 })];
    const timing = timeAgenda(items, { start: '09:00', end: '10:30' });
    expect(timing.items.map((i) => [i.number, i.plannedStart, i.plannedEnd])).toEqual([
      ['1', '09:00', '09:45'],
      ['2', '09:45', '10:15'],
      ['2 a', '10:15', '10:35'],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 95, meetingMinutes: 90, overrunMinutes: 5, untimed: 0 });
  });

  it('starts an item at the running clock when its fixed start has already passed, and the lateness carries on', () => {
    const items = [
      item('A', { durationMinutes: 40 }),
      item('B', { fixedStart: '13:30', durationMinutes: 30 }),
      item('C', { fixedStart: '14:00', durationMinutes: 15 }),
    ];
    const timing = timeAgenda(items, { start: '13:00', end: '14:15' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['13:00', '13:40'],
      ['13:40', '14:10'],
      ['14:10', '14:25'],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 85, overrunMinutes: 10 });
  });

  it('derives no negative duration from a next fixed start that the clock has passed', () => {
    const items = [item('A', { durationMinutes: 30 }), item('B', { fixedStart: '13:10' }), item('C', { fixedStart: '13:15', durationMinutes: 10 })];
    const timing = timeAgenda(items, { start: '13:00', end: '14:00' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['13:00', '13:30'],
      ['13:30', '13:30'],
      ['13:30', '13:40'],
    ]);
    expect(timing.untimed).toBe(0);
  });

  it('never stretches an item the chair gave no time over the gap before the next start', () => {
    // The standing item before an imported agenda that starts at 13.00, in a meeting from 08.00.
    const items = [item('Föregående mötes protokoll'), item('Inledning', { fixedStart: '13:00', durationMinutes: 10 })];
    const timing = timeAgenda(items, { start: '08:00', end: '11:00' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['08:00', undefined],
      ['13:00', '13:10'],
    ]);
    expect(timing.untimed).toBe(1);
  });

  it('shows no planned times for an agenda with no time anywhere', () => {
    const timing = timeAgenda([item('A'), item('B'), sub('B1')], { start: '13:00', end: '16:00' });
    expect(timing.items.map((i) => [i.number, i.plannedStart, i.plannedEnd])).toEqual([
      ['1', undefined, undefined],
      ['2', undefined, undefined],
      ['2 a', undefined, undefined],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 0, untimed: 3 });
  });

  it('shows an untimed item at the clock without moving the clock on', () => {
    const items = [item('A', { durationMinutes: 20 }), item('Untimed'), item('B', { durationMinutes: 10 })];
    const timing = timeAgenda(items, { start: '10:00', end: '11:00' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['10:00', '10:20'],
      ['10:20', undefined],
      ['10:20', '10:30'],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 30, untimed: 1 });
  });

  it('counts idle time before a later fixed start in the total', () => {
    const items = [item('A', { durationMinutes: 10 }), item('B', { fixedStart: '10:30', durationMinutes: 10 })];
    expect(timeAgenda(items, { start: '10:00', end: '11:00' }).totalMinutes).toBe(40);
  });

  it('stops the shown times at 23:59 and counts the rest as overrun', () => {
    const items = [item('A', { durationMinutes: 90 }), item('B', { durationMinutes: 60 })];
    const timing = timeAgenda(items, { start: '22:30', end: '23:30' });
    expect(timing.items.map((i) => [i.plannedStart, i.plannedEnd])).toEqual([
      ['22:30', '23:59'],
      ['23:59', '23:59'],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 150, meetingMinutes: 60, overrunMinutes: 90 });
  });

  it('computes without complaint from inputs it cannot use', () => {
    const items = [item('A', { durationMinutes: -5 }), item('B', { fixedStart: '25:00', durationMinutes: Number.NaN }), item('C', { durationMinutes: 10 })];
    const timing = timeAgenda(items, { start: 'soon', end: 'later' });
    expect(timing).toMatchObject({ totalMinutes: 10, meetingMinutes: 0, overrunMinutes: 10, untimed: 2 });
    expect(timeAgenda([], { start: '13:00', end: '16:00' })).toEqual({ items: [], totalMinutes: 0, meetingMinutes: 180, overrunMinutes: 0, untimed: 0 });
  });

  it('retimes after a move: planned times follow the order', () => {
    const a = item('A', { id: 'a', durationMinutes: 30 });
    const b = item('B', { id: 'b', durationMinutes: 20 });
    const b1 = sub('B1', { id: 'b1', durationMinutes: 5 });
    const b2 = sub('B2', { id: 'b2', durationMinutes: 10 });
    const c = item('C', { id: 'c', durationMinutes: 15 });
    const moved = moveItem([a, b, b1, b2, c], 'b', 0);
    expect(ids(moved)).toEqual(['b', 'b1', 'b2', 'a', 'c']);
    const timing = timeAgenda(moved, { start: '13:00', end: '14:00' });
    expect(timing.items.map((i) => [i.id, i.number, i.plannedStart, i.plannedEnd])).toEqual([
      ['b', '1', '13:00', '13:20'],
      ['b1', '1 a', '13:20', '13:25'],
      ['b2', '1 b', '13:25', '13:35'],
      ['a', '2', '13:35', '14:05'],
      ['c', '3', '14:05', '14:20'],
    ]);
    expect(timing).toMatchObject({ totalMinutes: 80, overrunMinutes: 20 });
  });

  it('with no fixed starts, the total is at least the sum of the durations given', () => {
    const draft = fc.record({
      level: fc.constantFrom<0 | 1>(0, 1),
      duration: fc.option(fc.integer({ min: 0, max: 240 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(draft, { maxLength: 40 }), fc.integer({ min: 0, max: 23 * 60 + 59 }), (drafts, start) => {
        const items = drafts.map((d) => item('t', { level: d.level, durationMinutes: d.duration }));
        const startTime = `${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}`;
        const timing = timeAgenda(items, { start: startTime, end: '23:59' });
        const sum = drafts.reduce((total, d) => total + (d.duration ?? 0), 0);
        expect(timing.totalMinutes).toBeGreaterThanOrEqual(sum);
        expect(timing.untimed).toBe(drafts.filter((d) => d.duration === undefined).length);
        expect(timing.overrunMinutes).toBe(Math.max(0, timing.totalMinutes - timing.meetingMinutes));
      }),
    );
  });
});

describe('moveItem', () => {
  const a = item('A', { id: 'a' });
  const b = item('B', { id: 'b' });
  const b1 = sub('B1', { id: 'b1' });
  const b2 = sub('B2', { id: 'b2' });
  const c = item('C', { id: 'c' });
  const d = item('D', { id: 'd' });
  const agenda = [a, b, b1, b2, c, d];

  it('moves a main item with its sub-items and returns a new array', () => {
    const moved = moveItem(agenda, 'b', 3);
    expect(ids(moved)).toEqual(['a', 'c', 'd', 'b', 'b1', 'b2']);
    expect(ids(agenda)).toEqual(['a', 'b', 'b1', 'b2', 'c', 'd']);
    expect(moved).not.toBe(agenda);
  });

  it('clamps the index', () => {
    expect(ids(moveItem(agenda, 'a', 99))).toEqual(['b', 'b1', 'b2', 'c', 'd', 'a']);
    expect(ids(moveItem(agenda, 'd', -3))).toEqual(['d', 'a', 'b', 'b1', 'b2', 'c']);
  });

  it('keeps the order for an unknown id', () => {
    const moved = moveItem(agenda, 'nope', 0);
    expect(ids(moved)).toEqual(ids(agenda));
    expect(moved).not.toBe(agenda);
  });

  it('never drops a main item between another item’s sub-items', () => {
    // Up: lands before B rather than adopting B1 and B2.
    expect(ids(moveItem(agenda, 'd', 3))).toEqual(['a', 'd', 'b', 'b1', 'b2', 'c']);
    // Down: lands after B's last sub-item.
    expect(ids(moveItem(agenda, 'a', 1))).toEqual(['b', 'b1', 'b2', 'a', 'c', 'd']);
  });

  it('moves a sub-item alone; it belongs to whichever main item precedes it', () => {
    const moved = moveItem(agenda, 'b2', 5);
    expect(ids(moved)).toEqual(['a', 'b', 'b1', 'c', 'd', 'b2']);
    expect(numberItems(moved)).toEqual(['1', '2', '2 a', '3', '4', '4 a']);
  });

  it('moves a leading sub-item as the main item it is numbered as', () => {
    const x = sub('X', { id: 'x' });
    const x1 = sub('X1', { id: 'x1' });
    const moved = moveItem([x, x1, a, c], 'x', 9);
    expect(ids(moved)).toEqual(['a', 'c', 'x', 'x1']);
    expect(moved[2]!.level).toBe(0);
    expect(numberItems(moved)).toEqual(['1', '2', '3', '3 a']);
  });

  it('does not hang a main item moved to the top over a leading sub-item', () => {
    const x = sub('X', { id: 'x' });
    expect(ids(moveItem([x, a, c], 'c', 0))).toEqual(['x', 'c', 'a']);
  });

  it('moving a main item without sub-items anywhere and back restores the order', () => {
    const agendaArb = fc.array(fc.constantFrom<0 | 1>(0, 1), { minLength: 1, maxLength: 30 }).map((levels) =>
      levels.map((level, i) => item(`t${i}`, { id: `n${i}`, level })),
    );
    fc.assert(
      fc.property(agendaArb, fc.nat(), fc.integer({ min: -5, max: 40 }), (items, pick, target) => {
        const numbers = numberItems(items);
        const candidates = items
          .map((_, i) => i)
          .filter((i) => !numbers[i]!.includes(' ') && items[i]!.level === 0 && items[i + 1]?.level !== 1);
        fc.pre(candidates.length > 0);
        const index = candidates[pick % candidates.length]!;
        const id = items[index]!.id;
        const there = moveItem(items, id, target);
        expect([...ids(there)].sort()).toEqual([...ids(items)].sort());
        expect(ids(moveItem(there, id, index))).toEqual(ids(items));
      }),
    );
  });
});

it('lists the kinds an agenda item can have', () => {
  expect(AGENDA_ITEM_KINDS).toEqual(['information', 'discussion', 'decision', 'election', 'break', 'reported']);
});
