import { describe, expect, it } from 'vitest';
import type { AgendaView } from '../../src/app/agenda-view.js';
import type { CouncilView } from '../../src/app/councils.js';
import type { ActionItem } from '../../src/domain/action-item.js';
import { timeAgenda } from '../../src/domain/agenda.js';
import { quorum } from '../../src/domain/attendance.js';
import type { CouncilMember, Locale } from '../../src/domain/council.js';
import type { Decision } from '../../src/domain/decision.js';
import type { Meeting } from '../../src/domain/meeting.js';
import { en } from '../../src/i18n/en.js';
import { t } from '../../src/i18n/index.js';
import { sv } from '../../src/i18n/sv.js';
import { actionsCard } from '../../src/teams/action-views.js';
import { agendaCard, agendaConfirmCard } from '../../src/teams/agenda-views.js';
import { attendanceCard, attendanceChoiceCard } from '../../src/teams/attendance-views.js';
import { closeCard } from '../../src/teams/closing-views.js';
import { leftItems } from '../../src/app/running.js';
import { TEMPLATE_NAMES } from '../../src/teams/card-templates.js';
import { decisionCard } from '../../src/teams/decision-views.js';
import { exportedCard, justeringCard } from '../../src/teams/justering-views.js';
import { meetingFormCard, meetingsCard, scheduleConfirmCard, timeChoiceCard } from '../../src/teams/meeting-views.js';
import { nominationAskCard, roundCard, roundFormCard } from '../../src/teams/nomination-views.js';
import { pollCard, pollFormCard } from '../../src/teams/poll-views.js';
import { reminderCard } from '../../src/teams/reminder-views.js';
import { type Notice, councilCard, doneCard, errorCard, welcomeCard } from '../../src/teams/views.js';
import { helpCard } from '../../src/teams/help-views.js';
import { HOSTILE, HOSTILE_TEXT, allStrings, liveUserMarkup } from '../support/markdown.js';

/**
 * Every card the bot has, with a link, HTML and emphasis in every field a person writes:
 * council, meeting, item and round names, places, presenters, decisions, comments, guests,
 * poll questions and options, nominations, and the messages that quote them.
 */
const U = HOSTILE_TEXT;
const at = '2026-11-23T10:00:00.000Z';

function council(locale: Locale): CouncilView {
  const members: CouncilMember[] = [
    { councilId: 'c1', userId: '29:chair', aadObjectId: null, name: `Åsa ${U}`, email: null, role: 'chair', organisation: null, addedAt: at },
    { councilId: 'c1', userId: '29:secretary', aadObjectId: null, name: `Cecilia ${U}`, email: null, role: 'secretary', organisation: null, addedAt: at },
    { councilId: 'c1', userId: '29:member', aadObjectId: null, name: `Björn ${U}`, email: null, role: 'member', organisation: U, addedAt: at },
    { councilId: 'c1', userId: 'guest:g1', aadObjectId: null, name: `Gäst ${U}`, email: null, role: 'guest', organisation: `Org ${U}`, addedAt: at },
  ];
  return {
    council: {
      id: 'c1', conversationId: '19:x', tenantId: 't', name: `Rådet ${U}`, locale, timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at, updatedAt: at,
      version: 3, quorumRule: { kind: 'majority' }, membersCreatePolls: false, reminderPolicy: { daysBefore: [7, 1], at: '08:00' }, calendar: null, minutesLibrary: `https://region.sharepoint.com/${U}`,
    },
    members,
  };
}

const meeting = (status: Meeting['status'] = 'planned'): Meeting => ({
  id: 'm1', councilId: 'c1', title: `Möte ${U}`, startsAt: '2027-03-10T12:00:00.000Z', endsAt: '2027-03-10T15:00:00.000Z', place: `Sal ${U}`, online: true,
  onlineUrl: 'https://teams.microsoft.com/l/meetup-join/x', status, externalEventId: null, agendaCardActivityId: null, currentItemId: status === 'open' ? 'i1' : null,
  openedAt: status === 'open' ? at : null, closedAt: status === 'closed' ? at : null, createdBy: '29:chair', createdAt: at, updatedAt: at, version: 1,
});

