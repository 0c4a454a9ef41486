/**
 * The minutes (protokoll) of a meeting as a model: what the renderers write, in the order Swedish
 * council minutes are read. Built from what the meeting recorded; no I/O, no formatting beyond
 * dates and times in the council's zone.
 */
import type { ActionItem, ActionStatus } from './action-item.js';
import type { TimedAgendaItem } from './agenda.js';
import { type AttendanceEntry, type QuorumRule, quorum } from './attendance.js';
import type { CouncilMember, Locale } from './council.js';
import type { Decision, DecisionOutcome, ProtocolNote, Reservation, VoteResult } from './decision.js';
import type { Meeting } from './meeting.js';
import { formatMeetingWhen, formatShortDate, utcToZoned } from './meeting-time.js';
import type { Nomination, NominationRound } from './nomination.js';
import { undecidedItems } from './closing.js';

export interface MinutesPerson {
  name: string;
  /** Role or organisation, as the attendance list shows it. */
  detail: string | null;
}

export interface MinutesDecision {
  text: string;
  outcome: DecisionOutcome;
  reason: string | null;
  vote: VoteResult | null;
  reservations: { name: string; text: string | null }[];
  protocolNotes: { name: string; text: string }[];
  /** Taken while the meeting's attendance shows no quorum. */
  belowQuorum?: boolean;
}

export interface MinutesAction {
  owner: string;
  text: string;
  dueDate: string | null;
  status: ActionStatus;
  /** The item it was recorded on, e.g. "4". */
  itemNumber: string | null;
}

export interface MinutesItem {
  number: string;
  title: string;
  level: 0 | 1;
  presenters: string[];
  description: string | null;
  notes: string[];
  decisions: MinutesDecision[];
  actions: MinutesAction[];
  /** Planned for a decision (kind "decision") and none recorded: marked in the draft for the secretary. */
  undecided: boolean;
}

export interface MinutesPoll {
  question: string;
  results: { option: string; votes: number }[];
  voters: number;
  anonymous: boolean;
  /** The item it was asked on: the one it was tied to, or the one under discussion when it was asked. */
  item: { number: string; title: string } | null;
  /** Who voted what, in a named poll only; always empty for an anonymous one. */
  votes: { name: string; choices: string[] }[];
  /** Still open when the minutes were written: no result yet, so none is shown. */
  open: boolean;
}

/** A closed poll as the minutes get it: its counts, and in a named poll its ballots. */
export interface PollRecord {
  question: string;
  results: { option: string; votes: number }[];
  voters: number;
  anonymous: boolean;
  agendaItemId: string | null;
  askedAt: string;
  /** Choices as option texts. Ignored for an anonymous poll, whatever is passed. */
  ballots: readonly { userId: string; choices: readonly string[] }[];
  /** Not closed yet: its counts and ballots are ignored, whatever is passed. */
  open?: boolean;
}

export interface MinutesNomination {
  group: string;
  seats: number;
  nominees: { name: string; consent: string; selected: boolean }[];
}

export interface MinutesApproval {
  name: string;
  /** When, in the council's zone ("3 dec 2026 14.05"); null until approved. */
  approvedAt: string | null;
}

export interface Minutes {
  locale: Locale;
  council: string;
  title: string;
  /** "tisdag 3 december 2026, 13.00–16.00" */
  when: string;
  date: string;
  place: string | null;
  diaryNumber: string | null;
  attendance: {
    present: MinutesPerson[];
    absent: MinutesPerson[];
    /** Särskilt inbjudna / adjungerade: guests present. */
    guests: MinutesPerson[];
    regrets: MinutesPerson[];
    /** Members whose attendance the chair or secretary never confirmed (nor did they act). */
    unconfirmed: MinutesPerson[];
    /** Set when the attendance shows no quorum. */
    belowQuorum: { present: number; required: number } | null;
  };
  items: MinutesItem[];
  /** Decisions recorded with no item (a rare case: the item was removed afterwards). */
  otherDecisions: MinutesDecision[];
  actions: MinutesAction[];
  polls: MinutesPoll[];
  nominations: MinutesNomination[];
  tabled: { number: string; title: string; reason: string | null; outcome: DecisionOutcome }[];
  nextMeetings: string[];
  justering: {
    chair: string | null;
    secretary: string | null;
    adjusters: MinutesApproval[];
    approved: boolean;
    version: number;
  };
}

export interface MinutesInput {
  council: { name: string; locale: Locale; timeZone: string; quorumRule?: QuorumRule };
  meeting: Pick<Meeting, 'id' | 'title' | 'startsAt' | 'endsAt' | 'place' | 'online' | 'status'>;
  diaryNumber: string | null;
  members: readonly CouncilMember[];
  attendance: readonly AttendanceEntry[];
  guests: readonly { name: string; organisation: string | null }[];
  regrets: readonly { userId: string; note: string | null }[];
  items: readonly TimedAgendaItem[];
  notes: readonly { itemId: string; text: string }[];
  decisions: readonly Decision[];
  reservations: readonly Reservation[];
  protocolNotes: readonly ProtocolNote[];
  actions: readonly ActionItem[];
  polls: readonly PollRecord[];
  /** When each item was under discussion: places a poll that was not tied to an item. */
  itemTimes?: readonly { itemId: string; startedAt: string; endedAt: string | null }[];
  nominations: readonly { round: NominationRound; nominations: readonly Nomination[] }[];
  nextMeetings: readonly Pick<Meeting, 'startsAt' | 'endsAt' | 'place'>[];
  adjusters: readonly { userId: string; approvedAt: string | null }[];
  version: number;
}

