import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionProblemError, parseActionText } from '../../src/domain/action-text.js';
import { addDays, isoWeekday } from '../../src/domain/action-due.js';
import { formatDate, parseIsoDate } from '../../src/domain/swedish-dates.js';

// A Friday.
const today = '2026-03-20';
const parse = (text: string, on = today) => parseActionText(text, { today: on });

describe('parseActionText – the examples from the chat', () => {
  it.each([
    ['Helena kommunicerar beslutet till nämnderna senast 15/4', 'Helena', 'Kommunicerar beslutet till nämnderna', '2026-04-15', '15/4'],
    ['Björn Berg tar fram ett förslag till 2027-03-01', 'Björn Berg', 'Tar fram ett förslag', '2027-03-01', '2027-03-01'],
    ['@Anna: skicka ut kallelsen senast fredag', 'Anna', 'Skicka ut kallelsen', '2026-03-27', 'fredag'],
    ['Anna ska sammanställa remissvaren till den 3 mars', 'Anna', 'Sammanställa remissvaren', '2027-03-03', '3 mars'],
    ['Karin Jansson – uppdatera riktlinjen, klart 30 april', 'Karin Jansson', 'Uppdatera riktlinjen', '2026-04-30', '30 april'],
    ['Helena to brief the boards by 15 April', 'Helena', 'Brief the boards', '2026-04-15', '15 April'],
    ['Anna will send the invitation by 2026-04-15', 'Anna', 'Send the invitation', '2026-04-15', '2026-04-15'],
  ])('%s', (input, ownerText, text, due, dueText) => {
    expect(parse(input)).toEqual({ ownerText, ownerMention: input.startsWith('@'), text, due, dueText, problems: [] });
  });
});

describe('parseActionText – owners', () => {
  it('reads a Teams mention, also one split into a tag per name', () => {
    expect(parse('<at>Anna Andersson</at> skicka ut kallelsen')).toMatchObject({ ownerText: 'Anna Andersson', ownerMention: true, text: 'Skicka ut kallelsen' });
    expect(parse('<at>Anna</at> <at>Andersson</at> ska boka lokal')).toMatchObject({ ownerText: 'Anna Andersson', text: 'Boka lokal' });
    expect(parse('<at id="0">Björn</at>: boka lokal')).toMatchObject({ ownerText: 'Björn', text: 'Boka lokal' });
  });

  it('reads @names, initials, hyphens and particles', () => {
    expect(parse('@Anna Andersson skickar kallelsen')).toMatchObject({ ownerText: 'Anna Andersson', text: 'Skickar kallelsen' });
    expect(parse('Anna A. skickar protokollet')).toMatchObject({ ownerText: 'Anna A.', text: 'Skickar protokollet' });
    expect(parse('Anna-Karin Ek tar fram underlag')).toMatchObject({ ownerText: 'Anna-Karin Ek' });
    expect(parse('Carl von Linné tar fram ett förslag')).toMatchObject({ ownerText: 'Carl von Linné' });
    expect(parse('Helena, skicka ut kallelsen')).toMatchObject({ ownerText: 'Helena', text: 'Skicka ut kallelsen' });
    expect(parse('Anna kommer att boka lokal')).toMatchObject({ ownerText: 'Anna', text: 'Boka lokal' });
    expect(parse('Sven is to draft the reply')).toMatchObject({ ownerText: 'Sven', text: 'Draft the reply' });
    expect(parse('Sven sends the reply')).toMatchObject({ ownerText: 'Sven', text: 'Sends the reply' });
  });

  it('does not take a capitalised first word for a name unless a verb, colon or dash says so', () => {
    for (const text of [
      'Skicka ut kallelsen senast fredag',
      'Uppdatera riktlinjen',
      'Informera nämnder om beslutet',
      'Send the minutes by Friday',
      'Update minutes',
      'Vi tar fram ett förslag',
      'I will send it',
      'Anna eller Björn tar fram underlag',
      'Anna och Björn tar fram underlag',
      'skicka ut kallelsen',
      'helena kommunicerar beslutet',
    ]) {
      expect(parse(text).problems, text).toContain('noOwner');
      expect(parse(text).ownerText, text).toBeUndefined();
    }
    expect(parse('Uppdatera riktlinjen').text).toBe('Uppdatera riktlinjen');
  });

  it('takes at most three capitalised words', () => {
    expect(parse('Anna Maria Berg tar fram underlag')).toMatchObject({ ownerText: 'Anna Maria Berg' });
    expect(parse('Anna Maria Berg Svensson tar fram underlag').problems).toContain('noOwner');
  });
});