const decision = (itemId: string): Decision => ({
  id: `d-${itemId}`, meetingId: 'm1', agendaItemId: itemId, itemNumber: '2', itemTitle: `Punkt ${U}`, text: `Beslut ${U}`, outcome: 'decided', reason: `Skäl ${U}`,
  vote: { for: 5, against: 1, abstain: 0 }, recordedBy: '29:chair', recordedAt: at, version: 1,
});

const action = (id: string, meetingId: string | null, itemId: string | null): ActionItem => ({
  id, councilId: 'c1', meetingId, agendaItemId: itemId, ownerUserId: '29:member', ownerName: `Björn ${U}`, text: `Åtgärd ${U}`, dueDate: '2027-01-15',
  status: 'open', createdBy: '29:chair', createdAt: at, completedAt: null, version: 1,
});

function agenda(locale: Locale, status: Meeting['status'] = 'planned'): AgendaView {
  const items = [
    { id: 'i0', standing: 'previousMinutes' as const, title: `Föregående ${U}`, kind: 'information' as const, level: 0 as const, durationMinutes: 10, presenters: [U], links: [] },
    {
      id: 'i1', title: `Punkt ${U}`, kind: 'decision' as const, level: 0 as const, durationMinutes: 20, presenters: [`Karin ${U}`],
      links: [{ title: `PM ${U}`, url: 'https://example.org/pm.pdf' }], description: `Bakgrund ${U}`,
    },
    { id: 'i2', title: `Underpunkt ${U}`, kind: 'discussion' as const, level: 1 as const, durationMinutes: 15, presenters: [], links: [] },
  ];
  return {
    view: council(locale),
    meeting: meeting(status),
    items,
    timing: timeAgenda(items, { start: '13:00', end: '16:00' }),
    regrets: [{ meetingId: 'm1', userId: '29:member', note: `Sjuk ${U}`, createdAt: at }],
    times: status === 'open' ? [{ itemId: 'i0', startedAt: at, endedAt: at }] : [],
    now: at,
    openActions: [action('a0', null, null), action('a1', 'm1', 'i1')],
    notes: [{ id: 'n1', meetingId: 'm1', itemId: 'i1', text: `Anteckning ${U}`, writtenBy: '29:secretary', writtenAt: at }],
    decisions: [decision('i1')],
  };
}

const notice: Notice = { text: t('sv', 'attendance.guestAdded', { name: U }), kind: 'good' };

function pollView(locale: Locale, status: 'open' | 'closed') {
  const options = [{ id: 'o1', text: `Ja ${U}` }, { id: 'o2', text: `Nej ${U}` }];
  return {
    view: council(locale),
    poll: {
      id: 'p1', councilId: 'c1', meetingId: null, agendaItemId: null, question: `Fråga ${U}`, options, maxChoices: 1, anonymous: false, resultsVisibility: 'live' as const,
      deadline: '2027-01-01T10:00:00.000Z', remindBeforeMinutes: null, status, createdBy: '29:chair', createdAt: at, closedAt: status === 'closed' ? at : null, activityId: null, counted: null, version: 1,
    },
    voted: 2, entitled: 3,
    results: { voters: 2, options: options.map((o, i) => ({ id: o.id, text: o.text, votes: 1 + i, percent: 50 })) },
    named: options.map((o) => ({ option: o.text, names: [`Åsa ${U}`] })),
    mine: ['o1'],
  };
}

function roundView(locale: Locale, status: 'open' | 'closed') {
  const nominations = [
    { id: 'n1', roundId: 'r1', nomineeUserId: '29:member', nomineeName: `Björn ${U}`, nomineeEmail: null, nominatedBy: '29:chair', motivation: `Motivering ${U}`, consent: 'accepted' as const, selected: true, createdAt: at, answeredAt: at },
    { id: 'n2', roundId: 'r1', nomineeUserId: null, nomineeName: `Extern ${U}`, nomineeEmail: 'x@example.org', nominatedBy: '29:member', motivation: U, consent: 'external' as const, selected: false, createdAt: at, answeredAt: null },
    { id: 'n3', roundId: 'r1', nomineeUserId: '29:chair', nomineeName: `Åsa ${U}`, nomineeEmail: null, nominatedBy: '29:chair', motivation: U, consent: 'pending' as const, selected: false, createdAt: at, answeredAt: null },
  ];
  return {
    view: council(locale),
    round: {
      id: 'r1', councilId: 'c1', meetingId: null, agendaItemId: null, name: `Gruppen ${U}`, purpose: `Syfte ${U}`, seats: 1, deadline: '2027-01-01T10:00:00.000Z',
      selfNomination: true, criteria: `Kriterier ${U}`, status, createdBy: '29:chair', createdAt: at, closedAt: status === 'closed' ? at : null, pollId: null, activityId: null, version: 1,
    },
    nominations,
  };
}

