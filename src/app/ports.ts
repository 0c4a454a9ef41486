import type { Council, CouncilMember, Locale, ReachPurpose, Role } from '../domain/council.js';
import type { AgendaItemDraft } from '../domain/agenda.js';
import type { ActionItem, ActionStatus } from '../domain/action-item.js';
import type { AttendanceEntry, QuorumRule } from '../domain/attendance.js';
import type { ReminderPolicy } from '../domain/reminders.js';
import type { CouncilCalendar } from '../domain/calendar.js';
import type { Recurrence } from '../domain/recurrence.js';
import type { Adjuster, MinutesComment, MinutesExport, MinutesRecord } from '../domain/justering.js';
import type { Minutes } from '../domain/minutes.js';
import type { CheckedDecision, Decision, ProtocolNote, Reservation } from '../domain/decision.js';
import type { ActionComment } from '../domain/action-item.js';
import type { Meeting } from '../domain/meeting.js';
import type { Poll } from '../domain/poll.js';
import type { Nomination, NominationRound } from '../domain/nomination.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdFactory = () => string;

export type NewCouncil = Omit<Council, 'updatedAt' | 'version' | 'quorumRule' | 'membersCreatePolls' | 'reminderPolicy' | 'calendar' | 'minutesLibrary' | 'unreachableSince'>;

export interface RosterEntry {
  userId: string;
  aadObjectId: string | null;
  name: string;
  email: string | null;
}

export interface CouncilRepository {
  findByConversation(conversationId: string): Promise<Council | undefined>;
  findById(id: string): Promise<Council | undefined>;
  /** Creates the council and its first members in one transaction; undefined if the conversation already has one. */
  create(council: NewCouncil, members: readonly Omit<CouncilMember, 'councilId'>[]): Promise<Council | undefined>;
  members(councilId: string): Promise<CouncilMember[]>;
  /** The councils a person belongs to, by name. */
  councilsOf(userId: string): Promise<Council[]>;
  member(councilId: string, userId: string): Promise<CouncilMember | undefined>;
  /**
   * Marks people as having left the conversation (kept on the record, no longer members) and,
   * when given, makes `successor` chair, in one versioned change; false when the version moved.
   */
  markLeft(councilId: string, userIds: readonly string[], successor: string | undefined, expectedVersion: number, at: string): Promise<boolean>;
  /** Its members as of `at`: people who left since are among them, so past minutes keep who was there. */
  membersAt(councilId: string, at: string): Promise<CouncilMember[]>;
  /** Teams refused the person a personal card for `purpose`: kept on their membership until they are reached. */
  markUnreached(councilId: string, userId: string, purpose: ReachPurpose, at: string): Promise<void>;
  /** The person has the app personally now (a card reached them, or they installed it): in every council. */
  markReached(userId: string): Promise<void>;
  /** Marks the council of a conversation as not reachable since `since`, or reachable again (null); the council, if any. */
  setUnreachable(conversationId: string, since: string | null): Promise<Council | undefined>;
  /**
   * Applies a change only if the council is still at `expectedVersion`; bumps the version.
   * Returns false when somebody else changed the council first.
   */
  setRole(councilId: string, userId: string, role: Role, expectedVersion: number, at: string): Promise<boolean>;
  addMember(member: CouncilMember, expectedVersion: number): Promise<boolean>;
  removeMember(councilId: string, userId: string, expectedVersion: number, at: string): Promise<boolean>;
  /** Adds roster members not yet known; never changes existing members' roles. */
  addMissingMembers(councilId: string, members: readonly CouncilMember[]): Promise<number>;
  setQuorumRule(councilId: string, rule: QuorumRule, expectedVersion: number, at: string): Promise<boolean>;
  setMembersCreatePolls(councilId: string, allowed: boolean, expectedVersion: number, at: string): Promise<boolean>;
  setReminderPolicy(councilId: string, policy: ReminderPolicy, expectedVersion: number, at: string): Promise<boolean>;
  /** Connects (or with null disconnects) the council's Exchange calendar. */
  setCalendar(councilId: string, calendar: CouncilCalendar | null, expectedVersion: number, at: string): Promise<boolean>;
  setMinutesLibrary(councilId: string, url: string | null, expectedVersion: number, at: string): Promise<boolean>;
  /** Councils with a connected calendar, for the sync. */
  withCalendar(): Promise<Council[]>;
  /** Councils that use Graph: a connected calendar or a SharePoint library for their minutes. */
  withGraph(): Promise<Council[]>;
  /** A member's own choice not to get personal meeting reminders from this council. */
  setRemindersOff(councilId: string, userId: string, off: boolean, at: string): Promise<void>;
  remindersOff(councilId: string): Promise<string[]>;
  updateSettings(
    councilId: string,
    settings: { name: string; locale: Locale; timeZone: string },
    expectedVersion: number,
    at: string,
  ): Promise<boolean>;
}