describe('parseActionText – due dates', () => {
  it('reads every due keyword in both languages', () => {
    for (const phrase of ['senast', 'till', 'till den', 'innan', 'före', 'klart', 'by', 'before', 'due', 'due by', 'no later than']) {
      expect(parse(`Anna bokar lokal ${phrase} 15 april`), phrase).toMatchObject({ due: '2026-04-15', text: 'Bokar lokal', problems: [] });
    }
  });

  it('infers the year as the next occurrence on or after today', () => {
    expect(parse('Anna bokar lokal senast 20/3').due).toBe('2026-03-20');
    expect(parse('Anna bokar lokal senast 19/3').due).toBe('2027-03-19');
    expect(parse('Anna bokar lokal senast 1 januari').due).toBe('2027-01-01');
    expect(parse('Anna bokar lokal senast 15/4 2027').due).toBe('2027-04-15');
  });

  it('reads weekdays as the next such day after today, and today/tomorrow', () => {
    expect(parse('Anna bokar lokal senast fredag').due).toBe('2026-03-27');
    expect(parse('Anna bokar lokal senast på måndag').due).toBe('2026-03-23');
    expect(parse('Anna books a room by Thursday').due).toBe('2026-03-26');
    expect(parse('Anna bokar lokal till i morgon').due).toBe('2026-03-21');
    expect(parse('Anna books a room by today').due).toBe('2026-03-20');
    // The date decides; the weekday is decoration and never checked.
    expect(parse('Anna bokar lokal senast fredagen den 17 april')).toMatchObject({ due: '2026-04-17', dueText: 'fredagen den 17 april' });
  });

  it('reports impossible dates without guessing', () => {
    for (const text of ['Anna bokar lokal senast 31/4', 'Anna bokar lokal senast 2026-02-30', 'Anna bokar lokal senast 30 februari', 'Anna bokar lokal senast 15/13']) {
      const r = parse(text);
      expect(r.problems, text).toEqual(['invalidDate']);
      expect(r.due, text).toBeUndefined();
      expect(r.text, text).toBe('Bokar lokal');
    }
    expect(parse('Anna bokar lokal senast 29/2')).toMatchObject({ problems: ['invalidDate'], dueText: '29/2' });
    expect(parse('Anna bokar lokal senast 29/2', '2027-03-01').due).toBe('2028-02-29');
  });

  it('reports past dates and keeps them for the answer', () => {
    expect(parse('Anna bokar lokal senast 2026-03-19')).toMatchObject({ due: '2026-03-19', problems: ['pastDate'] });
    expect(parse('Anna bokar lokal senast 2026-03-20').problems).toEqual([]);
  });

  it('leaves dates without a due keyword in the task', () => {
    expect(parse('Anna sammanställer remissvaren från 3 mars')).toMatchObject({ text: 'Sammanställer remissvaren från 3 mars' });
    expect(parse('Anna sammanställer remissvaren från 3 mars').due).toBeUndefined();
    expect(parse('Helena kommunicerar beslutet till nämnderna').due).toBeUndefined();
    expect(parse('Anna bjuder in till 3 mars-mötet').due).toBeUndefined();
  });

  it('takes the last due phrase and cuts brackets around it', () => {
    expect(parse('Anna skickar remissvaren till 1 april till den 15 april')).toMatchObject({ due: '2026-04-15', text: 'Skickar remissvaren till 1 april' });
    expect(parse('Anna: informera nämnderna (senast 15/4).')).toMatchObject({ due: '2026-04-15', text: 'Informera nämnderna' });
    expect(parse('Anna skickar senast 15/4 kallelsen till alla')).toMatchObject({ text: 'Skickar kallelsen till alla' });
  });
});

