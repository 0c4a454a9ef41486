import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { timeAgenda } from '../../src/domain/agenda.js';
import type { Decision } from '../../src/domain/decision.js';
import { type MinutesInput, buildMinutes } from '../../src/domain/minutes.js';
import { minutesDocx } from '../../src/export/minutes-docx.js';
import { minutesMarkdown } from '../../src/export/minutes-markdown.js';
import { docxText } from '../support/docx-text.js';
import { testMember } from '../support/members.js';

const members = [testMember('u1', 'chair', 'Åsa Ordförande'), testMember('u2', 'member', 'Björn Berg'), testMember('u3', 'member', 'Cecilia Ek'), testMember('u5', 'secretary', 'Sara Sekreterare')];

const items = timeAgenda(
  [
    { id: 'open', title: 'Mötets öppnande', kind: 'information', level: 0, presenters: [], links: [] },
    { id: 'adj', title: 'Val av justerare', kind: 'election', level: 0, presenters: [], links: [] },
    { id: 'eko', title: 'Ekonomi', kind: 'decision', level: 0, presenters: [], links: [] },
    { id: 'bud', title: 'Fastställande av budget 2027', kind: 'decision', level: 1, presenters: [], links: [] },
    { id: 'inv', title: 'Investeringar', kind: 'decision', level: 1, presenters: [], links: [] },
    { id: 'dig', title: 'Digitala vårdbesök', kind: 'discussion', level: 0, presenters: [], links: [] },
    { id: 'jour', title: 'Beslut om jourverksamhet', kind: 'decision', level: 0, presenters: [], links: [] },
    { id: 'lok', title: 'Lokaler', kind: 'decision', level: 0, presenters: [], links: [] },
  ],
  { start: '13:00', end: '16:00' },
).items;

const decision = (id: string, itemId: string, outcome: Decision['outcome'], text: string): Decision => {
  const item = items.find((i) => i.id === itemId)!;
  return { id, meetingId: 'm1', agendaItemId: itemId, itemNumber: item.number, itemTitle: item.title, text, outcome, reason: outcome === 'decided' ? null : 'Punkten hanns inte med.', vote: null, recordedBy: 'u1', recordedAt: '2026-12-03T13:00:00.000Z', version: 1 };
};