export type NewMeeting = Omit<Meeting, 'version' | 'updatedAt' | 'currentItemId' | 'openedAt' | 'closedAt'>;

export type MeetingChanges = Partial<
  Pick<
    Meeting,
    'title' | 'startsAt' | 'endsAt' | 'place' | 'online' | 'onlineUrl' | 'status' | 'externalEventId' | 'agendaCardActivityId' | 'currentItemId' | 'openedAt' | 'closedAt'
  >
>;

export interface ItemTime {
  itemId: string;
  startedAt: string;
  endedAt: string | null;
}

export interface ItemNote {
  id: string;
  meetingId: string;
  itemId: string;
  text: string;
  writtenBy: string;
  writtenAt: string;
}

export interface Regret {
  meetingId: string;
  userId: string;
  note: string | null;
  createdAt: string;
}

export interface MeetingGuest {
  id: string;
  meetingId: string;
  name: string;
  organisation: string | null;
  addedBy: string;
  addedAt: string;
}

/** What closing a meeting records with it, each once per key. */
export interface ClosingRecords {
  decisions: readonly { decision: Omit<Decision, 'version' | 'vote'>; clientKey: string }[];
  notes: readonly { note: ItemNote; clientKey: string }[];
}

export interface MeetingRepository {
  /** Creates all meetings with their draft agendas and jobs (reminders) in one transaction (a pasted schedule is saved whole or not at all). */
  create(entries: readonly { meeting: NewMeeting; agenda: readonly AgendaItemDraft[] }[], jobs?: readonly OutboxJob[]): Promise<Meeting[]>;
  /**
   * A meeting found in the council's calendar, with its agenda and jobs; undefined when a
   * meeting for that event already exists (another instance or sync round made it first).
   */
  createFromEvent(meeting: NewMeeting, agenda: readonly AgendaItemDraft[], jobs: readonly OutboxJob[]): Promise<Meeting | undefined>;
  /** Remembers the calendar event a meeting became; not a change of the meeting, so no version bump. False when it is linked to another event. */
  linkEvent(meetingId: string, eventId: string, onlineUrl: string | null): Promise<boolean>;
  findByExternalEvent(councilId: string, eventId: string): Promise<Meeting | undefined>;
  /** Meetings linked to a calendar event and starting in [from, to). */
  linkedBetween(councilId: string, fromIso: string, toIso: string): Promise<Meeting[]>;
  agenda(meetingId: string): Promise<AgendaItemDraft[]>;
  /** Replaces the agenda and bumps the meeting's version, only at `expectedVersion` (with the jobs); undefined when stale. */
  saveAgenda(meetingId: string, items: readonly AgendaItemDraft[], expectedVersion: number, at: string, jobs?: readonly OutboxJob[]): Promise<Meeting | undefined>;
  /**
   * Moves the meeting to another item (or to none) at `expectedVersion`, with the status and
   * times given; the item left gets its end time, the item reached its start time the first
   * time it is reached. Undefined when stale. The jobs are queued with the move.
   */
  moveCurrent(
    meetingId: string,
    move: { toItemId: string | null; changes?: MeetingChanges },
    expectedVersion: number,
    at: string,
    jobs?: readonly OutboxJob[],
  ): Promise<Meeting | undefined>;
  /**
   * Closes the meeting at `expectedVersion` together with what closing records (items tabled,
   * notes on items struck) and its jobs, in one transaction; undefined when stale, and then
   * nothing of it is saved (a second chair closing at the same moment changes nothing).
   */
  close(meetingId: string, expectedVersion: number, at: string, records: ClosingRecords, jobs?: readonly OutboxJob[]): Promise<Meeting | undefined>;
  itemTimes(meetingId: string): Promise<ItemTime[]>;
  /** Adds a note (anteckning) to an item once per `clientKey`. */
  addNote(note: ItemNote, clientKey: string): Promise<{ note: ItemNote; created: boolean }>;
  notes(meetingId: string): Promise<ItemNote[]>;
  /** Remembers the attendance card posted at the opening; not a change of the meeting, so no version bump. */
  setAttendanceCard(meetingId: string, activityId: string): Promise<void>;
  /** Remembers the agenda card message; not a change of the meeting, so no version bump. */
  setAgendaCard(meetingId: string, activityId: string): Promise<void>;
  /** Records (or updates) a member's återbud; a second one from the same person replaces the note. */
  saveRegret(regret: Regret): Promise<void>;
  withdrawRegret(meetingId: string, userId: string): Promise<boolean>;
  regrets(meetingId: string): Promise<Regret[]>;
  /** Guests (adjungerade) of this one meeting, added by name. */
  addGuest(guest: MeetingGuest): Promise<void>;
  removeGuest(meetingId: string, guestId: string): Promise<boolean>;
  guests(meetingId: string): Promise<MeetingGuest[]>;
  findById(id: string): Promise<Meeting | undefined>;
  /** The council's most recent closed (or approved) meeting. */
  latestHeld(councilId: string): Promise<Meeting | undefined>;
  /** The council's meeting in progress, if any. */
  findOpen(councilId: string): Promise<Meeting | undefined>;
  /** Planned or running meetings of a council ending at or after `fromIso`, earliest first. */
  upcoming(councilId: string, fromIso: string, limit: number): Promise<Meeting[]>;
  /** Applies the changes (and queues the jobs) only at `expectedVersion`; returns the new state, or undefined when stale. */
  update(id: string, changes: MeetingChanges, expectedVersion: number, at: string, jobs?: readonly OutboxJob[]): Promise<Meeting | undefined>;
}

