import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CouncilView } from '../../src/app/councils.js';
import { type CouncilMember, type Locale, isGuestId } from '../../src/domain/council.js';
import { TEMPLATE_NAMES, templatesDir } from '../../src/teams/card-templates.js';
import { pollCard, pollFormCard } from '../../src/teams/poll-views.js';
import { doneCard } from '../../src/teams/views.js';
import { reminderCard } from '../../src/teams/reminder-views.js';
import { justeringCard } from '../../src/teams/justering-views.js';
import { nominationAskCard, roundCard, roundFormCard } from '../../src/teams/nomination-views.js';
import { SCHEDULE_MAX } from '../../src/app/meetings.js';
import type { Meeting } from '../../src/domain/meeting.js';
import { meetingFormCard, meetingsCard, scheduleConfirmCard, timeChoiceCard } from '../../src/teams/meeting-views.js';
import { councilCard, errorCard, welcomeCard } from '../../src/teams/views.js';
import { helpCard } from '../../src/teams/help-views.js';
import { readFileSync } from 'node:fs';
import type { AgendaView } from '../../src/app/agenda-view.js';
import { timeAgenda } from '../../src/domain/agenda.js';
import { parseAgendaText } from '../../src/domain/agenda-text.js';
import { agendaCard, agendaConfirmCard } from '../../src/teams/agenda-views.js';
import { decisionCard } from '../../src/teams/decision-views.js';
import { actionsCard } from '../../src/teams/action-views.js';
import { attendanceCard, attendanceChoiceCard } from '../../src/teams/attendance-views.js';
import { closeCard } from '../../src/teams/closing-views.js';
import { itemChoiceCard } from '../../src/teams/item-choice-views.js';
import { leftItems } from '../../src/app/running.js';
import { quorum } from '../../src/domain/attendance.js';
import { checkCard } from '../support/adaptive-cards.js';
import { cardText, walkCard } from '../support/teams-client.js';
import { TEAMS_MESSAGE_LIMIT_BYTES, messageBytes } from '../support/fake-connector.js';

const BUDGET = 40 * 1024;

function bigCouncil(size: number): CouncilView {
  const at = '2026-11-23T10:00:00.000Z';
  const members: CouncilMember[] = Array.from({ length: size }, (_, i) => ({
    councilId: 'c1',
    userId: i < size - 3 ? `29:user-${i}` : `guest:${i}`,
    aadObjectId: null,
    name: `Förnamn Efternamnsson-Långnamn ${i}`,
    email: null,
    role: i === 0 ? 'chair' : i === 1 ? 'secretary' : i < size - 3 ? 'member' : 'guest',
    organisation: i >= size - 3 ? 'Västra Götalandsregionen, Koncernkontoret' : null,
    addedAt: at,
  }));
  return {
    council: {
      id: 'c1',
      conversationId: '19:x',
      tenantId: 't',
      name: 'Vårdvalsråd fysioterapi',
      locale: 'sv',
      timeZone: 'Europe/Stockholm',
      createdBy: '29:user-0',
      createdAt: at,
      updatedAt: at,
      version: 7,
      quorumRule: { kind: 'majority' },
      membersCreatePolls: false,
      reminderPolicy: { daysBefore: [7, 1], at: '08:00' },
      calendar: null,
      minutesLibrary: null,
    },
    members,
  };
}

function meetings(n: number): Meeting[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    councilId: 'c1',
    title: 'Vårdvalsråd fysioterapi – extra sammanträde om förfrågningsunderlaget',
    startsAt: `2027-${String((i % 12) + 1).padStart(2, '0')}-10T12:00:00.000Z`,
    endsAt: `2027-${String((i % 12) + 1).padStart(2, '0')}-10T15:00:00.000Z`,
    place: i % 2 ? 'Regionens hus, Lasarettsgatan 1, sammanträdesrum Klarälven' : null,
    online: i % 3 === 0,
    onlineUrl: null,
    status: 'planned',
    externalEventId: null,
    agendaCardActivityId: null,
    currentItemId: null,
    openedAt: null,
    closedAt: null,
    createdBy: '29:user-0',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    version: 1,
  }));
}

