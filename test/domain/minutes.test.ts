import { describe, expect, it } from 'vitest';
import { buildMinutes, minutesFileStem } from '../../src/domain/minutes.js';
import { minutesMarkdown } from '../../src/export/minutes-markdown.js';
import { testMember } from '../support/members.js';

const members = [testMember('u1', 'chair', 'Åsa Ordförande'), testMember('u2', 'member', 'Björn Berg'), testMember('u3', 'member', 'Cecilia Ek'), testMember('u4', 'guest', 'Dan Gäst')];

function minutes(overrides: Partial<Parameters<typeof buildMinutes>[0]> = {}) {
  return buildMinutes({
    council: { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' },
    meeting: { id: 'm1', title: 'Vårdvalsråd', startsAt: '2026-12-03T12:00:00.000Z', endsAt: '2026-12-03T15:00:00.000Z', place: 'Regionens hus', online: true, status: 'closed' },
    diaryNumber: null,
    members,
    attendance: [{ userId: 'u1', status: 'present' }, { userId: 'u2', status: 'absent' }, { userId: 'u4', status: 'guest' }],
    guests: [{ name: 'Karin Lund', organisation: 'Regionhälsan' }],
    regrets: [{ userId: 'u3', note: 'Sjuk' }],
    items: [{ id: 'i1', title: '*Viktigt* | budget', kind: 'decision', level: 0, presenters: ['Åsa'], links: [], number: '1' }],
    notes: [],
    decisions: [],
    reservations: [],
    protocolNotes: [],
    actions: [],
    polls: [],
    nominations: [],
    nextMeetings: [],
    adjusters: [{ userId: 'u2', approvedAt: '2026-12-05T09:14:00.000Z' }],
    version: 1,
    ...overrides,
  });
}

describe('the minutes model', () => {
  it('sorts attendance into the Swedish groups: present, invited guests, regrets, absent', () => {
    const m = minutes();
    expect(m.attendance.present).toEqual([{ name: 'Åsa Ordförande', detail: 'ordförande' }]);
    expect(m.attendance.guests.map((g) => g.name)).toEqual(['Dan Gäst', 'Karin Lund']);
    expect(m.attendance.regrets.map((g) => g.name)).toEqual(['Cecilia Ek']);
    expect(m.attendance.absent.map((g) => g.name)).toEqual(['Björn Berg']);
    expect(m.place).toBe('Regionens hus / Teams');
    expect(m.when).toBe('torsdag 3 december 2026, 13.00–16.00');
    expect(m.justering.adjusters).toEqual([{ name: 'Björn Berg', approvedAt: '5 dec 2026 10.14' }]);
    expect(m.justering.approved).toBe(true);
  });

  it('lists people whose attendance was never confirmed apart, and says when the council had no quorum', () => {
    const decision = { id: 'd1', meetingId: 'm1', agendaItemId: 'i1', itemNumber: '1', itemTitle: 'Budget', text: 'Rådet fastställer budgeten.', outcome: 'decided' as const, reason: null, vote: null, recordedBy: 'u1', recordedAt: '2026-12-03T12:30:00.000Z', version: 1 };
    const m = minutes({ attendance: [{ userId: 'u1', status: 'present' }, { userId: 'u2', status: 'unconfirmed' }], regrets: [], decisions: [decision] });
    expect(m.attendance.unconfirmed.map((p) => p.name)).toEqual(['Björn Berg', 'Cecilia Ek']);
    expect(m.attendance.absent).toEqual([]);
    expect(m.attendance.belowQuorum).toEqual({ present: 1, required: 2 });
    const md = minutesMarkdown(m, { draft: true });
    expect(md).toContain('### Närvaro inte bekräftad\n- Björn Berg\n- Cecilia Ek');
    expect(md).toContain('**Rådet var inte beslutfört: 1 närvarande, 2 krävs.**');
    expect(md).toContain('*Beslutet fattades när rådet inte var beslutfört.*');
    const enough = minutes({ attendance: [{ userId: 'u1', status: 'present' }, { userId: 'u2', status: 'present' }], decisions: [decision] });
    expect(enough.attendance.belowQuorum).toBeNull();
    expect(minutesMarkdown(enough, { draft: true })).not.toContain('beslutfört');
  });

  it('writes Markdown that shows titles as typed, not as formatting', () => {
    const text = minutesMarkdown(minutes(), { draft: true });
    expect(text).toContain('### 1. \\*Viktigt\\* \\| budget');
    expect(text).toContain('> Utkast – ej justerat');
    expect(text).toContain(`${'\\_'.repeat(40)}  \n**Björn Berg**, justerare  \n*Justerat 5 dec 2026 10.14*`);
  });

  it('names files by date and council, without characters a file system or SharePoint refuses', () => {
    expect(minutesFileStem({ date: '2026-12-03', council: 'Råd: "A/B" <test>?', locale: 'sv' }, true)).toBe('2026-12-03 Råd- -A-B- -test-- protokoll utkast');
    expect(minutesFileStem({ date: '2026-12-03', council: '...', locale: 'en' }, false)).toBe('2026-12-03 rad minutes');
  });

  it('lists polls with their counts only and nominations with consent', () => {
    const text = minutesMarkdown(
      minutes({
        polls: [{ question: 'Ska rådet anta budgeten?', results: [{ option: 'Ja', votes: 5 }, { option: 'Nej', votes: 1 }], voters: 6, anonymous: true, agendaItemId: null, askedAt: '2026-12-03T12:10:00.000Z', ballots: [{ userId: 'u2', choices: ['Ja'] }] }],
        nominations: [
          {
            round: { id: 'r1', councilId: 'c', meetingId: 'm1', agendaItemId: null, name: 'Arbetsgrupp förfrågningsunderlag', purpose: '', seats: 2, deadline: null, selfNomination: true, criteria: '', tieBreak: 'chair', status: 'closed', createdBy: 'u1', createdAt: '', closedAt: null, pollId: null, activityId: null, version: 1 } as never,
            nominations: [{ id: 'n1', roundId: 'r1', nomineeUserId: 'u2', nomineeName: 'Björn Berg', nomineeEmail: null, nominatedBy: 'u1', motivation: '', consent: 'accepted', selected: true, createdAt: '', answeredAt: null }],
          },
        ],
      }),
      { draft: false },
    );
    expect(text).toContain('## Omröstningar');
    expect(text).toContain('- Ja: 5');
    expect(text).toContain('6 röstade. Sluten omröstning.');
    // Ballots passed by mistake for a secret vote are never tied to a name.
    expect(text).not.toContain('Björn Berg: Ja');
    expect(text).toContain('**Arbetsgrupp förfrågningsunderlag** (2 platser)');
    expect(text).toContain('- Björn Berg, tackat ja, vald');
  });
});