export interface DecisionRepository {
  /**
   * Records the decision once per `clientKey` (Teams retries invokes); a repeated key returns
   * the decision recorded the first time with `created: false`. The jobs (its card, the live
   * card's update) are queued in the same transaction, only when the decision is new.
   */
  record(decision: Omit<Decision, 'version'>, clientKey: string, jobs?: readonly OutboxJob[]): Promise<{ decision: Decision; created: boolean }>;
  forMeeting(meetingId: string): Promise<Decision[]>;
  findById(id: string): Promise<Decision | undefined>;
  findByClientKey(clientKey: string): Promise<Decision | undefined>;
  /** The message that shows the decision, once posted; null while none is (a retried turn then posts it). */
  cardActivity(id: string): Promise<string | null>;
  setCardActivity(id: string, activityId: string): Promise<void>;
  /** Removes a decision recorded by mistake (with its reservations); false when it was already gone. */
  remove(id: string): Promise<boolean>;
  /** Changes what was decided at `expectedVersion`; undefined when somebody changed it first. */
  update(id: string, changes: CheckedDecision, expectedVersion: number): Promise<Decision | undefined>;
  /** One reservation per member and decision; false when the member had already made one. */
  addReservation(reservation: Reservation & { meetingId: string }): Promise<boolean>;
  reservations(meetingId: string): Promise<Reservation[]>;
  addProtocolNote(note: ProtocolNote, clientKey: string): Promise<{ note: ProtocolNote; created: boolean }>;
  protocolNotes(meetingId: string): Promise<ProtocolNote[]>;
}

export interface ActionItemRepository {
  /** Creates the action item once per `clientKey`, as decisions are, with its jobs (the owner's card) in the same transaction. */
  create(item: Omit<ActionItem, 'version'>, clientKey: string, jobs?: readonly OutboxJob[]): Promise<{ item: ActionItem; created: boolean }>;
  findById(id: string): Promise<ActionItem | undefined>;
  /** Every action item recorded at the meeting, in the order recorded, whatever its status now. */
  forMeeting(meetingId: string): Promise<ActionItem[]>;
  /** Open items of a council, earliest due first (undated last). */
  open(councilId: string): Promise<ActionItem[]>;
  forOwner(councilId: string, ownerUserId: string, status: ActionStatus): Promise<ActionItem[]>;
  setStatus(id: string, status: ActionStatus, expectedVersion: number, at: string): Promise<ActionItem | undefined>;
  addComment(comment: ActionComment, clientKey: string): Promise<{ comment: ActionComment; created: boolean }>;
  /** Comments on the given items, oldest first. */
  comments(actionItemIds: readonly string[]): Promise<ActionComment[]>;
}

export interface AttendanceRepository {
  /** Sets each person's status; a person not named keeps theirs. */
  mark(meetingId: string, entries: readonly AttendanceEntry[], markedBy: string, at: string): Promise<void>;
  /** Writes what `write` makes of the person's entry as it is in the store; false when it makes nothing. */
  markActed(meetingId: string, userId: string, write: (existing: AttendanceEntry | undefined) => AttendanceEntry | undefined, at: string): Promise<boolean>;
  forMeeting(meetingId: string): Promise<AttendanceEntry[]>;
}

