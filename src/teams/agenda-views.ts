import { numberedTitle } from '../domain/agenda-labels.js';
import { itemSentence } from './item-text.js';
import type { AgendaView } from '../app/agenda-view.js';
import { DECISION_OUTCOMES } from '../domain/decision.js';
import { decisionFacts } from './decision-views.js';
import { AGENDA_ITEM_KINDS, type TimedAgendaItem } from '../domain/agenda.js';
import type { ParsedAgendaItem } from '../domain/agenda-text.js';
import { can, isGuestId, type Locale } from '../domain/council.js';
import type { Meeting } from '../domain/meeting.js';
import type { ActionItem } from '../domain/action-item.js';
import { formatMeetingWhen, formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import type { TimeMisfit } from '../domain/agenda-fit.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import { MAX_ITEMS_ON_LIVE_CARD, closingData } from './closing-views.js';
import type { Notice } from './views.js';
import type { Participant } from '../domain/invitation.js';
import type { MeetingInput } from '../app/meetings.js';
import { plannedLine } from './meeting-views.js';

/** Long agendas page so each card stays far below Teams' message size limit. */
export const AGENDA_PAGE_SIZE = 25;
const CONFIRM_SHOWN = 40;
const UNPARSED_SHOWN = 20;
const MAX_REFRESH_USERS = 60;
/** Owner picker entries; Teams filters the list as the secretary types. */
const MAX_OWNER_CHOICES = 100;

function duration(locale: Locale, minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  const hours = locale === 'sv' ? `${h} tim` : `${h} h`;
  return m === 0 ? hours : `${hours} ${m} min`;
}

function clock(locale: Locale, time: string | undefined): string {
  return time ? (locale === 'sv' ? time.replace(':', '.') : time) : '';
}

function timeRange(locale: Locale, start?: string, end?: string): string {
  if (!start) return '';
  return end && end !== start ? `${clock(locale, start)}–${clock(locale, end)}` : clock(locale, start);
}

function details(locale: Locale, item: { kind: TimedAgendaItem['kind']; presenters: string[]; durationMinutes?: number; description?: string }): string {
  // A break's title says what it is; "Paus · Paus" would only repeat it.
  const parts = item.kind === 'break' ? [] : [t(locale, `kind.${item.kind}` as MessageKey)];
  if (item.presenters.length > 0) parts.push(t(locale, 'agenda.presenters', { names: item.presenters.join(', ') }));
  if (item.durationMinutes !== undefined) parts.push(duration(locale, item.durationMinutes));
  if (item.description) parts.push(item.description.length > 160 ? `${item.description.slice(0, 157)}…` : item.description);
  return parts.join(' · ');
}

function where(locale: Locale, meeting: Meeting): string {
  if (meeting.online && meeting.place) return t(locale, 'meeting.onlineAnd', { place: meeting.place });
  if (meeting.online) return t(locale, 'meeting.online');
  return meeting.place ?? t(locale, 'meeting.noPlace');
}

/** Under the previous meeting's notes: the open action items to review, earliest due first. */
function openActionsLine(locale: Locale, earlier: readonly ActionItem[]): string {
  const shown = earlier.slice(0, 5).map((a) => actionLine(locale, a));
  const more = earlier.length - shown.length;
  return [t(locale, 'agenda.openActions', { count: earlier.length }), ...shown, ...(more > 0 ? [`+ ${more}`] : [])].join('\n');
}

function actionLine(locale: Locale, a: ActionItem): string {
  return `${a.ownerName}: ${a.text}${a.dueDate ? ` (${formatShortDate(a.dueDate, locale)})` : ''}`;
}

/**
 * The agenda card. `viewerId` undefined gives the shared view everybody sees (leaders get
 * theirs through refresh); a viewer gets the actions their role allows.
 */
export function agendaCard(agenda: AgendaView, viewerId: string | undefined, page?: number, notice?: Notice): CardJson {
  const { view, meeting, timing, regrets } = agenda;
  const live = meeting.status === 'open';
  const zone = view.council.timeZone;
  const localTime = (iso: string) => clock(locale, utcToZoned(iso, zone).time);
  const times = new Map(agenda.times.map((x) => [x.itemId, x]));
  const actual = (itemId: string) => {
    const x = times.get(itemId);
    if (!x) return '';
    return t(locale, 'live.actual', { range: x.endedAt ? `${localTime(x.startedAt)}–${localTime(x.endedAt)}` : `${localTime(x.startedAt)}–` });
  };
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const role = viewerId ? view.members.find((m) => m.userId === viewerId)?.role : undefined;
  const pages = Math.max(1, Math.ceil(timing.items.length / AGENDA_PAGE_SIZE));
  // A running meeting shows the page with the item under discussion unless another is asked for.
  const currentIndex = timing.items.findIndex((i) => i.id === meeting.currentItemId);
  const currentItem = currentIndex >= 0 ? timing.items[currentIndex] : undefined;
  // Under the previous meeting's notes: what earlier meetings left open, not what this one just gave out.
  const earlierActions = agenda.openActions.filter((a) => a.meetingId !== meeting.id);
  const defaultPage = live && currentIndex >= 0 ? Math.floor(currentIndex / AGENDA_PAGE_SIZE) + 1 : 1;
  const current = Math.min(Math.max(1, page ?? defaultPage), pages);
  const shown = timing.items.slice((current - 1) * AGENDA_PAGE_SIZE, current * AGENDA_PAGE_SIZE);
  const canEdit = can(role, 'agenda.edit');
  const names = new Map(view.members.map((m) => [m.userId, m.name]));
  const hasRegrets = viewerId !== undefined && regrets.some((r) => r.userId === viewerId);
  const leaders = view.members.filter((m) => can(m.role, 'agenda.edit') && !isGuestId(m.userId)).slice(0, MAX_REFRESH_USERS);
  return renderTemplate('agenda', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    meetingId: meeting.id,
    version: meeting.version,
    page: current,
    meetingTitle: meeting.title,
    when: formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone),
    where: where(locale, meeting),
    items: shown.map((item) => ({
      number: item.number,
      level: item.level,
      current: live && item.id === meeting.currentItemId,
      actual: actual(item.id),
      time: timeRange(locale, item.plannedStart, item.plannedEnd),
      title: item.title,
      details: item.standing === 'previousMinutes' && earlierActions.length > 0 ? openActionsLine(locale, earlierActions) : details(locale, item),
      actions: agenda.openActions
        .filter((a) => a.meetingId === meeting.id && a.agendaItemId === item.id)
        .map((a) => ({ label: tr('live.action'), text: actionLine(locale, a) })),
      links: item.links,
      notes: agenda.notes.filter((n) => n.itemId === item.id).map((n) => n.text).join('\n'),
      nowLabel: tr('live.nowLabel'),
      decisions: agenda.decisions
        .filter((d) => d.agendaItemId === item.id)
        .map((d) => ({ label: tr('live.decision'), text: d.text, meta: decisionFacts(d, locale).map((f) => f.value).join(' · ') })),
    })),
    total: tr('agenda.total', { planned: duration(locale, timing.totalMinutes), length: duration(locale, timing.meetingMinutes) }),
    overrun: timing.overrunMinutes > 0 ? tr('agenda.overrun', { minutes: timing.overrunMinutes }) : null,
    live,
    planning: meeting.status === 'planned',
    canRun: can(role, 'meeting.run'),
    status: live && meeting.openedAt
      ? tr('live.running', { time: localTime(meeting.openedAt), minutes: Math.max(0, Math.round((Date.parse(agenda.now) - Date.parse(meeting.openedAt)) / 60_000)) })
      : meeting.status === 'closed' && meeting.closedAt
        ? tr('live.closed', { time: localTime(meeting.closedAt) })
        : null,
    // Items around the current one; on a very long agenda "punkt 140" reaches the rest.
    allChoices: live && can(role, 'meeting.run') ? timing.items.slice(Math.max(0, currentIndex - 20), Math.max(0, currentIndex - 20) + 60).map((i) => ({ title: numberedTitle(i.number, i.title.slice(0, 60)), value: i.id })) : [],
    recording: live && can(role, 'meeting.run') && currentItem ? recordingForm(agenda, currentItem) : null,
    closing: live && can(role, 'meeting.run') ? closingChoice(agenda) : null,
    pageText: pages > 1 ? tr('agenda.page', { page: current, pages }) : null,
    previousPage: current > 1 ? current - 1 : null,
    nextPage: current < pages ? current + 1 : null,
    refreshUserIds: leaders.map((m) => m.userId),
    // Where a client does not run the refresh, this button gives each person their own view.
    showMyView: viewerId === undefined,
    canEdit,
    canSendRegrets: viewerId === undefined || can(role, 'meeting.regrets'),
    hasRegrets,
    yourRegrets: hasRegrets ? tr('agenda.yourRegrets') : null,
    showRegrets: canEdit && !live,
    regrets: regrets.map((r) => ({ text: `${names.get(r.userId) ?? r.userId}${r.note ? ` – ${r.note}` : ''}` })),
    edit: {
      date: utcToZoned(meeting.startsAt, view.council.timeZone).date,
      start: utcToZoned(meeting.startsAt, view.council.timeZone).time,
      end: utcToZoned(meeting.endsAt, view.council.timeZone).time,
      place: meeting.place ?? '',
      online: meeting.online ? 'true' : 'false',
      title: meeting.title,
    },
    kinds: AGENDA_ITEM_KINDS.map((k) => ({ title: tr(`kind.${k}` as MessageKey), value: k })),
    // The items of the page shown: a 300-item picker would not fit the card.
    choices: canEdit ? shown.map((i) => ({ title: numberedTitle(i.number, i.title.slice(0, 60)), value: i.id })) : [],
    labels: {
      title: tr('agenda.title'),
      empty: tr('agenda.empty'),
      regretsHeading: tr('agenda.regretsHeading', { count: regrets.length }),
      regretsNone: tr('agenda.regretsNone'),
      regrets: tr('agenda.regrets'),
      regretsNote: tr('agenda.regretsNote'),
      regretsSend: tr('agenda.regretsSend'),
      regretsWithdraw: tr('agenda.regretsWithdraw'),
      addItem: tr('agenda.addItem'),
      editItem: tr('agenda.editItem'),
      import: tr('agenda.import'),
      importText: tr('agenda.importText'),
      importPlaceholder: tr('agenda.importPlaceholder'),
      importPreview: tr('agenda.importPreview'),
      item: tr('agenda.item'),
      itemTitle: tr('agenda.itemTitle'),
      itemKind: tr('agenda.itemKind'),
      itemDuration: tr('agenda.itemDuration'),
      itemPresenters: tr('agenda.itemPresenters'),
      itemSub: tr('agenda.itemSub'),
      itemLink: tr('agenda.itemLink'),
      save: tr('agenda.save'),
      moveUp: tr('agenda.moveUp'),
      moveDown: tr('agenda.moveDown'),
      remove: tr('agenda.remove'),
      refresh: tr('card.myView'),
      previousPage: tr('agenda.previousPage'),
      nextPage: tr('agenda.nextPage'),
      required: tr('card.required'),
      changeMeeting: tr('meeting.change'),
      date: tr('meeting.form.date'),
      start: tr('meeting.form.start'),
      end: tr('meeting.form.end'),
      place: tr('meeting.form.place'),
      online: tr('meeting.form.online'),
      heading: tr('meeting.form.heading'),
      saveMeeting: tr('meeting.save'),
      cancelMeeting: tr('meeting.cancel'),
      previous: tr('live.previous'),
      next: tr('live.next'),
      goTo: tr('live.goTo'),
      go: tr('live.go'),
      close: tr('live.close'),
      closeConfirm: tr('live.closeConfirm'),
      recordDecision: tr('live.recordDecision'),
      recordAction: tr('live.recordAction'),
      recordNote: tr('live.recordNote'),
      saveDecision: tr('decision.save'),
      saveAction: tr('live.saveAction'),
      saveNote: tr('live.saveNote'),
      decisionText: tr('decision.text'),
      decisionOutcome: tr('decision.outcome'),
      decisionReason: tr('decision.reasonLabel'),
      decisionVote: tr('decision.voteLabel'),
      voteFor: tr('decision.for'),
      voteAgainst: tr('decision.against'),
      voteAbstain: tr('decision.abstain'),
      actionOwner: tr('live.actionOwner'),
      actionText: tr('live.actionText'),
      actionDue: tr('live.actionDue'),
      noteText: tr('live.noteText'),
    },
  });
}