function justering(locale: Locale) {
  const a = agenda(locale, 'closed');
  return {
    agenda: a,
    minutes: {
      meetingId: 'm1', version: 2, status: 'sent' as const, deadline: '2027-03-20', sentAt: at, approvedAt: null, updatedAt: at, diaryNumber: `RS ${U}`,
      export: { status: 'failed' as const, detail: `403 ${U}`, files: [], at },
    },
    adjusters: [
      { meetingId: 'm1', userId: '29:member', approvedVersion: null, approvedAt: null },
      { meetingId: 'm1', userId: 'guest:g1', approvedVersion: 2, approvedAt: at },
    ],
  };
}

/** Every template, with user text in every field it shows; `quotes` says whether the card shows any. */
function cards(locale: Locale): { template: string; card: unknown; quotes: boolean }[] {
  const view = council(locale);
  const decisionData = {
    view, meeting: meeting('open'), decision: decision('i1'),
    reservations: [{ decisionId: 'd-i1', userId: '29:member', text: `Reservation ${U}`, createdAt: at }, { decisionId: 'd-i1', userId: '29:chair', text: null, createdAt: at }],
    notes: [{ id: 'p1', meetingId: 'm1', itemId: 'i1', decisionId: 'd-i1', userId: '29:member', text: `Protokollsanteckning ${U}`, createdAt: at }],
  };
  const attendance = view.members.map((m) => ({ userId: m.userId, status: 'present' as const }));
  const out = [
    { template: 'welcome', card: welcomeCard(locale, `Rådet ${U}`, 'Europe/Stockholm', notice) },
    { template: 'help', card: helpCard(locale, { scope: 'council', role: 'chair', today: '2026-12-07' }), quotes: false },
    { template: 'error', card: errorCard(locale, t(locale, 'unknown.command', { text: U })) },
    { template: 'done', card: doneCard(t(locale, 'attendance.guestAdded', { name: U }), t(locale, 'attendance.guestAdded', { name: U })) },
    ...[undefined, '29:chair', '29:member'].map((viewer) => ({ template: 'council', card: councilCard(view, viewer, locale, notice) })),
    { template: 'meetings', card: meetingsCard(view.council, [meeting(), { ...meeting(), id: 'm2', online: false }], 0, locale, { notice, howTo: '2027-01-14' }) },
    { template: 'meeting-form', card: meetingFormCard(locale, { date: '2027-01-14', place: U, online: true, title: U }, notice) },
    {
      // What the person typed rides along in the action's data until they choose; the card shows only dates and times.
      template: 'time-choice',
      card: timeChoiceCard(
        locale,
        { date: '2027-10-31', start: '02:15', end: '02:45' },
        [{ which: 'start', date: '31 okt 2027', time: '02.15', earlierOffset: '+02:00', laterOffset: '+01:00' }],
        'meeting.create',
        { date: '2027-10-31', start: '02:15', end: '02:45', place: `Sal ${U}`, online: false, title: `Möte ${U}` },
      ),
    },
    {
      template: 'schedule-confirm',
      card: scheduleConfirmCard(view.council, [{ date: '2027-02-01', start: '13:00', end: '16:00', place: `Sal ${U}`, online: false, title: `Möte ${U}` }], [`Oförstådd ${U}`], locale, notice),
    },
    ...(['planned', 'open', 'closed'] as const).flatMap((status) =>
      [undefined, '29:chair', '29:member'].map((viewer) => ({ template: 'agenda', card: agendaCard(agenda(locale, status), viewer, 1, notice) })),
    ),
    {
      template: 'agenda-confirm',
      card: agendaConfirmCard(agenda(locale), 'draft1', {
        items: [{ number: '1', title: `Punkt ${U}`, kind: 'decision', presenters: [U], start: '13:00', end: '13:30', durationMinutes: 30, description: U }],
        unparsed: [`Rad ${U}`],
        truncated: false,
      }),
    },
    ...[undefined, '29:chair', '29:member'].map((viewer) => ({ template: 'decision', card: decisionCard(decisionData, viewer, { notice }) })),
    {
      template: 'actions',
      card: actionsCard([action('a1', 'm1', 'i1'), action('a2', null, null)], locale, {
        mine: false, today: '2027-02-01', timeZone: 'Europe/Stockholm', names: new Map([['29:member', `Björn ${U}`]]),
        comments: Array.from({ length: 5 }, (_, i) => ({ id: `k${i}`, actionItemId: 'a1', userId: '29:member', text: `Kommentar ${U}`, createdAt: at })),
        mayAct: () => true, notice, intro: t(locale, 'actions.assigned', { council: view.council.name, by: `Åsa ${U}` }),
      }),
    },
    {
      template: 'attendance',
      card: attendanceCard(
        { view, meeting: meeting('open'), attendance, quorum: quorum(attendance, view.members), guests: [{ id: 'g1', meetingId: 'm1', name: `Gäst ${U}`, organisation: `Org ${U}`, addedBy: '29:chair', addedAt: at }] },
        '29:chair',
        notice,
      ),
    },
    { template: 'meeting-choice', card: attendanceChoiceCard(locale, 'Europe/Stockholm', [meeting('closed'), meeting()]), quotes: false },
    { template: 'meeting-close', card: closeCard(agenda(locale, 'open'), leftItems(agenda(locale, 'open'))) },
    ...(['open', 'closed'] as const).flatMap((status) =>
      [undefined, '29:chair', '29:member'].map((viewer) => ({ template: 'poll', card: pollCard(pollView(locale, status), viewer, notice) })),
    ),
    { template: 'poll-form', card: pollFormCard(view, 'f1', '2027-01-01', `Punkt ${U}`, { question: U, options: `${U}\n${U}` }, notice) },
    ...(['open', 'closed'] as const).flatMap((status) =>
      [undefined, '29:chair', '29:member'].map((viewer) => ({ template: 'nomination', card: roundCard(roundView(locale, status), viewer, notice) })),
    ),
    { template: 'nomination-ask', card: nominationAskCard(roundView(locale, 'open'), roundView(locale, 'open').nominations[0]!, notice) },
    { template: 'nomination-form', card: roundFormCard(view, 'f2', '2027-01-01', `Punkt ${U}`) },
    { template: 'meeting-reminder', card: reminderCard({ agenda: agenda(locale), userId: '29:member', myActions: [action('a3', null, null)] }, '2027-02-01', notice) },
    ...['29:member', 'guest:g1', undefined].map((viewer) => ({ template: 'justering', card: justeringCard(justering(locale), viewer, notice) })),
    { template: 'exported', card: exportedCard(locale, t(locale, 'minutes.exportFailed', { when: U, reason: U }), [{ name: `${U}.docx`, webUrl: `data/minutes/${U}.docx` }]) },
  ];
  return out.map((c) => ({ quotes: true, ...c }));
}

describe('user text in cards', () => {
  it('has a card with user text for every template', () => {
    const covered = new Set(cards('sv').map((c) => c.template));
    for (const name of TEMPLATE_NAMES) expect(covered).toContain(name);
  });

  for (const locale of ['sv', 'en'] as const) {
    it.each(cards(locale).map((c, i) => [`${c.template} #${i} (${locale})`, c] as const))('%s shows user text only as plain text', (_name, { card, quotes }) => {
      expect(liveUserMarkup(card)).toEqual([]);
      // The text is still there, as a TextRun, an input's value or a choice: shown, not dropped.
      if (quotes) expect(allStrings(card).some((s) => HOSTILE.every((h) => s.includes(h)))).toBe(true);
    });
  }
});

describe('the message catalogues', () => {
  it('are plain text: messages are shown as text runs and plain-text replies, where markdown would show as asterisks', () => {
    for (const catalogue of [sv, en]) {
      const marked = Object.entries(catalogue).filter(([, text]) => /\*\*|__|\]\(|<\/?[a-z]/i.test(text));
      expect(marked.map(([key]) => key)).toEqual([]);
    }
  });
});