/** A side effect to carry out after the change that caused it is saved: sent once per key. */
export interface OutboxJob {
  key: string;
  kind: string;
  payload: unknown;
  dueAt: string;
  /**
   * 'once': a key already queued or sent is left as it is. 'rearm': a sent job with the same key
   * is queued again (a card refresh after new votes), and an unsent one keeps its earlier time.
   */
  mode?: 'once' | 'rearm';
}

export interface ClaimedJob {
  id: string;
  key: string;
  kind: string;
  payload: unknown;
  attempts: number;
  /** Changes when the job is re-armed; completing an outdated revision leaves the job to run again. */
  revision: number;
  /** When it was due (ISO); a delivery's lag is measured from here. */
  dueAt: string;
  /**
   * Its last lease ran out with neither success nor failure recorded: the instance that had it
   * stopped mid-delivery, and what it was sending may or may not have gone out.
   */
  resumed: boolean;
  /** Set when the stored payload is not JSON (payload is then undefined): no retry can deliver it. */
  unreadable?: true;
}

/**
 * Who holds a lease: the instance (App Service's instance id, or the host name) and which of its
 * processes, so a process restarted on the same instance knows the leases its crashed predecessor left.
 */
export interface LeaseOwner {
  instanceId: string;
  /** When this process started (ISO); a lease with an older start was taken by an earlier process. */
  startedAt: string;
  pid: number;
}

export interface OutboxRepository {
  enqueue(jobs: readonly OutboxJob[], at: string): Promise<void>;
  /** Takes up to `limit` due jobs for `leaseMs`, as `owner`; another instance does not get them meanwhile. */
  claim(now: string, leaseMs: number, limit: number, owner?: LeaseOwner): Promise<ClaimedJob[]>;
  /**
   * Frees the leases that earlier processes of `owner`'s instance still hold at `now`, when `gone`
   * says that process is no longer running: their jobs are due again at once, as resumed. The number freed.
   */
  reclaim(owner: LeaseOwner, now: string, gone: (previous: { pid: number; startedAt: string }) => boolean): Promise<number>;
  /** Marks the job sent; a job re-armed meanwhile (another revision) runs again at `rerunAt` instead. */
  complete(job: Pick<ClaimedJob, 'id' | 'revision'>, at: string, rerunAt?: string): Promise<void>;
  /** Puts the job back for `retryAt`, keeping the error. */
  fail(id: string, error: string, retryAt: string): Promise<void>;
  /**
   * Puts the job back for `until` without counting the attempt: it was not the job that failed but
   * something every job waits for (Graph refusing the app's credentials), so it is never parked for it.
   */
  postpone(id: string, reason: string, until: string): Promise<void>;
  /** Sets the job aside for good (it failed in a way retrying will not mend), keeping the error; claim() skips it. */
  park(id: string, error: string, at: string): Promise<void>;
  /** Parked jobs, oldest first, for the admin. */
  parked(): Promise<ParkedJob[]>;
  /** How many jobs are parked, by kind. */
  parkedCount(): Promise<Record<string, number>>;
  /** A parked job back in the queue, due at `at` with its attempts counted from zero; false when no job with that id is parked. */
  unpark(id: string, at: string): Promise<boolean>;
  /**
   * Gives up on a parked job: marked done without being delivered, so its key still keeps the
   * same job from being queued again until old jobs are purged. False when no such job is parked.
   */
  drop(id: string, at: string): Promise<boolean>;
  /**
   * Gives up on a job being delivered: its conversation is gone, so no retry or admin can deliver
   * it. Marked done with the reason; its key keeps it from being queued again until old jobs are purged.
   */
  discard(id: string, reason: string, at: string): Promise<void>;
  /** Keeps jobs still being delivered leased until `until`; one completed or failed meanwhile stays as it is. */
  extendLeases(ids: readonly string[], until: string): Promise<void>;
  /**
   * Forgets up to `limit` jobs sent before `before`. Their keys then no longer stop a job from
   * being queued again, so only jobs whose moment has passed for good may go.
   */
  purgeSent(before: string, limit: number): Promise<number>;
  /** Jobs not yet sent and not parked, for tests and health. */
  pending(): Promise<number>;
}

/** A job set aside after failing for good, as the admin sees it (never its payload). */
export interface ParkedJob {
  id: string;
  key: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  parkedAt: string;
  createdAt: string;
}

export interface StoredBallot {
  voterKey: string;
  choices: string[];
  /** Only in named polls. */
  voterId: string | null;
}

