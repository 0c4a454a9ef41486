import { describe, expect, it } from 'vitest';
import { readAgendaRows } from '../../src/domain/agenda-rows.js';
import { parseAgendaBlocks, parseAgendaText } from '../../src/domain/agenda-text.js';

const table = (rows: string[][]) => parseAgendaBlocks([{ kind: 'table', rows }]);
const brief = (rows: string[][]) => table(rows).items.map((i) => [i.number, i.title, i.start ?? '', i.end ?? '', i.presenters.join('|'), i.description ?? '']);

describe('agenda tables read as tables', () => {
  it('finds a header by its words, wherever the title and notes columns stand', () => {
    expect(readAgendaRows([['Föredragande', 'Rubrik', 'Beskrivning'], ['Åsa Ek', 'Inledning', 'Kort']]).map((r) => r.kind)).toEqual(['header', 'item']);
    expect(brief([['Presentatör', 'Ärende', 'Underlag'], ['Åsa Ek', 'Inledning', 'Kort']])).toEqual([['1', 'Inledning', '', '', 'Åsa Ek', 'Kort']]);
  });

  it('finds a header of unknown words by its lack of numbers and times, and reads the columns by what they hold', () => {
    const rows = [
      ['Klockslag', 'Ämnesområde', 'Kontakt'],
      ['13.00', 'Inledning', 'Åsa Ek'],
      ['13.20', 'Ekonomi', 'Per Ås'],
    ];
    expect(brief(rows)).toEqual([
      ['1', 'Inledning', '13:00', '13:20', 'Åsa Ek', ''],
      ['2', 'Ekonomi', '13:20', '', 'Per Ås', ''],
    ]);
  });

  it('splits several presenters in one cell, one a line or joined by "och", ",", "/" and "&"', () => {
    const rows = [['Punkt', 'Föredragande'], ['A', 'Eva Ek och Per Ås'], ['B', 'Eva Ek, Per Ås'], ['C', 'Eva Ek / Per Ås'], ['D', 'Eva Ek & Per Ås'], ['E', 'Eva Ek\nPer Ås']];
    expect(table(rows).items.map((i) => i.presenters)).toEqual(Array(5).fill(['Eva Ek', 'Per Ås']));
  });

  it('reads a cell’s first paragraph as the title and the rest as its description', () => {
    expect(brief([['Mötespunkt', 'Anteckning'], ['2. Ekonomi\nPrognos\nBilaga 3', 'Beslut i december']])).toEqual([['2', 'Ekonomi', '', '', '', 'Prognos\nBilaga 3\nBeslut i december']]);
  });

  it('takes a time range from anywhere in the row', () => {
    expect(brief([['Punkt', 'Anteckning'], ['1. Ekonomi', 'Genomgång 13.00–13.45'], ['2. Avslut', '']])).toEqual([
      ['1', 'Ekonomi', '13:00', '13:45', '', 'Genomgång'],
      ['2', 'Avslut', '', '', '', ''],
    ]);
  });

  it('reads rows commenting on the item above as its notes, never as items', () => {
    const rows = [
      ['Punkt', 'Anteckning'],
      ['1. Ekonomi', ''],
      ['Notering: siffrorna är preliminära', ''],
      ['Kommentar', 'Återkommer i januari'],
      ['"Vad händer med vårdcentralerna?"', ''],
      ['Hur går vi vidare?', ''],
      ['2. Avslut', ''],
    ];
    const items = table(rows).items;
    expect(items.map((i) => i.title)).toEqual(['Ekonomi', 'Avslut']);
    expect(items[0]!.description).toBe('Notering: siffrorna är preliminära\nKommentar\nÅterkommer i januari\n"Vad händer med vårdcentralerna?"\nHur går vi vidare?');
  });

  it('puts "3 a" and "3 b" under item 3, and keeps a "3 a" under another item as written', () => {
    const rows = [['Nr', 'Punkt'], ['3', 'Remisser'], ['Reflektion: många remisser', ''], ['3 a', 'Läkemedel'], ['3b', 'Hjälpmedel'], ['4', 'Övrigt'], ['5 a', 'Lös punkt']];
    expect(table(rows).items.map((i) => [i.number, i.title])).toEqual([
      ['3', 'Remisser'],
      ['3 a', 'Läkemedel'],
      ['3 b', 'Hjälpmedel'],
      ['4', 'Övrigt'],
      ['5 a', 'Lös punkt'],
    ]);
  });

  it('reads a tab-separated table through the same code, and a header repeated on the next page once', () => {
    const text = 'Nr\tMötespunkt\tAnsvarig\n1\tInledning\tÅsa Ek\nNr\tMötespunkt\tAnsvarig\n2\tEkonomi\tPer Ås och Eva Ek';
    expect(parseAgendaText(text).items.map((i) => [i.number, i.title, i.presenters])).toEqual([
      ['1', 'Inledning', ['Åsa Ek']],
      ['2', 'Ekonomi', ['Per Ås', 'Eva Ek']],
    ]);
  });

  it('hands back rows it cannot read, and reads nothing from an empty table', () => {
    expect(table([['1', '13.00'], ['', '']]).unparsed).toEqual([{ line: 1, text: '1 13.00' }]);
    expect(table([]).items).toEqual([]);
  });
});
