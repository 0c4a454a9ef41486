import type { ExpectedItem } from './agenda-html.js';
import { cardTexts, walkCard } from './teams-client.js';

/** An agenda or confirmation card's item rows: number, time, then title and details. */
export function agendaRows(card: any): any[] {
  return walkCard(card).filter((n) => n.type === 'ColumnSet' && n.columns.length === 3);
}

/** Each item's title, in order. */
export const itemTitles = (card: any): (string | undefined)[] => agendaRows(card).map((cs) => cardTexts(cs.columns[2])[0]);

/** Each item as the card shows it: number, time, title and presenters. */
export function previewItems(card: any): ExpectedItem[] {
  return agendaRows(card).map((cs) => {
    const [number, time, rest] = cs.columns.map((c: any) => cardTexts(c));
    const named = /Föredragande: ([^·]*)/.exec(rest[1] ?? '');
    return { number: number[0], time: time[0] ?? '', title: rest[0], presenters: named ? named[1]!.trim().split(', ') : [] };
  });
}
