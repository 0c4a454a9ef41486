import { describe, expect, it } from 'vitest';
import { type Locale, ROLES, type Role } from '../../src/domain/council.js';
import { helpCard } from '../../src/teams/help-views.js';
import { cardText, cardTexts, walkCard } from '../support/teams-client.js';

const TODAY = '2026-12-07';
const headings = (card: unknown) => walkCard(card).filter((n) => n.type === 'TextBlock' && n.style === 'heading').map((n) => n.text as string).slice(1);

/**
 * Words a column of this share of the card's width holds without breaking one in the middle, at
 * the Playground's narrowest (some 320 px of text at Teams' default size, about 40 characters).
 */
function longestWordFitting(share: number): number {
  return Math.floor(40 * share);
}

/** Every word on the card that sits in a column too narrow for it. */
function brokenWords(card: unknown): string[] {
  const broken: string[] = [];
  for (const set of walkCard(card).filter((n) => n.type === 'ColumnSet')) {
    const columns = set.columns as { width?: string | number; items?: unknown[] }[];
    const weights = columns.map((c) => (typeof c.width === 'number' ? c.width : c.width === 'auto' ? 0 : 1));
    const total = weights.reduce((a, b) => a + b, 0);
    columns.forEach((column, i) => {
      // An "auto" column takes what its content needs and may be squeezed to nothing beside a stretch one.
      const share = column.width === 'auto' ? 0.3 : weights[i]! / total;
      const words = cardTexts({ body: column.items }).flatMap((text) => text.replace(/\*\*/g, '').split(/\s+/));
      broken.push(...words.filter((w) => w.length > longestWordFitting(share)));
    });
  }
  return broken;
}

describe('help, grouped by task and shown for the asker’s role', () => {
  it.each([
    ['sv', ['Förbered mötet', 'Under mötet', 'Efter mötet', 'Rådet']],
    ['en', ['Before the meeting', 'During the meeting', 'After the meeting', 'The council']],
  ] as const)('%s: sections before, during and after the meeting, and the council', (locale, sections) => {
    expect(headings(helpCard(locale, { scope: 'council', role: 'chair', today: TODAY }))).toEqual(sections);
    expect(headings(helpCard(locale, { scope: 'council', role: 'member', today: TODAY }))).toEqual(sections);
  });

  it('shows a member no chair or secretary commands', () => {
    const text = cardText(helpCard('sv', { scope: 'council', role: 'member', today: TODAY }));
    for (const command of ['nytt möte', 'mötesplan', 'öppna mötet', 'närvaro', 'Beslut:', 'Åtgärd:', 'avsluta mötet', 'nominering', 'beslutförhet', 'medlemsomröstningar', 'omröstning', 'skicka för justering', 'protokollbibliotek']) {
      expect(text, command).not.toContain(command);
    }
    for (const command of ['möten', 'dagordning', 'Reservation: skäl', 'protokoll', 'Protokollsanteckning: …', 'åtgärder · mina åtgärder', 'rådet', 'hjälp']) {
      expect(text, command).toContain(command);
    }
    expect(text).toContain('Ordföranden och sekreteraren har fler kommandon');
  });

  it('shows a member polls when the council lets members start them', () => {
    expect(cardText(helpCard('sv', { scope: 'council', role: 'member', memberPolls: true, today: TODAY }))).toContain('omröstning');
    expect(cardText(helpCard('en', { scope: 'council', role: 'member', memberPolls: true, today: TODAY }))).toContain('poll');
  });

  it('shows the secretary the meeting’s commands and the chair the council’s settings too', () => {
    const secretary = cardText(helpCard('sv', { scope: 'council', role: 'secretary', today: TODAY }));
    expect(secretary).toContain('öppna mötet');
    expect(secretary).toContain('Beslut: Rådet beslutar att …');
    expect(secretary).not.toContain('beslutförhet');
    const chair = cardText(helpCard('sv', { scope: 'council', role: 'chair', today: TODAY }));
    expect(chair).toContain('beslutförhet');
    expect(chair).toContain('medlemsomröstningar på · av');
  });

  it('gives example dates ahead of today', () => {
    const text = cardText(helpCard('sv', { scope: 'council', role: 'chair', today: TODAY }));
    expect(text).toContain('nytt möte 2026-12-21 13:00-16:00');
    expect(text).toContain('senast 6/1');
    expect(text).not.toContain('2026-12-03');
    const later = cardText(helpCard('en', { scope: 'council', role: 'chair', today: '2027-06-30' }));
    expect(later).toContain('new meeting 2027-07-14 13:00-16:00');
    expect(later).toContain('RS 2027-123');
  });

  it('breaks no word in the middle at the Playground’s width', () => {
    for (const locale of ['sv', 'en'] as Locale[]) {
      for (const role of [...ROLES, undefined] as (Role | undefined)[]) {
        for (const scope of ['council', 'unconfigured', 'personal'] as const) {
          expect(brokenWords(helpCard(locale, { scope, role, today: TODAY })), `${locale} ${scope} ${role}`).toEqual([]);
        }
      }
    }
  });
});