describe('parseActionText – bad input', () => {
  it('reports a missing task', () => {
    expect(parse('')).toEqual({ text: '', problems: ['noOwner', 'noText'] });
    expect(parse('Anna: senast 15/4')).toMatchObject({ ownerText: 'Anna', text: '', problems: ['noText'] });
  });

  it('strips a repeated prefix and odd whitespace', () => {
    expect(parse('Åtgärd:  Anna\u00A0bokar\u200B lokal\n senast 15/4')).toMatchObject({ ownerText: 'Anna', text: 'Bokar lokal', due: '2026-04-15' });
    expect(parse('Action: Anna books a room')).toMatchObject({ ownerText: 'Anna', text: 'Books a room' });
  });

  it('maps problems to rule errors', () => {
    expect(actionProblemError(parse('Anna bokar lokal senast 15/4'))).toBeUndefined();
    expect(actionProblemError(parse('bokar lokal'))?.code).toBe('error.actionOwnerMissing');
    expect(actionProblemError(parse('Anna:'))?.code).toBe('error.actionTextMissing');
    expect(actionProblemError(parse('Anna bokar lokal senast 31/4'))).toMatchObject({ code: 'error.actionDueInvalid', params: { date: '31/4' } });
    expect(actionProblemError(parse('Anna bokar lokal senast 2025-01-01'))).toMatchObject({ code: 'error.actionDuePast', params: { date: '2025-01-01' } });
    expect(actionProblemError(parse(`Anna bokar ${'x'.repeat(2_000)}`))?.code).toBe('error.actionTextTooLong');
  });

  it('handles 20,000 characters quickly', () => {
    const started = performance.now();
    parse(`Anna ${'senast 15/4 '.repeat(1_700)}`);
    parse('A'.repeat(20_000));
    parse(`${'<at>'.repeat(5_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('parseActionText – properties', () => {
  const isoDay = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), isoDay, (text, on) => {
        const r = parseActionText(text, { today: on });
        expect(Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  const names = fc.constantFrom('Helena', 'Björn Berg', 'Åsa Öberg', 'Anna-Karin Ek', 'Karin Jansson', 'Per Olof Svensson');
  const verbs = fc.constantFrom('kommunicerar', 'tar fram', 'skickar', 'sammanställer', 'uppdaterar', 'bokar');
  const words = fc.array(fc.constantFrom('beslutet', 'till', 'nämnderna', 'ett', 'förslag', 'om', 'remissvaren', 'riktlinjen', 'och', 'lokal'), { maxLength: 5 });

  it('reads "<Name> <task> senast <d>/<m>" as that owner, task and next date', () => {
    fc.assert(
      fc.property(names, verbs, words, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), isoDay, (name, verb, rest, month, day, on) => {
        const task = [verb, ...rest].join(' ');
        const r = parseActionText(`${name} ${task} senast ${day}/${month}`, { today: on });
        const t = parseIsoDate(on)!;
        const year = month < t.month || (month === t.month && day < t.day) ? t.year + 1 : t.year;
        expect(r).toEqual({
          ownerText: name,
          ownerMention: false,
          text: task[0]!.toUpperCase() + task.slice(1),
          due: formatDate(year, month, day),
          dueText: `${day}/${month}`,
          problems: [],
        });
      }),
      { numRuns: 300 },
    );
  });

  it('puts a weekday due date within the next seven days, on that weekday', () => {
    const weekdays = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), isoDay, (w, on) => {
        const due = parseActionText(`Anna bokar lokal senast ${weekdays[w]}`, { today: on }).due!;
        const t = parseIsoDate(on)!;
        const found = [1, 2, 3, 4, 5, 6, 7].map((n) => addDays(t, n)).find((d) => formatDate(d.year, d.month, d.day) === due);
        expect(found).toBeDefined();
        expect(isoWeekday(found!)).toBe(w + 1);
      }),
    );
  });
});