function input(overrides: Partial<MinutesInput> = {}): MinutesInput {
  return {
    council: { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' },
    meeting: { id: 'm1', title: 'Vårdvalsråd', startsAt: '2026-12-03T12:00:00.000Z', endsAt: '2026-12-03T15:00:00.000Z', place: 'Regionens hus', online: false, status: 'closed' },
    diaryNumber: null,
    members,
    attendance: members.map((m) => ({ userId: m.userId, status: 'present' as const })),
    guests: [],
    regrets: [],
    items,
    notes: [],
    // Recorded out of agenda order: item 6 tabled before item 4 was referred back.
    decisions: [decision('d1', 'bud', 'decided', 'Rådet fastställer budgeten.'), decision('d2', 'lok', 'tabled', 'Punkten bordläggs.'), decision('d3', 'dig', 'referredBack', 'Ärendet återremitteras.')],
    reservations: [],
    protocolNotes: [],
    actions: [],
    polls: [
      // Named, not tied to an item: asked while item 3 b was under discussion.
      { question: 'Ska rådet ställa sig bakom investeringsplanen?', results: [{ option: 'Ja', votes: 2 }, { option: 'Nej', votes: 1 }], voters: 3, anonymous: false, agendaItemId: null, askedAt: '2026-12-03T12:40:00.000Z', ballots: [{ userId: 'u3', choices: ['Nej'] }, { userId: 'u2', choices: ['Ja'] }, { userId: 'u1', choices: ['Ja'] }] },
      // Secret, tied to item 5.
      { question: 'Ska jouren läggas ned?', results: [{ option: 'Ja', votes: 1 }, { option: 'Nej', votes: 2 }], voters: 3, anonymous: true, agendaItemId: 'jour', askedAt: '2026-12-03T12:50:00.000Z', ballots: [] },
    ],
    itemTimes: [
      { itemId: 'bud', startedAt: '2026-12-03T12:20:00.000Z', endedAt: '2026-12-03T12:30:00.000Z' },
      { itemId: 'inv', startedAt: '2026-12-03T12:30:00.000Z', endedAt: '2026-12-03T12:45:00.000Z' },
      { itemId: 'jour', startedAt: '2026-12-03T12:45:00.000Z', endedAt: null },
    ],
    nominations: [],
    nextMeetings: [],
    adjusters: [{ userId: 'u2', approvedAt: null }, { userId: 'u3', approvedAt: '2026-12-05T09:14:00.000Z' }],
    version: 1,
    ...overrides,
  };
}

describe('the minutes as the secretary reads them before signing', () => {
  const minutes = buildMinutes(input());

  it('names the item a poll was asked on, who voted what in a named poll, and only totals in a secret one', async () => {
    expect(minutes.polls.map((p) => p.item)).toEqual([
      { number: '3 b', title: 'Investeringar' },
      { number: '5', title: 'Beslut om jourverksamhet' },
    ]);
    expect(minutes.polls[0]!.votes).toEqual([
      { name: 'Björn Berg', choices: ['Ja'] },
      { name: 'Cecilia Ek', choices: ['Nej'] },
      { name: 'Åsa Ordförande', choices: ['Ja'] },
    ]);
    expect(minutes.polls[1]!.votes).toEqual([]);

    const md = minutesMarkdown(minutes, { draft: true });
    const polls = md.slice(md.indexOf('## Omröstningar'), md.indexOf('## Bordlagda'));
    expect(polls).toContain('**Ska rådet ställa sig bakom investeringsplanen?**\n\n*Punkt 3 b – Investeringar*\n\n- Ja: 2\n- Nej: 1\n\n3 röstade. Öppen omröstning. Så röstade var och en:\n\n- Björn Berg: Ja\n- Cecilia Ek: Nej\n- Åsa Ordförande: Ja');
    expect(polls).toContain('**Ska jouren läggas ned?**\n\n*Punkt 5 – Beslut om jourverksamhet*\n\n- Ja: 1\n- Nej: 2\n\n3 röstade. Sluten omröstning.\n');

    const word = await docxText(await minutesDocx(minutes, { draft: true }));
    const wordPolls = word.slice(word.indexOf('Omröstningar\n'), word.indexOf('Bordlagda'));
    expect(wordPolls).toBe(
      [
        'Omröstningar',
        'Ska rådet ställa sig bakom investeringsplanen?',
        'Punkt 3 b – Investeringar',
        'Ja: 2',
        'Nej: 1',
        '3 röstade. Öppen omröstning. Så röstade var och en:',
        'Björn Berg: Ja',
        'Cecilia Ek: Nej',
        'Åsa Ordförande: Ja',
        'Ska jouren läggas ned?',
        'Punkt 5 – Beslut om jourverksamhet',
        'Ja: 1',
        'Nej: 2',
        '3 röstade. Sluten omröstning.',
        '',
      ].join('\n'),
    );
  });

  it('keeps a poll’s question, item and counts on one page', async () => {
    const xml = await (await JSZip.loadAsync(await minutesDocx(minutes, { draft: false }))).file('word/document.xml')!.async('string');
    const paragraph = (text: string) => xml.split('</w:p>').find((p) => p.includes(`>${text}</w:t>`))!;
    for (const text of ['Ska rådet ställa sig bakom investeringsplanen?', 'Punkt 3 b – Investeringar', 'Ja: 2', 'Nej: 1', '3 röstade. Öppen omröstning. Så röstade var och en:']) {
      expect(paragraph(text), text).toContain('<w:keepNext/>');
    }
    expect(paragraph('3 röstade. Sluten omröstning.')).not.toContain('<w:keepNext/>');
  });

  it('marks the items planned for a decision that got none, in the draft only', async () => {
    // 3 is a heading decided through its sub-items; 5 was reached and got only a poll; 6 was tabled.
    expect(minutes.items.filter((i) => i.undecided).map((i) => i.number)).toEqual(['3 b', '5']);
    const md = minutesMarkdown(minutes, { draft: true });
    expect(md).toContain('> **Att kontrollera före justering – planerade för beslut men utan registrerat beslut: 3 b. Investeringar, 5. Beslut om jourverksamhet.**');
    expect(md).toContain('#### 3 b. Investeringar\n\n**⚠ Planerad för beslut – inget beslut är registrerat.**');
    expect(md.match(/⚠/g)).toHaveLength(2);
    expect(minutesMarkdown(minutes, { draft: false })).not.toContain('Planerad för beslut');

    const word = await docxText(await minutesDocx(minutes, { draft: true }));
    expect(word).toContain('Att kontrollera före justering – planerade för beslut men utan registrerat beslut: 3 b. Investeringar, 5. Beslut om jourverksamhet.');
    expect(word).toContain('5. Beslut om jourverksamhet\n⚠ Planerad för beslut – inget beslut är registrerat.');
    expect(await docxText(await minutesDocx(minutes, { draft: false }))).not.toContain('Planerad för beslut');
    // A planned meeting has decided nothing yet, so nothing is missing.
    expect(buildMinutes(input({ meeting: { ...input().meeting, status: 'planned' }, decisions: [] })).items.some((i) => i.undecided)).toBe(false);
  });

  it('lists tabled and referred-back items in agenda order, whatever order they were recorded in', () => {
    expect(minutes.tabled.map((x) => x.number)).toEqual(['4', '6']);
    const md = minutesMarkdown(minutes, { draft: false });
    expect(md).toContain('- 4. Digitala vårdbesök – Återremitterat: Punkten hanns inte med.\n- 6. Lokaler – Bordlagt: Punkten hanns inte med.');
  });

  it('puts the chosen adjusters on the signature page with a line each, after the chair and the secretary', async () => {
    const word = await docxText(await minutesDocx(minutes, { draft: true }));
    const signatures = word.slice(word.lastIndexOf('Justering\n'), word.indexOf('Vårdvalsråd · 2026-12-03'));
    const line = '_______________________________________';
    expect(signatures).toBe(
      ['Justering', line, 'Åsa Ordförande, ordförande', line, 'Sara Sekreterare, sekreterare', line, 'Björn Berg, justerare', 'Ej justerat', line, 'Cecilia Ek, justerare', 'Justerat 5 dec 2026 10.14', ''].join('\n'),
    );
    const md = minutesMarkdown(minutes, { draft: true });
    const mdLine = '\\_'.repeat(40);
    expect(md.slice(md.indexOf('## Justering'))).toBe(
      [
        '## Justering',
        '',
        `${mdLine}  `,
        '**Åsa Ordförande**, ordförande',
        '',
        `${mdLine}  `,
        '**Sara Sekreterare**, sekreterare',
        '',
        `${mdLine}  `,
        '**Björn Berg**, justerare  ',
        '*Ej justerat*',
        '',
        `${mdLine}  `,
        '**Cecilia Ek**, justerare  ',
        '*Justerat 5 dec 2026 10.14*',
        '',
        '*Version 1*',
        '',
      ].join('\n'),
    );
  });
});