const ROLE_TITLES: Record<string, { sv: string; en: string }> = {
  chair: { sv: 'ordförande', en: 'chair' },
  secretary: { sv: 'sekreterare', en: 'secretary' },
};

const CONSENT_TITLES: Record<string, { sv: string; en: string }> = {
  pending: { sv: 'inte svarat', en: 'not answered' },
  accepted: { sv: 'tackat ja', en: 'accepted' },
  declined: { sv: 'tackat nej', en: 'declined' },
};

/** The minutes of a meeting from what it recorded. */
export function buildMinutes(input: MinutesInput): Minutes {
  const { council, meeting } = input;
  const locale = council.locale;
  const byId = new Map(input.members.map((m) => [m.userId, m]));
  const nameOf = (userId: string) => byId.get(userId)?.name ?? userId;
  const person = (userId: string): MinutesPerson => {
    const member = byId.get(userId);
    const role = member ? ROLE_TITLES[member.role]?.[locale] : undefined;
    return { name: nameOf(userId), detail: role ?? member?.organisation ?? null };
  };

  const statusOf = new Map(input.attendance.map((a) => [a.userId, a.status]));
  const regretIds = new Set(input.regrets.map((r) => r.userId));
  const present: MinutesPerson[] = [];
  const absent: MinutesPerson[] = [];
  const guests: MinutesPerson[] = [];
  const regrets: MinutesPerson[] = [];
  const unconfirmed: MinutesPerson[] = [];
  for (const member of input.members) {
    const status = statusOf.get(member.userId) ?? (regretIds.has(member.userId) ? 'regrets' : undefined);
    if (member.role === 'guest') {
      if (status === 'guest' || status === 'present') guests.push({ name: member.name, detail: member.organisation });
      continue;
    }
    if (status === 'present') present.push(person(member.userId));
    else if (status === 'regrets') regrets.push(person(member.userId));
    else if (status === 'absent') absent.push(person(member.userId));
    else if (status === 'guest') guests.push(person(member.userId));
    else if (meeting.status !== 'planned') unconfirmed.push(person(member.userId));
  }
  const counted = quorum(input.attendance, input.members, input.council.quorumRule);
  const belowQuorum = counted.met === false && counted.required !== null && meeting.status !== 'planned' ? { present: counted.present, required: counted.required } : null;
  for (const guest of input.guests) guests.push({ name: guest.name, detail: guest.organisation });

  const decisionOf = (d: Decision): MinutesDecision => ({
    text: d.text,
    outcome: d.outcome,
    reason: d.reason,
    vote: d.vote,
    reservations: input.reservations.filter((r) => r.decisionId === d.id).map((r) => ({ name: nameOf(r.userId), text: r.text })),
    protocolNotes: input.protocolNotes.filter((n) => n.decisionId === d.id).map((n) => ({ name: nameOf(n.userId), text: n.text })),
    belowQuorum: belowQuorum !== null && d.outcome === 'decided',
  });
  const numberOf = new Map(input.items.map((i) => [i.id, i.number]));
  const actionOf = (a: ActionItem): MinutesAction => ({
    owner: byId.get(a.ownerUserId)?.name ?? a.ownerName,
    text: a.text,
    dueDate: a.dueDate,
    status: a.status,
    itemNumber: a.agendaItemId ? (numberOf.get(a.agendaItemId) ?? null) : null,
  });
  const meetingActions = input.actions.filter((a) => a.meetingId === meeting.id);

  const held = meeting.status !== 'planned' && meeting.status !== 'cancelled';
  const undecidedIds = new Set(undecidedItems(input.items, new Set(input.decisions.flatMap((d) => (d.agendaItemId ? [d.agendaItemId] : [])))).map((i) => i.id));
  const items: MinutesItem[] = input.items.map((item) => ({
    number: item.number,
    title: item.title,
    level: item.level,
    presenters: item.presenters,
    description: item.description ?? null,
    notes: input.notes.filter((n) => n.itemId === item.id).map((n) => n.text),
    decisions: input.decisions.filter((d) => d.agendaItemId === item.id).map(decisionOf),
    actions: meetingActions.filter((a) => a.agendaItemId === item.id).map(actionOf),
    undecided: held && undecidedIds.has(item.id),
  }));
  const itemIds = new Set(input.items.map((i) => i.id));
  // Protocol notes written on an item rather than a decision belong under that item.
  for (const note of input.protocolNotes.filter((n) => n.decisionId === null && n.itemId)) {
    items.find((_, i) => input.items[i]!.id === note.itemId)?.notes.push(`${nameOf(note.userId)}: ${note.text}`);
  }

  const zoned = utcToZoned(meeting.startsAt, council.timeZone);
  const chair = input.members.find((m) => m.role === 'chair');
  const secretary = input.members.find((m) => m.role === 'secretary');
  const localTime = (iso: string) => {
    const z = utcToZoned(iso, council.timeZone);
    return `${formatShortDate(z.date, locale)} ${locale === 'sv' ? z.time.replace(':', '.') : z.time}`;
  };
  const adjusters = input.adjusters.map((a) => ({ name: nameOf(a.userId), approvedAt: a.approvedAt ? localTime(a.approvedAt) : null }));
  return {
    locale,
    council: council.name,
    title: meeting.title,
    when: formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, council.timeZone),
    date: zoned.date,
    place: meeting.online ? [meeting.place, 'Teams'].filter(Boolean).join(' / ') : meeting.place,
    diaryNumber: input.diaryNumber,
    attendance: { present, absent, guests, regrets, unconfirmed, belowQuorum },
    items,
    otherDecisions: input.decisions.filter((d) => !d.agendaItemId || !itemIds.has(d.agendaItemId)).map(decisionOf),
    actions: meetingActions.map(actionOf),
    polls: input.polls.map((p) => pollOf(locale, p, input.items, input.itemTimes ?? [], nameOf)),
    nominations: input.nominations.map(({ round, nominations }) => ({
      group: round.name,
      seats: round.seats,
      nominees: nominations.map((n) => ({ name: n.nomineeName, consent: CONSENT_TITLES[n.consent]?.[locale] ?? n.consent, selected: n.selected })),
    })),
    // In agenda order, as the items were read; one recorded with no item (removed since) last.
    tabled: input.decisions
      .filter((d) => d.outcome !== 'decided')
      .map((d) => ({ d, at: input.items.findIndex((i) => i.id === d.agendaItemId) }))
      .sort((a, b) => (a.at < 0 ? Infinity : a.at) - (b.at < 0 ? Infinity : b.at))
      .map(({ d }) => d)
      .map((d) => ({ number: d.itemNumber ?? '', title: d.itemTitle ?? '', reason: d.reason, outcome: d.outcome })),
    nextMeetings: input.nextMeetings.map((m) => formatMeetingWhen(m.startsAt, m.endsAt, locale, council.timeZone) + (m.place ? `, ${m.place}` : '')),
    justering: {
      chair: chair?.name ?? null,
      secretary: secretary?.name ?? null,
      adjusters,
      approved: meeting.status === 'approved' || (adjusters.length > 0 && adjusters.every((a) => a.approvedAt !== null)),
      version: input.version,
    },
  };
}

