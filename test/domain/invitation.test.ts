import { describe, expect, it } from 'vitest';
import { readParticipants, splitInvitation } from '../../src/domain/invitation.js';
import { parseAgendaBlocks } from '../../src/domain/agenda-text.js';

const invitation = `Hej alla,
Välkomna till rådets möte torsdag den 13 januari 2028 i Regionens hus.
#### Deltagare
- Åsa Ordförande, Region Väst
- Anna Ek, Region Halland
- Per Olsson (Vårdcentral Norr)
#### Dagordning
1. 13.00 Mötet öppnas
2. 13.10 Ekonomisk uppföljning
3. 14.20 Övriga frågor
#### Nästkommande möten
- 16 mars 13.00–16.00, Lokal Resenären, Stationshuset, Göteborg
- 18 maj 13.00–16.00
Med vänlig hälsning
Åsa`;

describe('a whole invitation pasted', () => {
  it('takes the participants and the next meetings out of the agenda', () => {
    const parts = splitInvitation([{ kind: 'text', text: invitation }]);
    expect(parts.found).toBe(true);
    expect(parts.participants).toEqual([
      { name: 'Åsa Ordförande', organisation: 'Region Väst' },
      { name: 'Anna Ek', organisation: 'Region Halland' },
      { name: 'Per Olsson', organisation: 'Vårdcentral Norr' },
    ]);
    expect(parts.nextMeetings).toBe('16 mars 13.00–16.00, Lokal Resenären, Stationshuset, Göteborg\n18 maj 13.00–16.00');
    const agenda = parseAgendaBlocks(parts.agenda);
    expect(agenda.items.map((i) => i.title)).toEqual(['Mötet öppnas', 'Ekonomisk uppföljning', 'Övriga frågor']);
    expect(agenda.title).not.toBe('Deltagare');
    expect(agenda.unparsed).toEqual([]);
  });

  it('reads sections written on one line, in plain text, and stops at a blank line', () => {
    const parts = splitInvitation([{ kind: 'text', text: 'Kallade: Anna Ek, Region Halland; Björn Berg\n\nDagordning\n1. Inledning\n2. Budget\n\nNästkommande möten: 18 mars, 20 maj\n\nVälkomna!' }]);
    expect(parts.participants).toEqual([{ name: 'Anna Ek', organisation: 'Region Halland' }, { name: 'Björn Berg' }]);
    expect(parts.nextMeetings).toBe('18 mars, 20 maj');
    expect(parseAgendaBlocks(parts.agenda).items.map((i) => i.title)).toEqual(['Inledning', 'Budget']);
  });

  it('leaves a message without such sections as it was', () => {
    const blocks = [{ kind: 'text' as const, text: 'Dagordning\n1. Inledning' }, { kind: 'table' as const, rows: [['1', 'Budget']] }];
    expect(splitInvitation(blocks)).toEqual({ agenda: blocks, participants: [], found: false });
  });

  it('reads each name once, whatever the punctuation', () => {
    expect(readParticipants(['Anna Ek – Region Halland', 'anna ek', 'Eva Lund', '—'])).toEqual([{ name: 'Anna Ek', organisation: 'Region Halland' }, { name: 'Eva Lund' }]);
  });
});

describe('sections that only look like an invitation’s', () => {
  it('keeps "Kommande möten" and "Deltagare" as items when what follows is no dates or names', () => {
    const text = 'Dagordning\nInledning\nBudget\nKommande möten\nÖvriga frågor\nDeltagare\n13.00 mötet avslutas';
    const parts = splitInvitation([{ kind: 'text', text }]);
    expect(parts.found).toBe(false);
    expect(parts.agenda).toEqual([{ kind: 'text', text }]);
  });
});