/** The forms for what happens on the item under discussion: a decision, an action item, a note. */
function recordingForm(agenda: AgendaView, item: TimedAgendaItem) {
  const locale = agenda.view.council.locale;
  const zone = agenda.view.council.timeZone;
  return {
    itemId: item.id,
    heading: itemSentence(locale, 'live.recordOn', item),
    outcomes: DECISION_OUTCOMES.map((o) => ({ title: t(locale, `outcome.${o}` as MessageKey), value: o })),
    owners: agenda.view.members.slice(0, MAX_OWNER_CHOICES).map((m) => ({ title: m.organisation ? `${m.name} (${m.organisation})` : m.name, value: m.userId })),
    today: utcToZoned(agenda.now, zone).date,
  };
}

/** Closing asks about the items left, each with its own choice, so none is silently dropped. */
function closingChoice(agenda: AgendaView) {
  return closingData(agenda, undefined, MAX_ITEMS_ON_LIVE_CARD);
}

/** What a pasted invitation offers besides its agenda, each a choice on the confirmation card. */
export interface InvitationOffers {
  /** Council members named among the participants: shown, nothing to add. */
  members: string[];
  guests: Participant[];
  meetings: MeetingInput[];
}

/** What was understood from pasted agenda text, before anything is saved. */
export function agendaConfirmCard(
  agenda: AgendaView,
  draftId: string,
  parsed: { items: readonly ParsedAgendaItem[]; unparsed: readonly string[]; truncated: boolean },
  misfit?: TimeMisfit,
  offers: InvitationOffers = { members: [], guests: [], meetings: [] },
): CardJson {
  const locale = agenda.view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const when = formatMeetingWhen(agenda.meeting.startsAt, agenda.meeting.endsAt, locale, agenda.view.council.timeZone);
  return renderTemplate('agenda-confirm', {
    draftId,
    intro: tr('agenda.confirmIntro', { count: parsed.items.length, when }),
    truncated: parsed.truncated ? tr('agenda.truncated') : null,
    misfit: misfit ? misfitTexts(agenda, parsed.items, misfit) : null,
    items: parsed.items.slice(0, CONFIRM_SHOWN).map((item) => ({
      number: item.number,
      time: timeRange(locale, item.start, item.end),
      title: item.title,
      details: details(locale, item),
    })),
    more: parsed.items.length > CONFIRM_SHOWN ? `+ ${parsed.items.length - CONFIRM_SHOWN}` : null,
    unparsed: [
      ...parsed.unparsed.slice(0, UNPARSED_SHOWN).map((text) => ({ text })),
      ...(parsed.unparsed.length > UNPARSED_SHOWN ? [{ text: `+ ${parsed.unparsed.length - UNPARSED_SHOWN}` }] : []),
    ],
    members: offers.members.length > 0 ? { heading: tr('agenda.invitationMembers'), names: offers.members.join(', ') } : null,
    guests: offers.guests.length > 0 ? { heading: tr('agenda.invitationGuests') } : null,
    guestChoices: offers.guests.map((g, i) => ({ id: `guest${i}`, title: g.organisation ? `${g.name}, ${g.organisation}` : g.name })),
    schedule: offers.meetings.length > 0 ? { heading: tr('agenda.invitationSchedule'), toggle: tr('agenda.invitationPlan') } : null,
    scheduleMeetings: offers.meetings.map((m) => plannedLine(locale, agenda.view.council, m)),
    labels: {
      title: tr('agenda.confirmTitle'),
      unparsed: tr('agenda.unparsed'),
      save: tr('agenda.confirmSave'),
      cancel: tr('agenda.confirmCancel'),
    },
  });
}

/** The question the confirmation card asks when the agenda's times and the meeting's differ. */
function misfitTexts(agenda: AgendaView, items: readonly ParsedAgendaItem[], misfit: TimeMisfit) {
  const locale = agenda.view.council.locale;
  const zone = agenda.view.council.timeZone;
  const timed = items.filter((item) => item.start !== undefined);
  const last = timed.at(-1);
  const agendaTimes = timeRange(locale, timed[0]?.start, last?.end ?? last?.start);
  const meetingTimes = timeRange(locale, utcToZoned(agenda.meeting.startsAt, zone).time, utcToZoned(agenda.meeting.endsAt, zone).time);
  return {
    text: t(locale, 'agenda.timesMisfit', { agenda: agendaTimes, meeting: meetingTimes }),
    move: t(locale, 'agenda.moveMeeting', { times: timeRange(locale, misfit.start, misfit.end) }),
    keep: t(locale, 'agenda.keepMeetingTime'),
  };
}