export interface PollRepository {
  /**
   * Creates the poll once per `clientKey`, with its jobs (deadline, reminder) in the same
   * transaction; the request that creates it holds the claim on its card until `cardClaimUntil`.
   */
  create(poll: Omit<Poll, 'version' | 'counted'>, clientKey: string, jobs: readonly OutboxJob[], cardClaimUntil: string): Promise<{ poll: Poll; created: boolean }>;
  findById(id: string): Promise<Poll | undefined>;
  open(councilId: string): Promise<Poll[]>;
  /** Every poll held at the meeting, in the order started. */
  forMeeting(meetingId: string): Promise<Poll[]>;
  setActivity(pollId: string, activityId: string): Promise<void>;
  /** True for the one caller that may post the poll's card now: none posted yet, and no other claim before `now`. */
  claimCard(pollId: string, now: string, until: string): Promise<boolean>;
  /** Gives up a claim whose posting failed, so a retry may post at once. */
  releaseCard(pollId: string): Promise<void>;
  /** Blanks a sent reminder job's payload, which named the member reminded. */
  redactReminder(key: string): Promise<void>;
  /** Makes the rows deleted when an anonymous poll closed unreadable in the database files too. */
  scrubDeleted(): Promise<void>;
  /** Saves the voter's ballot, replacing an earlier one, only while the poll is open; 'closed' when the poll closed first. */
  castBallot(pollId: string, ballot: StoredBallot & { votedAt: string | null }): Promise<'saved' | 'unchanged' | 'closed'>;
  ballots(pollId: string): Promise<StoredBallot[]>;
  ballot(pollId: string, voterKey: string): Promise<StoredBallot | undefined>;
  /**
   * Closes an open poll, with its jobs; undefined when it was closed already. An anonymous
   * poll's ballots are replaced by their counts (`Poll.counted`) in the same transaction.
   */
  close(pollId: string, at: string, jobs: readonly OutboxJob[]): Promise<Poll | undefined>;
}

export interface NominationRepository {
  createRound(round: Omit<NominationRound, 'version'>, clientKey: string): Promise<{ round: NominationRound; created: boolean }>;
  findRound(id: string): Promise<NominationRound | undefined>;
  /** Nomination rounds opened at the meeting, in the order opened. */
  roundsForMeeting(meetingId: string): Promise<NominationRound[]>;
  setRoundActivity(roundId: string, activityId: string): Promise<void>;
  /**
   * Adds the nomination with its jobs in one transaction; when the person is already nominated
   * in the round (two members at once), returns that nomination with `created: false`.
   */
  nominate(nomination: Nomination, jobs: readonly OutboxJob[]): Promise<{ nomination: Nomination; created: boolean }>;
  nominations(roundId: string): Promise<Nomination[]>;
  findNomination(id: string): Promise<Nomination | undefined>;
  /** The nominee's answer while the round is open; undefined when the round closed first. */
  answer(nominationId: string, consent: 'accepted' | 'declined', at: string, jobs: readonly OutboxJob[]): Promise<Nomination | undefined>;
  /** Closes an open round at `expectedVersion`, marking those selected and linking a poll; undefined when stale or closed. */
  close(roundId: string, change: { selectedIds: readonly string[]; pollId: string | null }, expectedVersion: number, at: string, jobs: readonly OutboxJob[]): Promise<NominationRound | undefined>;
}

export interface ConversationRecord {
  conversationId: string;
  tenantId: string | null;
  kind: 'channel' | 'groupChat' | 'personal';
  /** Opaque, serialised conversation reference for proactive messages. */
  reference: string;
}

export interface ConversationRepository {
  save(record: ConversationRecord, at: string): Promise<void>;
  find(conversationId: string): Promise<ConversationRecord | undefined>;
}

export interface StoredState {
  data: unknown;
  etag: string;
}

/** Key-value store for the Teams turn state, with optimistic concurrency on etags. */
export interface StateRepository {
  read(keys: readonly string[]): Promise<Map<string, StoredState>>;
  /** Writes each value; when `expectedEtag` is given and does not match, throws a StateConflictError. */
  write(entries: readonly { key: string; data: unknown; expectedEtag?: string }[], at: string): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}

export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`state for ${key} was changed by another turn`);
    this.name = 'StateConflictError';
  }
}

export interface StoreHealth {
  reachable: boolean;
  migrated: boolean;
  detail?: string;
  /** Writes fail for lack of space (disk full) and have not succeeded since. */
  storageFull?: boolean;
}