const longPlan = Array.from({ length: SCHEDULE_MAX }, (_, i) => ({
  date: `2027-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
  start: '13:00',
  end: '16:00',
  place: 'Regionens hus, sammanträdesrum Klarälven',
  online: true,
  title: 'Utvecklingsgrupp vårdval fysioterapi',
}));

function agendaOf(view: CouncilView, count: number): AgendaView {
  const items = Array.from({ length: count }, (_, i) => ({
    id: `i${i}`,
    ...(i === 0 ? { standing: 'previousMinutes' as const } : {}),
    title: i % 7 === 0 ? '<b>HTML</b> och {"type":"AdaptiveCard"} och ${x} i rubriken, som är lång nog att radbrytas i kortet' : `Punkt ${i} om förfrågningsunderlag 2027`,
    kind: (['information', 'decision', 'discussion', 'break', 'reported', 'election'] as const)[i % 6]!,
    level: (i % 4 === 3 ? 1 : 0) as 0 | 1,
    durationMinutes: 10,
    presenters: i % 2 ? ['Åsa Hedeberg', 'Karin Jansson'] : [],
    links: i % 3 === 0 ? [{ title: 'PM förfrågningsunderlag.pdf', url: 'https://example.org/pm.pdf' }] : [],
    ...(i % 5 === 0 ? { description: 'Bakgrund och förslag till beslut. '.repeat(8) } : {}),
  }));
  const meeting = meetings(1)[0]!;
  return {
    view,
    meeting,
    items,
    timing: timeAgenda(items, { start: '13:00', end: '16:00' }),
    regrets: [{ meetingId: meeting.id, userId: '29:user-5', note: 'Sjuk', createdAt: '2026-11-23T10:00:00.000Z' }],
    times: [],
    now: '2026-11-23T10:00:00.000Z',
    notes: [{ id: 'n1', meetingId: meeting.id, itemId: 'i1', text: 'Rådet diskuterade **remissen** <b>länge</b>.', writtenBy: '29:user-1', writtenAt: '2026-11-23T10:00:00.000Z' }],
    decisions: [
      {
        id: 'd1', meetingId: meeting.id, agendaItemId: 'i1', itemNumber: '2', itemTitle: 'Punkt', text: 'Rådet beslutar att **godkänna** <i>förslaget</i>.'.repeat(4),
        outcome: 'decided', reason: null, vote: { for: 7, against: 2, abstain: 1 }, recordedBy: '29:user-0', recordedAt: '2026-11-23T10:00:00.000Z', version: 1,
      },
      {
        id: 'd2', meetingId: meeting.id, agendaItemId: 'i2', itemNumber: '3', itemTitle: 'Punkt', text: 'Ärendet bordläggs.',
        outcome: 'tabled', reason: 'Underlag saknas', vote: null, recordedBy: '29:user-0', recordedAt: '2026-11-23T10:00:00.000Z', version: 1,
      },
    ],
    openActions: Array.from({ length: 8 }, (_, i) => ({
      id: `a${i}`, councilId: 'c1', meetingId: null, agendaItemId: null, ownerUserId: '29:user-2', ownerName: 'Helena Holm',
      text: 'Kommunicera beslutet till nämnderna', dueDate: '2027-04-15', status: 'open' as const, createdBy: '29:user-0',
      createdAt: '2026-10-01T10:00:00.000Z', completedAt: null, version: 1,
    })),
  };
}

const fixtureAgenda = readFileSync(new URL('../fixtures/agendas/vardvalsrad-vardcentral-2026-03-26-agenda.txt', import.meta.url), 'utf8');
const bigAgendaText = Array.from({ length: 300 }, (_, i) => `- ${String(8 + Math.floor(i / 30)).padStart(2, '0')}.${String((i % 30) * 2).padStart(2, '0')} Punkt nummer ${i} med en ganska lång rubrik`).join('\n');

/** Every template with data shaped as the bot fills it, in both languages and in the large case. */
function fixtures(locale: Locale): Record<string, unknown>[] {
  const view = bigCouncil(12);
  const huge = bigCouncil(400);
  return [
    { template: 'welcome', card: welcomeCard(locale, 'Vårdvalsråd', 'Europe/Stockholm') },
    { template: 'welcome', card: welcomeCard(locale, '', 'America/New_York', { text: 'Något hände', kind: 'attention' }) },
    { template: 'help', card: helpCard(locale, { scope: 'council', role: 'chair', today: '2026-12-07' }) },
    { template: 'help', card: helpCard(locale, { scope: 'unconfigured', today: '2026-12-07' }) },
    { template: 'help', card: helpCard(locale, { scope: 'personal', today: '2026-12-07' }) },
    { template: 'error', card: errorCard(locale, 'Det gick inte') },
    { template: 'council', card: councilCard(view, undefined, locale) },
    { template: 'council', card: councilCard(view, '29:user-0', locale, { text: 'Sparat', kind: 'good' }) },
    { template: 'council', card: councilCard(view, '29:user-5', locale) },
    { template: 'council', card: councilCard(huge, '29:user-0', locale) },
    { template: 'meetings', card: meetingsCard(view.council, [], 0, locale, { howTo: '2027-01-14' }) },
    { template: 'meetings', card: meetingsCard(view.council, meetings(10), 25, locale, { notice: { text: 'Klart', kind: 'good' } }) },
    { template: 'meeting-form', card: meetingFormCard(locale) },
    { template: 'meeting-form', card: meetingFormCard(locale, { date: '2027-01-14', place: 'Sal 3', online: true }, { text: 'Ange tid', kind: 'attention' }) },
    { template: 'schedule-confirm', card: scheduleConfirmCard(view.council, longPlan.slice(0, 3), ['fika någon gång'], locale) },
    { template: 'schedule-confirm', card: scheduleConfirmCard(view.council, longPlan, Array(40).fill('en rad som inte gick att förstå alls'), locale) },
    {
      template: 'time-choice',
      card: timeChoiceCard(
        locale,
        { date: '2027-10-31', start: '02:15', end: '02:45' },
        [
          { which: 'start', date: '31 okt 2027', time: '02.15', earlierOffset: '+02:00', laterOffset: '+01:00' },
          { which: 'end', date: '31 okt 2027', time: '02.45', earlierOffset: '+02:00', laterOffset: '+01:00' },
        ],
        'meeting.create',
        { date: '2027-10-31', start: '02:15', end: '02:45', place: null, online: false, title: null },
      ),
    },
    { template: 'agenda', card: agendaCard(agendaOf(view, 0), undefined) },
    { template: 'agenda', card: agendaCard(agendaOf(view, 12), undefined) },
    { template: 'agenda', card: agendaCard(agendaOf(view, 12), '29:user-0', 1, { text: 'Uppdaterad', kind: 'good' }) },
    { template: 'agenda', card: agendaCard(agendaOf(view, 12), '29:user-5') },
    { template: 'agenda', card: agendaCard(agendaOf(huge, 300), '29:user-0', 12) },
    ...[undefined, '29:user-0', '29:user-5'].map((viewer) => {
      const running = agendaOf(view, 12);
      const live = { ...running, meeting: { ...running.meeting, status: 'open' as const, currentItemId: 'i2', openedAt: '2026-11-23T09:00:00.000Z' } };
      return { template: 'agenda', card: agendaCard({ ...live, times: [{ itemId: 'i1', startedAt: '2026-11-23T09:00:00.000Z', endedAt: '2026-11-23T09:10:00.000Z' }] }, viewer) };
    }),
    (() => {
      const running = agendaOf(huge, 300);
      return { template: 'agenda', card: agendaCard({ ...running, meeting: { ...running.meeting, status: 'open' as const, currentItemId: 'i150', openedAt: '2026-11-23T09:00:00.000Z' } }, '29:user-0') };
    })(),
    { template: 'agenda-confirm', card: agendaConfirmCard(agendaOf(view, 1), 'd1', { ...parseAgendaText(fixtureAgenda), unparsed: [] }) },
    { template: 'agenda-confirm', card: agendaConfirmCard(agendaOf(view, 1), 'd2', { ...parseAgendaText(bigAgendaText), unparsed: Array(50).fill('?') }) },
    { template: 'agenda-confirm', card: agendaConfirmCard(agendaOf(view, 1), 'd3', { ...parseAgendaText(fixtureAgenda), unparsed: [] }, { start: '13:00', end: '16:00' }) },
    // A whole invitation: members named, thirty guests to tick, a year of meetings to plan.
    {
      template: 'agenda-confirm',
      card: agendaConfirmCard(agendaOf(view, 1), 'd4', { ...parseAgendaText(fixtureAgenda), unparsed: [] }, undefined, {
        members: ['Åsa Ordförande', 'Björn Berg'],
        guests: Array.from({ length: 30 }, (_, i) => ({ name: `Gäst Nummer${i}`, organisation: 'Region Halland, Enheten för vårdval och samverkan' })),
        meetings: longPlan.slice(0, 12),
      }),
    },
    ...(['open', 'closed'] as const).flatMap((status) => {
      const data = {
        view,
        meeting: { ...meetings(1)[0]!, status },
        decision: {
          id: 'd1', meetingId: 'm0', agendaItemId: 'i3', itemNumber: '3 a', itemTitle: '<b>Budget</b> 2027', text: 'Ärendet bordläggs **i väntan** på underlag.',
          outcome: 'tabled' as const, reason: 'Underlaget saknas', vote: { for: 6, against: 2, abstain: 1 }, recordedBy: '29:user-0', recordedAt: '2026-11-23T10:00:00.000Z', version: 1,
        },
        reservations: [
          { decisionId: 'd1', userId: '29:user-3', text: 'Jag vill ha <b>bifall</b> till förslaget.', createdAt: '2026-11-23T10:01:00.000Z' },
          { decisionId: 'd1', userId: '29:gone', text: null, createdAt: '2026-11-23T10:02:00.000Z' },
        ],
        notes: [{ id: 'p1', meetingId: 'm0', itemId: 'i3', decisionId: 'd1', userId: '29:user-4', text: 'Underlaget kom **sent**.', createdAt: '2026-11-23T10:03:00.000Z' }],
      };
      return [undefined, '29:user-0', '29:user-3', '29:user-9'].map((viewer) => ({
        template: 'decision',
        card: decisionCard(data, viewer, { notice: { text: 'Redan registrerat', kind: 'warning' } }),
      }));
    }),
    { template: 'actions', card: actionsCard([], locale, { mine: true, today: '2026-11-23', timeZone: 'Europe/Stockholm', names: new Map(), comments: [], mayAct: () => true, intro: 'Du har fått en åtgärd i Vårdvalsrådet, registrerad av Åsa.' }) },
    {
      template: 'actions',
      card: actionsCard(
        Array.from({ length: 40 }, (_, i) => ({
          id: `a${i}`, councilId: 'c1', meetingId: null, agendaItemId: null, ownerUserId: `29:user-${i % 5}`, ownerName: `Person ${i}`,
          text: 'Kommunicera beslutet till nämnderna och återkoppla till rådet med en sammanfattning', dueDate: i % 3 ? '2026-11-01' : null,
          status: 'open' as const, createdBy: '29:user-0', createdAt: '2026-10-01T10:00:00.000Z', completedAt: null, version: 1,
        })),
        locale,
        {
          mine: false, today: '2026-11-23', timeZone: 'Europe/Stockholm', names: new Map([['29:user-1', 'Björn <b>Berg</b>']]),
          comments: Array.from({ length: 12 }, (_, i) => ({ id: `k${i}`, actionItemId: `a${i % 3}`, userId: '29:user-1', text: 'Utkast **skickat** till nämnden för synpunkter.', createdAt: '2026-11-20T10:00:00.000Z' })),
          mayAct: (item) => item.ownerUserId === '29:user-1', notice: { text: 'Klar', kind: 'good' },
        },
      ),
    },
    ...[bigCouncil(12), bigCouncil(80)].map((council) => {
      const attendance = council.members.map((m, i) => ({ userId: m.userId, status: (i % 3 === 0 ? 'present' : i % 3 === 1 ? 'absent' : 'regrets') as 'present' }));
      return {
        template: 'attendance',
        card: attendanceCard(
          {
            view: council, meeting: meetings(1)[0]!, attendance, quorum: quorum(attendance, council.members),
            guests: Array.from({ length: 30 }, (_, i) => ({ id: `g${i}`, meetingId: 'm0', name: `Gäst <b>${i}</b>`, organisation: i % 2 ? 'Regionhälsan' : null, addedBy: '29:user-0', addedAt: '2026-11-23T10:00:00.000Z' })),
          },
          '29:user-1',
          { text: 'Sparat', kind: 'good' },
        ),
      };
    }),
    ...[bigCouncil(12), bigCouncil(80)].map((council) => {
      // Straight after the opening: some acted, some to confirm, a closed meeting being corrected.
      const at = '2026-11-23T12:42:00.000Z';
      const attendance = council.members.map((m, i) =>
        i % 4 === 0 ? { userId: m.userId, status: 'present' as const, source: 'acted' as const, reason: 'voted' as const, reasonAt: at } : { userId: m.userId, status: (i % 4 === 1 ? 'unconfirmed' : 'regrets') as 'unconfirmed' },
      );
      return {
        template: 'attendance',
        card: attendanceCard({ view: council, meeting: { ...meetings(1)[0]!, status: 'closed' as const }, attendance, quorum: quorum(attendance, council.members), guests: [] }, '29:user-0'),
      };
    }),
    { template: 'meeting-choice', card: attendanceChoiceCard(locale, 'Europe/Stockholm', [{ ...meetings(1)[0]!, status: 'closed' as const }, meetings(2)[1]!]) },
    ...(['ambiguous', 'missing'] as const).map((reason) => {
      // "punkt 2 a" answered with a question, on an agenda with the chair's own numbers (the standing item has none).
      const agenda = agendaOf(view, 12);
      const labelled = agenda.items.map((item, i) => (i === 0 ? item : { ...item, label: reason === 'ambiguous' && i < 4 ? '2 a' : String(i) }));
      const timing = timeAgenda(labelled, { start: '13:00', end: '16:00' });
      return { template: 'meeting-choice', card: itemChoiceCard({ agenda: { ...agenda, items: labelled, timing }, number: '2 a', reason, candidates: timing.items.slice(0, 9) }) };
    }),
    ...[agendaOf(view, 12), agendaOf(huge, 300)].map((agenda) => {
      const live = { ...agenda, meeting: { ...agenda.meeting, status: 'open' as const, currentItemId: 'i1', openedAt: '2026-11-23T09:00:00.000Z' } };
      return { template: 'meeting-close', card: closeCard(live, leftItems(live)) };
    }),
    ...pollFixtures(),
    ...nominationFixtures(),
    ...[0, 3].map((actions) => ({
      template: 'meeting-reminder',
      card: reminderCard(
        {
          agenda: agendaOf(bigCouncil(12), 30),
          userId: actions ? '29:user-5' : '29:user-6',
          myActions: Array.from({ length: actions * 4 }, (_, i) => ({
            id: `a${i}`, councilId: 'c1', meetingId: null, agendaItemId: null, ownerUserId: '29:user-5', ownerName: 'X', text: 'Kommunicera <b>beslutet</b> till nämnderna',
            dueDate: i % 2 ? '2026-11-01' : null, status: 'open' as const, createdBy: '29:user-0', createdAt: '2026-10-01T10:00:00.000Z', completedAt: null, version: 1,
          })),
        },
        '2026-11-23',
        { text: 'Ditt återbud är skickat.', kind: 'good' },
      ),
    })),
    ...['https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0', 'https://evil.example/join'].map((onlineUrl) => {
      const agenda = agendaOf(bigCouncil(12), 5);
      return {
        template: 'meeting-reminder',
        card: reminderCard({ agenda: { ...agenda, meeting: { ...agenda.meeting, online: true, onlineUrl } }, userId: '29:user-5', myActions: [] }, '2026-11-23'),
      };
    }),
    ...(['sent', 'approved'] as const).flatMap((status) => {
      const agenda = agendaOf(bigCouncil(12), 30);
      const decisions = Array.from({ length: 40 }, (_, i) => ({
        id: `d${i}`, meetingId: agenda.meeting.id, agendaItemId: null, itemNumber: String(i + 1), itemTitle: 'Punkt', text: 'Rådet <b>beslutar</b> att godkänna förslaget. '.repeat(12),
        outcome: 'decided' as const, reason: null, vote: null, recordedBy: '29:user-1', recordedAt: '2026-11-23T10:00:00.000Z', version: 1,
      }));
      const view = {
        agenda: { ...agenda, decisions },
        minutes: { meetingId: agenda.meeting.id, version: 3, status, deadline: '2026-12-10', sentAt: '2026-11-24T10:00:00.000Z', approvedAt: null, updatedAt: '2026-11-24T10:00:00.000Z', diaryNumber: 'RS 2026-00123',
          export: status === 'approved' ? { status: 'failed' as const, detail: 'SharePoint svarade 403 accessDenied', files: [], at: '2026-11-25T10:00:00.000Z' } : { status: 'done' as const, detail: null, files: [{ name: 'x.docx', webUrl: 'https://region.sharepoint.com/sites/R/Delade%20dokument/x.docx' }], at: '2026-11-25T10:00:00.000Z' } },
        adjusters: [
          { meetingId: agenda.meeting.id, userId: '29:user-3', approvedVersion: 3, approvedAt: '2026-11-25T10:00:00.000Z' },
          { meetingId: agenda.meeting.id, userId: '29:user-4', approvedVersion: status === 'approved' ? 3 : 2, approvedAt: null },
        ],
      };
      return ['29:user-3', '29:user-4', undefined].map((viewer) => ({ template: 'justering', card: justeringCard(view, viewer, { text: 'Tack, ditt godkännande är registrerat.', kind: 'good' }, viewer ? 'Du är justerare.' : undefined) }));
    }),
    { template: 'done', card: doneCard('Omröstningen är startad.', 'Omröstningen "Ska rådet <b>ställa sig</b> bakom remissvaret?" ligger i chatten.') },
  ];
}

function nominationFixtures(): { template: string; card: unknown }[] {
  const view = bigCouncil(80);
  const round = {
    id: 'r1', councilId: 'c1', meetingId: null, agendaItemId: null, name: 'Arbetsgruppen för <b>förfrågningsunderlag</b> 2027', purpose: 'Ta fram ett förslag. '.repeat(20),
    seats: 3, deadline: '2026-12-10T22:59:00.000Z', selfNomination: false, criteria: 'En privat vårdgivare och en från offentlig vård', status: 'open' as const,
    createdBy: '29:user-0', createdAt: '2026-11-23T10:00:00.000Z', closedAt: null, pollId: null, activityId: null, version: 1,
  };
  const consents = ['pending', 'accepted', 'declined', 'external'] as const;
  const nominations = Array.from({ length: 20 }, (_, i) => ({
    id: `n${i}`, roundId: 'r1', nomineeUserId: consents[i % 4] === 'external' ? null : `29:user-${i}`, nomineeName: `Kandidat ${i} **Efternamn**`,
    nomineeEmail: consents[i % 4] === 'external' ? `k${i}@example.org` : null, nominatedBy: '29:user-3', motivation: 'Lång erfarenhet av vårdval och <i>upphandling</i>. '.repeat(4),
    consent: consents[i % 4]!, selected: i === 1, createdAt: '2026-11-23T10:00:00.000Z', answeredAt: null,
  }));
  const out: { template: string; card: unknown }[] = [];
  for (const r of [round, { ...round, status: 'closed' as const, closedAt: '2026-11-24T10:00:00.000Z' }, { ...round, status: 'closed' as const, pollId: 'p1' }]) {
    for (const viewer of [undefined, '29:user-0', '29:user-5']) out.push({ template: 'nomination', card: roundCard({ view, round: r, nominations }, viewer, { text: 'Nomineringen är registrerad.', kind: 'good' }) });
  }
  out.push({ template: 'nomination', card: roundCard({ view, round, nominations: [] }, undefined) });
  for (const n of nominations.slice(0, 3)) out.push({ template: 'nomination-ask', card: nominationAskCard({ view, round, nominations }, n, { text: 'Tack', kind: 'good' }) });
  out.push({ template: 'nomination-ask', card: nominationAskCard({ view, round: { ...round, status: 'closed' }, nominations }, nominations[0]!) });
  out.push({ template: 'nomination-form', card: roundFormCard(view, 'f1', '2026-11-23', 'Val av representant') });
  out.push({ template: 'nomination-form', card: roundFormCard(view, 'f2', '2026-11-23', null) });
  return out;
}

function pollFixtures(): { template: string; card: unknown }[] {
  const base = {
    id: 'p1', councilId: 'c1', meetingId: null, agendaItemId: null, question: 'Vem ska <b>representera</b> rådet i arbetsgruppen för **vårdval**?'.repeat(3),
    options: Array.from({ length: 20 }, (_, i) => ({ id: `o${i + 1}`, text: `Kandidat ${i + 1} från Regionhälsan, privat vårdgivare med lång erfarenhet` })),
    maxChoices: 3, anonymous: false, resultsVisibility: 'live' as const, deadline: '2026-11-30T16:00:00.000Z', remindBeforeMinutes: 60,
    status: 'open' as const, createdBy: '29:user-0', createdAt: '2026-11-23T10:00:00.000Z', closedAt: null, activityId: null, counted: null, version: 1,
  };
  const out: { template: string; card: unknown }[] = [];
  for (const council of [bigCouncil(12), bigCouncil(400)]) {
    const results = { voters: 300, options: base.options.map((o, i) => ({ id: o.id, text: o.text, votes: 20 - i, percent: Math.round(((20 - i) / 300) * 100) })) };
    const named = base.options.map((o) => ({ option: o.text, names: council.members.slice(0, 40).map((m) => m.name) }));
    for (const poll of [base, { ...base, status: 'closed' as const, closedAt: '2026-11-30T16:00:00.000Z' }, { ...base, anonymous: true, resultsVisibility: 'afterClose' as const, maxChoices: 1 }]) {
      const visible = poll.status === 'closed' || poll.resultsVisibility === 'live';
      const data = { view: council, poll, voted: 300, entitled: council.members.length, results: visible ? results : null, named: visible && !poll.anonymous ? named : null, mine: ['o2', 'o3'] };
      for (const viewer of [undefined, '29:user-0', '29:user-5']) out.push({ template: 'poll', card: pollCard(data, viewer, { text: 'Din röst är registrerad.', kind: 'good' }) });
    }
  }
  out.push({ template: 'poll-form', card: pollFormCard(bigCouncil(12), 'f1', '2026-11-23', 'Förfrågningsunderlag 2027', { question: 'Fråga?', options: 'Ja\nNej' }) });
  out.push({ template: 'poll-form', card: pollFormCard(bigCouncil(12), 'f2', '2026-11-23', null) });
  return out;
}

describe('card templates', () => {
  it('has a fixture for every template file', () => {
    const files = readdirSync(templatesDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    expect(files).toEqual([...TEMPLATE_NAMES].sort());
    const covered = new Set(fixtures('sv').map((f) => f.template));
    expect([...covered].sort()).toEqual(files);
  });

  for (const locale of ['sv', 'en'] as const) {
    it.each(fixtures(locale).map((f, i) => [`${f.template} #${i} (${locale})`, f.card]))(
      '%s parses without warnings and stays under 40 KB',
      (_name, card) => {
        const check = checkCard(card);
        expect(check.parseEvents).toEqual([]);
        expect(check.validationEvents).toEqual([]);
        expect(check.bytes).toBeLessThan(BUDGET);
        // Template constructs left over mean a binding failed (user text may contain "${…}" itself).
        expect(JSON.stringify(card)).not.toMatch(/"\$when"|"\$data"|\$\{(labels|notice|meeting|items|if|count)/);
        expect((card as { version: string }).version).toBe('1.5');
      },
    );
  }

  it('keeps a large council’s card within Teams’ 100 KB (UTF-16) with real-length user ids, asking for a name instead of listing 400 people', () => {
    const long = (view: CouncilView): CouncilView => ({
      ...view,
      members: view.members.map((m) => (isGuestId(m.userId) ? m : { ...m, userId: `29:1${'AbCdEfGhIjKlMnOpQrSt'.repeat(4)}${m.userId.slice(-4)}` })),
    });
    const size = (card: unknown) => messageBytes({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
    for (const members of [12, 120, 121, 400, 1_000]) {
      const view = long(bigCouncil(members));
      const card = councilCard(view, view.members[0]!.userId, 'sv');
      expect(size(card), `${members} members`).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
      const inputs = walkCard(card).filter((n) => n.id === 'userId' || n.id === 'userName').map((n) => n.id);
      expect(inputs).toEqual([members - 3 > 120 ? 'userName' : 'userId']);
      expect(checkCard(card).parseEvents).toEqual([]);
    }
  });

  it('shows management actions only to the council leaders', () => {
    const view = bigCouncil(12);
    const verbs = (card: unknown) => walkCard(card).filter((n) => n.type === 'Action.Execute').map((n) => n.verb);
    expect(verbs(councilCard(view, '29:user-0', 'sv'))).toEqual(
      expect.arrayContaining(['council.setRole', 'council.addGuest', 'council.removeGuest', 'council.show']),
    );
    expect(verbs(councilCard(view, '29:user-1', 'sv'))).not.toContain('council.setRole');
    expect(verbs(councilCard(view, '29:user-1', 'sv'))).toContain('council.addGuest');
    expect(verbs(councilCard(view, '29:user-5', 'sv'))).toEqual(['council.show']);
    const shared = councilCard(view, undefined, 'sv') as { refresh?: { userIds: string[] } };
    expect(shared.refresh?.userIds).toEqual(['29:user-0', '29:user-1']);
  });

  it('cuts a long roster with a count of the rest', () => {
    const text = cardText(councilCard(bigCouncil(400), undefined, 'sv'));
    expect(text).toContain('+ 340');
  });

  it('speaks the council language', () => {
    expect(cardText(helpCard('sv', { scope: 'council', today: '2026-12-07' }))).toContain('Det här kan Rådsassistenten');
    expect(cardText(helpCard('en', { scope: 'council', today: '2026-12-07' }))).toContain('What Council Assistant can do');
  });
});

describe('the personal reminder', () => {
  it('has a button to join the Teams meeting, only for a Teams link', () => {
    const agenda = agendaOf(bigCouncil(12), 5);
    const withLink = (onlineUrl: string | null) =>
      JSON.stringify(reminderCard({ agenda: { ...agenda, meeting: { ...agenda.meeting, online: true, onlineUrl } }, userId: '29:user-5', myActions: [] }, '2026-11-23'));
    expect(withLink('https://teams.microsoft.com/l/meetup-join/abc')).toContain('"url":"https://teams.microsoft.com/l/meetup-join/abc"');
    expect(withLink('https://teams.microsoft.com/l/meetup-join/abc')).toContain('Anslut till Teams-mötet');
    expect(withLink('https://evil.example/join')).not.toContain('Anslut till Teams-mötet');
    expect(withLink(null)).not.toContain('Action.OpenUrl');
  });
});
