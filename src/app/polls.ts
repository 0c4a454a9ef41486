import { can, type Council, type CouncilMember, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { ANONYMOUS_LIVE_MIN_VOTERS, type Poll, type PollSettings, type Tally, checkBallot, checkPoll, count, leaders, tallyOf } from '../domain/poll.js';
import { type CouncilView, councilActingOn, councilById, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import { noteAct } from './attendance.js';
import type { OutboxJob, OutboxRepository, PollRepository, StoredBallot } from './ports.js';

export interface PollDeps extends MeetingDeps {
  polls: PollRepository;
  outbox: OutboxRepository;
  /** The keyed hash an anonymous ballot is stored under: the same for a voter and poll, unreadable without the key. */
  anonymousVoterKey(pollId: string, userId: string): string;
}

/** Votes in a burst refresh the shared card once per this long, not once per vote. */
export const POLL_CARD_COALESCE_MS = 2_000;
/**
 * How long one request has the sole right to post a new poll's card. A request cut off in
 * between (a crash) leaves the card to the next retry after this; well under the minute a
 * restarted instance waits for leases.
 */
export const POLL_CARD_CLAIM_MS = 30_000;

/** Entitled voters: the council's members; guests (adjungerade) speak but do not vote. */
export function voters(view: CouncilView): CouncilMember[] {
  return view.members.filter((m) => m.role !== 'guest');
}

export interface PollView {
  view: CouncilView;
  poll: Poll;
  /** How many have voted, which everyone sees. */
  voted: number;
  entitled: number;
  /** The counts, when they may be shown: live (in an anonymous poll once enough have voted), or once closed. */
  results: Tally | null;
  /** Who chose what, in a named poll whose results are shown. */
  named: { option: string; names: string[] }[] | null;
  /** The viewer's own current choices. */
  mine: string[] | null;
}

function voterKey(deps: PollDeps, poll: Pick<Poll, 'id' | 'anonymous'>, userId: string): string {
  return poll.anonymous ? deps.anonymousVoterKey(poll.id, userId) : userId;
}

/** Whether counts are shown: with few voters, each could work out the others' choices from live counts. */
export function resultsShown(poll: Pick<Poll, 'status' | 'resultsVisibility' | 'anonymous'>, voted: number): boolean {
  if (poll.status === 'closed') return true;
  return poll.resultsVisibility === 'live' && (!poll.anonymous || voted >= ANONYMOUS_LIVE_MIN_VOTERS);
}

export async function pollView(deps: PollDeps, view: CouncilView, poll: Poll, viewerId?: string): Promise<PollView> {
  // A closed anonymous poll has only its counts left.
  const ballots = poll.counted ? [] : await deps.polls.ballots(poll.id);
  const counted = poll.counted ?? count(ballots.map((b) => b.choices));
  const visible = resultsShown(poll, counted.voters);
  const results = visible ? tallyOf(poll, counted) : null;
  const names = new Map(view.members.map((m) => [m.userId, m.name]));
  const named =
    visible && !poll.anonymous
      ? poll.options.map((o) => ({
          option: o.text,
          names: ballots.filter((b) => b.choices.includes(o.id)).map((b) => names.get(b.voterId ?? '') ?? '?').sort((a, b) => a.localeCompare(b, 'sv')),
        }))
      : null;
  const key = viewerId ? voterKey(deps, poll, viewerId) : undefined;
  const mine = key ? (ballots.find((b) => b.voterKey === key)?.choices ?? null) : null;
  return { view, poll, voted: counted.voters, entitled: voters(view).length, results, named, mine };
}

/**
 * The poll and its council. In the council's conversation the poll must be that council's (ids
 * on cards can be forged); in a person's own chat (a reminder) the poll's council decides.
 */
async function councilPoll(deps: PollDeps, conversationId: string, pollId: string): Promise<{ view: CouncilView; poll: Poll }> {
  const poll = await deps.polls.findById(pollId);
  const view = poll && (await councilActingOn(deps, conversationId, poll.councilId));
  if (!poll || !view) throw new RuleError('error.pollNotFound');
  return { view, poll };
}

export async function showPoll(deps: PollDeps, input: { conversationId: string; pollId: string; viewerId?: string }): Promise<PollView> {
  const { view, poll } = await councilPoll(deps, input.conversationId, input.pollId);
  return pollView(deps, view, poll, input.viewerId);
}

function mayStartPolls(council: Council, role: CouncilMember['role'] | undefined): boolean {
  return can(role, 'meeting.run') || (council.membersCreatePolls && (role === 'member'));
}

/** Asked before the poll form is shown too, so nobody fills it in only to be refused. */
export function requireMayStartPolls(view: CouncilView, actorId: string): void {
  const role = roleOf(view, actorId);
  if (!role) throw new RuleError('error.notMember');
  if (!mayStartPolls(view.council, role)) throw new RuleError('error.pollCreateForbidden');
}

/**
 * The chair or secretary (or any member, where the council allows it) starts a poll. Tied to
 * the item under discussion, its result becomes that item's decision. The deadline and the
 * reminder before it are queued with the poll, so they hold across restarts and instances.
 * `created`: this request saved the poll, and so holds the claim on its card (see claimPollCard).
 */
export async function createPoll(
  deps: PollDeps,
  input: { conversationId: string; actorId: string; settings: PollSettings; tieToCurrentItem: boolean; clientKey: string },
): Promise<{ view: CouncilView; poll: Poll; created: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  requireMayStartPolls(view, input.actorId);
  const now = deps.clock.now().toISOString();
  const checked = checkPoll(input.settings, now);
  // A poll during a meeting is part of its record (the minutes show it) even when not tied to an item.
  const meeting = await deps.meetings.findOpen(view.council.id);
  if (input.tieToCurrentItem && !meeting?.currentItemId) throw new RuleError('error.meetingNotOpen');
  const id = deps.newId();
  const jobs: OutboxJob[] = [];
  if (checked.deadline) {
    jobs.push({ key: `poll-deadline:${id}`, kind: 'pollDeadline', payload: { pollId: id }, dueAt: checked.deadline });
    if (checked.remindBeforeMinutes) {
      const remindAt = new Date(Math.max(Date.parse(now), Date.parse(checked.deadline) - checked.remindBeforeMinutes * 60_000)).toISOString();
      jobs.push({ key: `poll-remind:${id}:auto`, kind: 'pollReminder', payload: { pollId: id, round: 'auto' }, dueAt: remindAt });
    }
  }
  const { poll, created } = await deps.polls.create(
    {
      ...checked,
      options: checked.options.map((text, i) => ({ id: `o${i + 1}`, text })),
      id,
      councilId: view.council.id,
      meetingId: meeting?.id ?? null,
      agendaItemId: input.tieToCurrentItem ? (meeting?.currentItemId ?? null) : null,
      status: 'open',
      createdBy: input.actorId,
      createdAt: now,
      closedAt: null,
      activityId: null,
    },
    input.clientKey,
    jobs,
    new Date(Date.parse(now) + POLL_CARD_CLAIM_MS).toISOString(),
  );
  return { view, poll, created };
}

/**
 * One ballot per member, changeable until the poll closes. Anonymous ballots are stored under
 * the keyed hash with no voter id and no time; the shared card is refreshed once for a burst.
 */
export async function castVote(
  deps: PollDeps,
  input: { conversationId: string; actorId: string; pollId: string; choices: readonly string[]; council?: CouncilView },
): Promise<{ result: PollView; changed: boolean }> {
  const poll = await deps.polls.findById(input.pollId);
  // The council the turn already loaded, when the vote comes from its conversation.
  const view = poll && (input.council ? (input.council.council.id === poll.councilId ? input.council : undefined) : await councilActingOn(deps, input.conversationId, poll.councilId));
  if (!poll || !view) throw new RuleError('error.pollNotFound');
  const member = view.members.find((m) => m.userId === input.actorId);
  if (!member || member.role === 'guest') throw new RuleError('error.pollNotEntitled');
  const choices = checkBallot(poll, input.choices);
  const now = deps.clock.now();
  const ballot: StoredBallot & { votedAt: string | null } = poll.anonymous
    ? { voterKey: deps.anonymousVoterKey(poll.id, input.actorId), choices, voterId: null, votedAt: null }
    : { voterKey: input.actorId, choices, voterId: input.actorId, votedAt: now.toISOString() };
  const refresh: OutboxJob = {
    key: `poll-card:${poll.id}`,
    kind: 'pollCard',
    payload: { pollId: poll.id },
    dueAt: new Date(now.getTime() + POLL_CARD_COALESCE_MS).toISOString(),
    mode: 'rearm',
  };
  const outcome = await deps.polls.castBallot(poll.id, ballot);
  if (outcome === 'closed') throw new RuleError('error.pollClosed');
  // Queued after the ballot is saved, not with it: in one transaction every vote of a burst
  // would wait on the same outbox row. A crash in between only leaves the count on the shared
  // card behind until the next vote or the closing.
  if (outcome === 'saved') await deps.outbox.enqueue([refresh], now.toISOString());
  // A vote in a poll of the running meeting shows the member is there.
  if (outcome === 'saved' && poll.meetingId) await noteAct(deps, view, await deps.meetings.findById(poll.meetingId), input.actorId, 'voted');
  return { result: await pollView(deps, view, poll, input.actorId), changed: outcome === 'saved' };
}

/** Closing queues the results; the chair and secretary close any poll, a member the one they started. */
export async function closePoll(deps: PollDeps, input: { conversationId: string; actorId: string; pollId: string }): Promise<PollView> {
  const { view, poll } = await councilPoll(deps, input.conversationId, input.pollId);
  const role = roleOf(view, input.actorId);
  if (!can(role, 'meeting.run') && !(poll.createdBy === input.actorId && role)) throw new RuleError(role ? 'error.forbidden' : 'error.notMember');
  if (poll.status === 'closed') throw new RuleError('error.pollClosed');
  const closed = await closeNow(deps, poll);
  return pollView(deps, view, closed ?? (await deps.polls.findById(poll.id))!, input.actorId);
}

async function closeNow(deps: PollDeps, poll: Poll): Promise<Poll | undefined> {
  const at = deps.clock.now().toISOString();
  return deps.polls.close(poll.id, at, [{ key: `poll-results:${poll.id}`, kind: 'pollResults', payload: { pollId: poll.id }, dueAt: at }]);
}

/** Whether this caller posts the poll's card: exactly one of any number of identical requests does. */
export async function claimPollCard(deps: PollDeps, pollId: string): Promise<boolean> {
  const now = deps.clock.now();
  return deps.polls.claimCard(pollId, now.toISOString(), new Date(now.getTime() + POLL_CARD_CLAIM_MS).toISOString());
}

/** The deadline job: closes the poll if nobody closed it first. */
export async function closeAtDeadline(deps: PollDeps, pollId: string): Promise<void> {
  const poll = await deps.polls.findById(pollId);
  if (!poll || poll.status !== 'open') return;
  if (poll.deadline && Date.parse(poll.deadline) > deps.clock.now().getTime()) return;
  await closeNow(deps, poll);
}

/** The poll's council, for jobs that run outside any conversation turn. */
export async function pollWithCouncil(deps: PollDeps, pollId: string): Promise<{ view: CouncilView; poll: Poll } | undefined> {
  const poll = await deps.polls.findById(pollId);
  const view = poll && (await councilById(deps, poll.councilId));
  return poll && view ? { view, poll } : undefined;
}

/**
 * A poll tied to an agenda item gives that item its decision, once however often the results
 * job runs: "Omröstning: fråga – A 5 röster (63 %), B 3 (38 %)".
 */
export async function recordPollDecision(deps: PollDeps, data: PollView, words: { text(data: PollView): string }): Promise<void> {
  const { poll } = data;
  if (!poll.meetingId || !poll.agendaItemId || !data.results) return;
  const meeting = await deps.meetings.findById(poll.meetingId);
  if (!meeting || meeting.status === 'approved' || meeting.status === 'cancelled') return;
  const item = (await deps.meetings.agenda(meeting.id)).find((i) => i.id === poll.agendaItemId);
  const result = data.results;
  const top = leaders(result);
  await deps.decisions.record(
    {
      id: deps.newId(),
      meetingId: meeting.id,
      agendaItemId: poll.agendaItemId,
      itemNumber: null,
      itemTitle: item?.title ?? null,
      text: words.text(data),
      outcome: 'decided',
      reason: null,
      vote: top.length > 0 && poll.options.length === 2 && poll.maxChoices === 1
        ? { for: result.options[0]!.votes, against: result.options[1]!.votes, abstain: 0 }
        : null,
      recordedBy: poll.createdBy,
      recordedAt: deps.clock.now().toISOString(),
    },
    `poll:${poll.id}`,
  );
}

/** Members entitled to vote who have not, for a reminder; never anyone who voted. */
export async function notVotedYet(deps: PollDeps, view: CouncilView, poll: Poll): Promise<CouncilMember[]> {
  const keys = new Set((await deps.polls.ballots(poll.id)).map((b) => b.voterKey));
  return voters(view).filter((m) => !keys.has(voterKey(deps, poll, m.userId)) && !m.userId.startsWith('guest:'));
}

/** The chair's reminder, or the automatic one before the deadline: one personal job per member who has not voted. */
export async function remindNonVoters(deps: PollDeps, input: { pollId: string; round: string }): Promise<number> {
  const found = await pollWithCouncil(deps, input.pollId);
  if (!found || found.poll.status !== 'open') return 0;
  const missing = await notVotedYet(deps, found.view, found.poll);
  const at = deps.clock.now().toISOString();
  await deps.outbox.enqueue(
    missing.map((m) => ({
      key: reminderJobKey(deps, found.poll.id, input.round, m.userId),
      kind: 'pollReminderTo',
      payload: { pollId: found.poll.id, userId: m.userId, round: input.round },
      dueAt: at,
    })),
    at,
  );
  return missing.length;
}

/**
 * A personal reminder's job key: one per member and round, yet naming nobody (the payload that
 * does is blanked once sent). Hashed apart from the ballot key, so it matches no ballot either.
 */
export function reminderJobKey(deps: Pick<PollDeps, 'anonymousVoterKey'>, pollId: string, round: string, userId: string): string {
  return `poll-remind:${pollId}:${round}:${deps.anonymousVoterKey(`reminder:${pollId}`, userId)}`;
}

/** The chair (or secretary) asks for a reminder now. */
export async function remindNow(deps: PollDeps, input: { conversationId: string; actorId: string; pollId: string; round: string }): Promise<number> {
  const { view, poll } = await councilPoll(deps, input.conversationId, input.pollId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  if (poll.status !== 'open') throw new RuleError('error.pollClosed');
  return remindNonVoters(deps, { pollId: poll.id, round: input.round });
}

/** Whether a member still has not voted: checked again just before their reminder goes out. */
export async function stillNotVoted(deps: PollDeps, poll: Poll, userId: string): Promise<boolean> {
  return poll.status === 'open' && !(await deps.polls.ballot(poll.id, voterKey(deps, poll, userId)));
}

/** The chair lets members start polls, or takes it back. */
export async function setMembersCreatePolls(deps: PollDeps, input: { conversationId: string; actorId: string; allowed: boolean }): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.manageRoles');
  if (!(await deps.councils.setMembersCreatePolls(view.council.id, input.allowed, view.council.version, deps.clock.now().toISOString()))) {
    throw new StaleError();
  }
  return requireCouncil(deps, input.conversationId);
}