export interface Store {
  dialect: 'sqlite' | 'postgres';
  councils: CouncilRepository;
  meetings: MeetingRepository;
  decisions: DecisionRepository;
  actionItems: ActionItemRepository;
  attendance: AttendanceRepository;
  conversations: ConversationRepository;
  state: StateRepository;
  polls: PollRepository;
  outbox: OutboxRepository;
  nominations: NominationRepository;
  calendarSync: CalendarSyncRepository;
  justering: JusteringRepository;
  /** Deletes up to `limit` meetings over and ended before `before`, with what was recorded at them; the number deleted. */
  purgeMeetingsBefore(before: string, limit: number): Promise<number>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** The slice of pino the features use; logs carry ids, never names or message text. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** What the bot writes into a council's calendar for one meeting. */
export interface CalendarEventInput {
  subject: string;
  /** HTML: the agenda, for those who open the event in Outlook. */
  bodyHtml: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  online: boolean;
  attendees: { name: string; email: string }[];
  categories: string[];
}

/**
 * What changes on an event the bot made: only the properties given are sent. Exchange mails
 * every attendee an update for anything but an attendees-only change, so the caller sends what
 * differs and nothing else.
 */
export interface CalendarEventPatch {
  subject?: string;
  /** The whole body; for an online meeting it must keep the join block Exchange put there. */
  bodyHtml?: string;
  startsAt?: string;
  endsAt?: string;
  place?: string | null;
  attendees?: { name: string; email: string }[];
  categories?: string[];
  /** Ask Exchange for a Teams meeting on an event that has none. */
  online?: true;
}

/** An event with what the bot compares before it changes it. */
export interface CalendarEventDetail extends CalendarEvent {
  bodyHtml: string;
  attendees: string[];
}

/** An event as the calendar has it; times as UTC instants. */
export interface CalendarEvent {
  id: string;
  subject: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  categories: string[];
  cancelled: boolean;
  onlineUrl: string | null;
  /** Set for an event of a recurring series: the master (which holds the pattern), an occurrence, or an exception (a changed occurrence). */
  series?: CalendarSeriesPart;
  /**
   * Set when the calendar gave the times in a zone nobody knows (a custom zone): the zone's name
   * and the wall-clock times as written ("2026-11-30T09:00"); startsAt and endsAt read them as UTC.
   */
  unknownZone?: { zone: string; start: string; end: string };
}

export interface CalendarSeriesPart {
  kind: 'master' | 'occurrence' | 'exception';
  /** The series master's id (the master's own for the master). */
  masterId: string;
  /** The master's pattern and range; null on occurrences and exceptions. */
  recurrence: Recurrence | null;
}

export type CalendarChange = { kind: 'event'; event: CalendarEvent } | { kind: 'removed'; id: string } | { kind: 'unreadable'; id: string; reason: string };

export interface CalendarPage {
  changes: CalendarChange[];
  /** Either more pages of this round, or the link that gives the changes after it. */
  nextLink?: string;
  deltaLink?: string;
}

export interface Calendar {
  /** `transactionId` makes a retried create return the event made the first time. */
  createEvent(mailbox: string, event: CalendarEventInput, transactionId: string): Promise<CalendarEvent>;
  /** Undefined when the event no longer exists. */
  getEvent(mailbox: string, eventId: string): Promise<CalendarEventDetail | undefined>;
  /** Undefined when the event no longer exists. */
  updateEvent(mailbox: string, eventId: string, patch: CalendarEventPatch): Promise<CalendarEvent | undefined>;
  /** Whether the mailbox's calendar may give its events a Teams meeting (its allowedOnlineMeetingProviders). */
  allowsTeams(mailbox: string): Promise<boolean>;
  /**
   * A Teams meeting made on behalf of the mailbox's user, outside its calendar; the same
   * `externalId` gives the same meeting back. Throws TeamsMeetingRefused when the tenant does not let the app.
   */
  createTeamsMeeting(mailbox: string, meeting: { externalId: string; subject: string; startsAt: string; endsAt: string }): Promise<string>;
  /**
   * The user principal name of the mailbox that has `address` among its SMTP addresses;
   * undefined when none has, or when the app may not look users up (User.Read.All).
   */
  mailboxOf(address: string): Promise<string | undefined>;
  /** Cancels and tells the attendees; an event already gone is fine. */
  cancelEvent(mailbox: string, eventId: string, comment: string): Promise<void>;
  /** One page of changes: from a window (a full round), or from a nextLink or deltaLink. */
  changes(mailbox: string, from: { start: string; end: string } | { link: string }): Promise<CalendarPage>;
  /** One event (a series master not in a round); undefined when it no longer exists. */
  event(mailbox: string, eventId: string): Promise<CalendarEvent | undefined>;
}

/** The mailbox cannot be used at all: it does not exist, or the app may not read it. */
export class CalendarAccessError extends Error {
  constructor(
    readonly reason: 'denied' | 'notFound',
    readonly detail: string,
  ) {
    super(`calendar ${reason}: ${detail}`);
    this.name = 'CalendarAccessError';
  }
}

/** The tenant does not let the app make Teams meetings for this mailbox's user; `detail` says what is missing. */
export class TeamsMeetingRefused extends Error {
  constructor(readonly detail: string) {
    super(`Teams meeting refused: ${detail}`);
    this.name = 'TeamsMeetingRefused';
  }
}

/** The saved delta link has expired: a full round is needed. */
export class CalendarSyncExpired extends Error {
  constructor() {
    super('calendar delta link expired');
    this.name = 'CalendarSyncExpired';
  }
}

/** Something went wrong that is worth trying again later; `retryAfterMs` when the service said when. */
/**
 * Entra ID or Graph refuses the app's own credentials (a wrong or expired secret, an unknown
 * certificate): no council can mend it and no retry of one job will; Graph work waits until the
 * administrator renews the secret or certificate, and goes on by itself once it works.
 */
export class GraphCredentialsError extends Error {
  constructor(
    /** When Graph began refusing (ISO). */
    readonly since: string,
    /** When the credentials are next tried (ISO): a job waiting for Graph is due again then. */
    readonly retryAt: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphCredentialsError';
  }
}

/** Whether Graph can be used at all, for `kalender`, /readyz and the outbox. */
export type GraphStatus = { status: 'ok' } | { status: 'credentials-rejected'; since: string; nextProbeAt: string };

/** The process's one view of Graph's credentials, and word when they start or stop being refused. */
export interface GraphAccess {
  status(): GraphStatus;
  onChange(listener: (status: GraphStatus) => void): void;
}

/**
 * Installs the app in one person's personal scope (through Graph, where the admin allows it), so
 * that Teams lets the bot open a 1:1 chat with them. 'installed': done now; 'already': it was
 * there; 'denied': the grant or the app's catalog id is missing, and no retry will change that.
 * A passing failure throws TransientError.
 */
export interface PersonalInstaller {
  install(aadObjectId: string): Promise<'installed' | 'already' | 'denied'>;
}

export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

export type CalendarStatus = 'ok' | 'denied' | 'notFound' | 'failing';

/**
 * How the council's online meetings get their Teams link: from the calendar itself, from the
 * onlineMeetings API (the calendar offers no Teams), or not at all (the chair adds it in Outlook).
 */
export type TeamsSource = 'calendar' | 'onlineMeetings' | 'manual';

export interface CalendarSyncState {
  councilId: string;
  mailbox: string;
  /** Known once an online meeting was put in the calendar. */
  teams?: TeamsSource | null;
  window: { start: string; end: string } | null;
  deltaLink: string | null;
  status: CalendarStatus;
  detail: string | null;
  checkedAt: string;
  syncedAt: string | null;
  /** The council's events read in its own zone because theirs is one nobody knows, until they are mended. */
  unknownZones?: UnknownZoneEvent[];
}

export interface UnknownZoneEvent {
  eventId: string;
  subject: string;
  zone: string;
  startsAt: string;
  endsAt: string;
  /** A series' master: its times are the first meeting's, so it is not dropped when those have passed. */
  series?: true;
}

export interface CalendarSyncRepository {
  find(councilId: string): Promise<CalendarSyncState | undefined>;
  save(state: CalendarSyncState, jobs?: readonly OutboxJob[]): Promise<void>;
  /** The council's recurring series as last read from its calendar. */
  series(councilId: string): Promise<CalendarSeries[]>;
  /** Saves a series as read (its occurrences replacing those known, when `occurrences` is given), with jobs. */
  saveSeries(series: CalendarSeries, occurrences: readonly CalendarOccurrence[] | undefined, jobs?: readonly OutboxJob[]): Promise<void>;
  /** Forgets a series deleted in Outlook, with its occurrences. */
  removeSeries(councilId: string, seriesId: string): Promise<void>;
  occurrences(councilId: string, seriesId?: string): Promise<CalendarOccurrence[]>;
  /** Adds or replaces one occurrence (a change reported without its series). */
  saveOccurrence(occurrence: CalendarOccurrence): Promise<void>;
  removeOccurrences(councilId: string, eventIds: readonly string[]): Promise<void>;
}

/** A recurring series in a council's calendar: one line, however many meetings it holds. */
export interface CalendarSeries {
  councilId: string;
  /** The series master's event id. */
  id: string;
  subject: string;
  place: string | null;
  onlineUrl: string | null;
  /** The master's start: the first occurrence as the pattern has it, whose time of day is the series'. */
  startsAt: string;
  recurrence: Recurrence | null;
  /** When the council was told of the series (null: not yet). */
  toldAt: string | null;
  updatedAt: string;
}

/** An occurrence of a series, known before it is near enough to be a meeting. */
export interface CalendarOccurrence {
  councilId: string;
  seriesId: string;
  /** The occurrence's (or exception's) event id: what its meeting is linked by. */
  eventId: string;
  startsAt: string;
  endsAt: string;
  /** An exception's own subject and place; null: the series'. */
  subject: string | null;
  place: string | null;
  cancelled: boolean;
}

/** A file as it landed in a document library. */
export interface StoredDocument {
  /** The library's id for the file (a drive item id), or the local path. */
  id: string;
  name: string;
  /** Where a person opens it (SharePoint's webUrl, or a file: URL locally). */
  webUrl: string;
  size: number;
}

/**
 * Where minutes are kept: a SharePoint document library through Graph, or a folder on disk.
 * Paths are relative to the library's root, with '/' between folders.
 */
/** Files people share in Teams channels and chats, read through Graph by their SharePoint or OneDrive address. */
export interface SharedFiles {
  /** The file's bytes; throws SharedFileTooLarge, before downloading, for a file over `maxBytes`. */
  read(url: string, maxBytes: number): Promise<Uint8Array>;
}

export class SharedFileTooLarge extends Error {}

export interface DocumentLibrary {
  /**
   * Uploads `content` as `folder/name`. 'version' adds a new version when the file exists (never
   * a silent overwrite); 'rename' keeps both, the new one with a number added; 'fail' refuses.
   */
  upload(
    site: string,
    folder: string,
    name: string,
    content: Uint8Array,
    conflict: 'version' | 'rename' | 'fail',
  ): Promise<StoredDocument>;
  /** The file as PDF (Graph converts it), for uploading beside the original. */
  asPdf(site: string, documentId: string): Promise<Uint8Array>;
}

/** The library refused for good (no access, no such library, no room): told to the secretary, not retried blindly. */
export class LibraryError extends Error {
  constructor(
    readonly reason: 'denied' | 'notFound' | 'full' | 'conflict' | 'invalid',
    readonly detail: string,
  ) {
    super(`library ${reason}: ${detail}`);
    this.name = 'LibraryError';
  }
}

export interface JusteringRepository {
  /** The minutes' state, or undefined before anything was done with them. */
  find(meetingId: string): Promise<MinutesRecord | undefined>;
  adjusters(meetingId: string): Promise<Adjuster[]>;
  /** Names the adjusters (replacing earlier ones, whose approvals go with them); creates the record as a draft. */
  setAdjusters(meetingId: string, userIds: readonly string[], at: string): Promise<MinutesRecord>;
  /** Marks the current version sent for approval by `deadline`, with the jobs (the adjusters' cards). */
  send(meetingId: string, deadline: string, at: string, jobs: readonly OutboxJob[]): Promise<MinutesRecord>;
  /**
   * Records the adjuster's approval of `version`, only if it is still the current one. When that
   * makes every adjuster's approval current, the minutes and the meeting become approved in the
   * same transaction, with the jobs. 'stale' when the minutes changed meanwhile.
   */
  approve(meetingId: string, userId: string, version: number, at: string, jobsIfApproved: readonly OutboxJob[]): Promise<'approved' | 'recorded' | 'stale' | 'notAdjuster'>;
  /** Opens approved minutes for a change: a new version, back to draft, the meeting back to closed. */
  reopen(meetingId: string, expectedVersion: number, at: string): Promise<MinutesRecord | undefined>;
  addComment(comment: MinutesComment, clientKey: string, jobs: readonly OutboxJob[]): Promise<{ comment: MinutesComment; created: boolean }>;
  setDiaryNumber(meetingId: string, diaryNumber: string | null, at: string): Promise<void>;
  /** Records how the latest export went (with jobs, e.g. the export itself when it is queued). */
  setExport(meetingId: string, state: MinutesExport, jobs?: readonly OutboxJob[]): Promise<void>;
  comments(meetingId: string): Promise<MinutesComment[]>;
  /** Names as the approved minutes were signed, of people erased since (their ids now pseudonyms). */
  signedNames(meetingId: string): Promise<{ userId: string; name: string; organisation: string | null }[]>;
}

/** Writes the minutes model as files; the renderers live in src/export. */
export interface MinutesRenderer {
  docx(minutes: Minutes, options: { draft: boolean }): Promise<Uint8Array>;
  markdown(minutes: Minutes, options: { draft: boolean }): string;
}