/** The item under discussion at `at`: the one reached last before it and not left by then. */
export function itemAt(times: readonly { itemId: string; startedAt: string; endedAt: string | null }[], at: string): string | null {
  const instant = Date.parse(at);
  const during = times.filter((x) => Date.parse(x.startedAt) <= instant && (x.endedAt === null || Date.parse(x.endedAt) > instant));
  return during.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0]?.itemId ?? null;
}

function pollOf(locale: Locale, poll: PollRecord, items: readonly TimedAgendaItem[], times: NonNullable<MinutesInput['itemTimes']>, nameOf: (userId: string) => string): MinutesPoll {
  const itemId = poll.agendaItemId ?? itemAt(times, poll.askedAt);
  const item = items.find((i) => i.id === itemId);
  const open = poll.open === true;
  return {
    question: poll.question,
    // An open poll has no result: a count read mid-vote would be in the minutes as if it were one.
    results: open ? [] : poll.results,
    voters: open ? 0 : poll.voters,
    anonymous: poll.anonymous,
    item: item ? { number: item.number, title: item.title } : null,
    // A secret vote is never tied to a name here, even if ballots were passed by mistake.
    votes: poll.anonymous || open ? [] : poll.ballots.map((b) => ({ name: nameOf(b.userId), choices: [...b.choices] })).sort((a, b) => a.name.localeCompare(b.name, locale)),
    open,
  };
}

/** A council's name as a folder name: no character a file system or SharePoint refuses. */
export function folderName(text: string): string {
  // The look-behind lets the trailing run match only from its first character: linear on long runs.
  const name = text.replace(/["*:<>?/\\|#%~&{}\u0000-\u001f]/g, '-').replace(/\s+/g, ' ').trim().replace(/^[.\s]+|(?<![.\s])[.\s]+$/g, '');
  return (name || 'rad').slice(0, 120);
}

/** "2026-12-03 Vårdvalsråd protokoll": the file name before its extension, safe anywhere. */
export function minutesFileStem(minutes: Pick<Minutes, 'date' | 'council' | 'locale'>, draft: boolean): string {
  const word = minutes.locale === 'sv' ? (draft ? 'protokoll utkast' : 'protokoll') : draft ? 'minutes draft' : 'minutes';
  return `${minutes.date} ${folderName(minutes.council)} ${word}`.slice(0, 180);
}

export { formatShortDate };
