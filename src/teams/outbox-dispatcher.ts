import { fileURLToPath } from 'node:url';
import { assignedItem } from '../app/action-items.js';
import { pushMeeting, syncCalendar } from '../app/calendar.js';
import { seriesViews } from '../app/calendar-series.js';
import { seriesNoticeText } from './calendar-handlers.js';
import { stillRefused } from '../app/graph-credentials.js';
import { justeringById } from '../app/justering.js';
import { type ExportPayload, runExport } from '../app/minutes-export.js';
import { adjusterNames, exportedCard, justeringCard } from './justering-views.js';
import { type CouncilView, councilById, councilForConversation, syncRoster } from '../app/councils.js';
import type { RosterEntry } from '../app/ports.js';
import { formatMeetingWhen } from '../domain/meeting-time.js';
import { StoreUnavailableError } from '../domain/errors.js';
import { roundById } from '../app/nominations.js';
import { closeAtDeadline, pollView, pollWithCouncil, recordPollDecision, remindNonVoters, reminderJobKey, stillNotVoted } from '../app/polls.js';
import { type CalendarStatus, type ClaimedJob, GraphCredentialsError, type LeaseOwner, type LibraryError, type TeamsSource } from '../app/ports.js';
import { dueMeeting, personalReminder, reminderRecipients } from '../app/reminders.js';
import { t } from '../i18n/index.js';
import { countParkedJob, deliveringJob } from '../telemetry/signals.js';
import { assignedCard, postedActionCard } from './action-handlers.js';
import { load } from '../app/agenda-view.js';
import type { ActionCardPayload, AgendaCardPayload, AttendanceCardPayload, DecisionCardPayload, MeetingClosedPayload, RosterSyncPayload } from '../app/conversation-jobs.js';
import { viewOf as attendanceView } from '../app/attendance.js';
import { attendanceCard } from './attendance-views.js';
import { unconfirmedCount } from '../domain/attendance.js';
import { closedNotice } from './closing-views.js';
import { decisionView } from '../app/decisions.js';
import { upcomingMeetings } from '../app/meetings.js';
import type { Meeting } from '../domain/meeting.js';
import { meetingsCard } from './meeting-views.js';
import { decisionCard } from './decision-views.js';
import { agendaCard } from './agenda-views.js';
import { nominationAskCard, roundCard } from './nomination-views.js';
import { pollCard, pollDecisionText } from './poll-views.js';
import type { PersonalAddress, Proactive } from './proactive.js';
import type { ReachPurpose } from '../domain/council.js';
import type { CardJson } from './card-templates.js';
import { todayIn } from './reminder-handlers.js';
import { reminderCard } from './reminder-views.js';
import { ConversationGoneError } from './conversation-gone.js';
import { UndeliverableJobError, classifyFailure, shouldPark } from './outbox-failure.js';
import { retryAfterMs } from './retry-after.js';
import type { LateRepliesPayload } from './late-replies.js';
import { rememberPosted } from './posted-cards.js';
import { cardActivity } from './replies.js';
import { fetchRoster } from './roster.js';
import { councilCard } from './views.js';
import type { SharedCardPayload } from './shared-card.js';
import type { TurnKit } from './turn-kit.js';
import { withNextStep } from './next-step.js';

const LEASE_MS = 60_000;
const REARM_GAP_MS = 1_000;
// Sent jobs are kept a month (their keys keep a reminder from going out twice), then cleared
// an hour at a time: calendar syncs alone add one row per council every few minutes.
const KEEP_SENT_MS = 30 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;
const PURGE_BATCH = 5_000;
const RETENTION_BATCH = 200;
// A minute at most: Teams' throttling clears within seconds, and a reminder should not wait for minutes.
const MAX_BACKOFF_MS = 60_000;

type Handler = (payload: any) => Promise<void>;

/** This process as a lease holder, and how to tell that an earlier process of the same instance has stopped. */
export interface LeaseIdentity {
  owner: LeaseOwner;
  gone(previous: { pid: number; startedAt: string }): boolean;
}

/** Whether this instance's delivery loop is going: it claimed from the store lately. */
export interface OutboxHealth {
  alive: boolean;
  /** Since the last successful look at the store; null before the first. */
  lastPassMsAgo: number | null;
  inFlight: number;
}

/** The GraphCredentialsError behind a failure, through a wrapper or two. */
function credentialsRefused(err: unknown, depth = 0): GraphCredentialsError | undefined {
  if (err instanceof GraphCredentialsError) return err;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && depth < 5 ? credentialsRefused(cause, depth + 1) : undefined;
}

function person(view: CouncilView, userId: string): { userId: string; name: string } {
  return { userId, name: view.members.find((m) => m.userId === userId)?.name ?? '' };
}

function address(view: CouncilView, userId: string): PersonalAddress {
  const member = view.members.find((m) => m.userId === userId);
  return { userId, name: member?.name ?? '', aadObjectId: member?.aadObjectId ?? null };
}

export interface OutboxDispatcher {
  stop(): Promise<void>;
  runOnce(): Promise<number>;
  health(): OutboxHealth;
  /**
   * Looks for due jobs now instead of at the next interval: a turn that queued what the
   * conversation should see calls it once its change is committed, so the chat follows at once.
   */
  wake(): void;
}

/**
 * Delivers the outbox: proactive cards, poll deadlines and reminders. Every instance runs one;
 * the lease in the store gives each job to one of them, and a failed job comes back with
 * growing pauses (Teams answers 429 when a conversation gets too much at once). One that
 * cannot succeed (outbox-failure.ts says which) is parked for the admin after a few attempts.
 */
export function startOutbox(
  kit: TurnKit,
  proactive: Proactive,
  {
    intervalMs,
    concurrency,
    retentionYears,
    leaseMs = LEASE_MS,
    lease,
  }: { intervalMs: number; concurrency: number; retentionYears?: number; leaseMs?: number; lease?: LeaseIdentity },
): OutboxDispatcher {
  const deps = kit.pollDeps;
  const { store, logger, clock } = kit.deps;

  /**
   * One person's card to their 1:1 chat. Where Teams refuses that chat it is not sent anywhere
   * else (it is about their own vote or duty); their membership records that they could not be
   * reached and for what, which the chair's own view of the council's cards counts.
   */
  async function toPerson(view: CouncilView, userId: string, purpose: ReachPurpose, card: CardJson): Promise<void> {
    const outcome = await proactive.toPerson(view.council.conversationId, address(view, userId), card);
    const member = view.members.find((m) => m.userId === userId);
    if (outcome === 'personal' || outcome === 'installed') {
      if (member?.unreached) await store.councils.markReached(userId);
      if (outcome === 'installed') logger.info({ council: view.council.id, purpose }, 'the app was installed for a member to reach them in a personal chat');
      return;
    }
    await store.councils.markUnreached(view.council.id, userId, purpose, clock.now().toISOString());
    if (outcome === 'installDenied') logger.warn({ council: view.council.id, purpose }, 'Graph refused to install the app for a member (check TEAMS_APP_CATALOG_ID and the TeamsAppInstallation.ReadWriteSelfForUser.All grant); their card was not sent');
    else logger.info({ council: view.council.id, purpose }, 'a member has not installed the app: their personal card was not sent');
  }

  const handlers: Record<string, Handler> = {
    async meetingReminder({ meetingId, startsAt, daysBefore }: { meetingId: string; startsAt: string; daysBefore: number }) {
      const agenda = await dueMeeting(kit.meetingDeps, meetingId, startsAt);
      if (!agenda) return;
      const at = clock.now().toISOString();
      // One job per member, so each is sent once whatever happens to the others.
      const recipients = await reminderRecipients(kit.meetingDeps, agenda);
      await store.outbox.enqueue(
        recipients.map((userId) => ({
          key: `member-reminder:${meetingId}:${startsAt}:${daysBefore}:${userId}`,
          kind: 'memberReminder',
          payload: { meetingId, startsAt, userId },
          dueAt: at,
        })),
        at,
      );
      await proactive.inConversation(agenda.view.council.conversationId, async (context) => {
        await context.sendActivity(cardActivity(agendaCard(agenda, undefined)));
      });
    },
    async memberReminder({ meetingId, startsAt, userId }: { meetingId: string; startsAt: string; userId: string }) {
      const reminder = await personalReminder(kit.meetingDeps, { meetingId, startsAt, userId });
      if (!reminder) return;
      const { view } = reminder.agenda;
      await toPerson(view, userId, 'reminder', reminderCard(reminder, todayIn(kit, view.council.timeZone)));
    },
    async actionDue({ actionItemId }: { actionItemId: string }) {
      // Only an item still open: one done (or gone) needs no reminder.
      const found = await assignedItem(kit.meetingDeps, actionItemId);
      if (!found) return;
      const { view, item } = found;
      const intro = t(view.council.locale, 'actions.dueReminder', { council: view.council.name });
      await toPerson(view, item.ownerUserId, 'actionItem', assignedCard(kit, found, intro));
    },
    async actionAssigned({ actionItemId }: { actionItemId: string }) {
      const found = await assignedItem(kit.meetingDeps, actionItemId);
      if (!found) return;
      await toPerson(found.view, found.item.ownerUserId, 'actionItem', assignedCard(kit, found));
    },
    async roundCard({ roundId }: { roundId: string }) {
      const found = await roundById(kit.nominationDeps, roundId);
      const activityId = found?.round.activityId;
      if (!found || !activityId) return;
      const card = roundCard(found, undefined);
      await proactive.inConversation(found.view.council.conversationId, async (context) => {
        await context.updateActivity({ ...cardActivity(card), id: activityId });
      });
    },
    async nominationAsk({ nominationId }: { nominationId: string }) {
      const nomination = await kit.nominationDeps.nominations.findNomination(nominationId);
      const found = nomination && (await roundById(kit.nominationDeps, nomination.roundId));
      if (!nomination?.nomineeUserId || !found || found.round.status !== 'open') return;
      await toPerson(found.view, nomination.nomineeUserId, 'nominationAsk', nominationAskCard(found, nomination));
    },
    async pollCard({ pollId }: { pollId: string }) {
      const found = await pollWithCouncil(deps, pollId);
      const activityId = found?.poll.activityId;
      if (!found || !activityId) return;
      const card = pollCard(await pollView(deps, found.view, found.poll), undefined);
      await proactive.inConversation(found.view.council.conversationId, async (context) => {
        await context.updateActivity({ ...cardActivity(card), id: activityId });
      });
    },
    async decisionCard({ decisionId, notice: answer }: DecisionCardPayload) {
      const again = answer !== undefined;
      const decisions = kit.meetingDeps.decisions;
      const decision = await decisions.findById(decisionId);
      const meeting = decision && (await kit.meetingDeps.meetings.findById(decision.meetingId));
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      // Undone before its card went out: nothing to show. Posted already (a job resumed after a stop): once is enough.
      if (!view || (!again && (await decisions.cardActivity(decisionId)) !== null)) return;
      const { conversationId, locale } = view.council;
      const data = await decisionView(kit.meetingDeps, conversationId, decisionId);
      const notice = answer && { text: t(locale, `decision.${answer}`), kind: answer === 'already' ? ('warning' as const) : ('good' as const) };
      let posted: string | undefined;
      await proactive.inConversation(conversationId, async (context) => {
        posted = (await context.sendActivity(cardActivity(decisionCard(data, undefined, { notice }))))?.id;
      });
      if (!again && posted) await decisions.setCardActivity(decisionId, posted);
    },
    async agendaCard({ meetingId, activityId }: AgendaCardPayload) {
      const meeting = await kit.meetingDeps.meetings.findById(meetingId);
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      if (!view) return;
      // The meeting as it is now: updates queued one after another show the latest of them. A
      // cancelled meeting's card gives way to the meetings still planned, whichever update came first.
      const card = meeting.status === 'cancelled' ? await cancelledCard(view, meeting) : agendaCard(await load(kit.meetingDeps, view, meeting), undefined);
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.updateActivity({ ...cardActivity(card), id: activityId });
      });
    },
    async attendanceCard({ meetingId, activityId }: AttendanceCardPayload) {
      const meeting = await kit.meetingDeps.meetings.findById(meetingId);
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      if (!view || meeting.status === 'cancelled') return;
      // As it was posted: in the view of those who take attendance, so its buttons stay for them.
      const leader = view.members.find((m) => m.role === 'chair') ?? view.members.find((m) => m.role === 'secretary');
      const card = attendanceCard(await attendanceView(kit.meetingDeps, view, meeting), leader?.userId ?? '');
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.updateActivity({ ...cardActivity(card), id: activityId });
      });
    },
    async meetingClosed({ meetingId }: MeetingClosedPayload) {
      const meeting = await kit.meetingDeps.meetings.findById(meetingId);
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      if (!view || !meeting.closedAt) return;
      const agenda = await load(kit.meetingDeps, view, meeting);
      const attendance = await kit.meetingDeps.attendance.forMeeting(meetingId);
      const openPolls = (await kit.pollDeps.polls.forMeeting(meetingId)).filter((p) => p.status === 'open').length;
      const text = closedNotice(agenda, unconfirmedCount(attendance, view.members), openPolls);
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(text);
      });
    },
    async actionCard({ actionItemId, viewerId, confirm }: ActionCardPayload) {
      const item = await kit.meetingDeps.actionItems.findById(actionItemId);
      const view = item && (await councilById(kit.councilDeps, item.councilId));
      if (!item || !view) return;
      const card = await postedActionCard(kit, view, item, viewerId, confirm);
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(cardActivity(card));
      });
    },
    async lateReplies({ conversationId, ops }: LateRepliesPayload) {
      // In the thread the turn came from, in the turn's order; a retry after a partial failure sends the first ones again.
      await proactive.inConversation(conversationId, async (context) => {
        for (const op of ops) {
          if (op.op === 'update') {
            await context.updateActivity(op.activity);
            continue;
          }
          const sent = await context.sendActivity(op.activity);
          if (op.keep && sent?.id) await rememberPosted(store, op.keep, sent.id);
        }
      });
    },
    async rosterSync({ conversationId, cardActivityId, tell }: RosterSyncPayload) {
      let roster: RosterEntry[] = [];
      // Fetched outside a turn, through the conversation's stored reference; a failure is retried like any job.
      await proactive.inConversation(conversationId, async (context) => {
        roster = await fetchRoster(context);
      });
      const count = await syncRoster(kit.councilDeps, { conversationId, roster });
      const view = await councilForConversation(kit.councilDeps, conversationId);
      if (!view) return;
      const { locale } = view.council;
      const chair = view.members.find((m) => m.role === 'chair')?.name ?? '';
      await proactive.inConversation(conversationId, async (context) => {
        if (cardActivityId) {
          const notice = { text: withNextStep(locale, t(locale, 'setup.done', { chair, count: view.members.length }), 'afterSetup'), kind: 'good' as const };
          await context.updateActivity({ ...cardActivity(councilCard(view, undefined, locale, notice)), id: cardActivityId });
        }
        if (tell) await context.sendActivity(t(locale, 'council.rosterSynced', { count }));
      });
    },
    async sharedCard({ conversationId, activityId, card }: SharedCardPayload) {
      await proactive.inConversation(conversationId, async (context) => {
        await context.updateActivity({ ...cardActivity(card), id: activityId });
      });
    },
    async pollDeadline({ pollId }: { pollId: string }) {
      await closeAtDeadline(deps, pollId);
    },
    async pollResults({ pollId }: { pollId: string }) {
      const found = await pollWithCouncil(deps, pollId);
      if (!found) return;
      // Before the results go out, the closed ballots leave the database files too; a failure
      // here is retried like any job, and the results wait for it.
      if (found.poll.anonymous) await deps.polls.scrubDeleted();
      const data = await pollView(deps, found.view, found.poll);
      await recordPollDecision(deps, data, { text: pollDecisionText });
      const locale = found.view.council.locale;
      await proactive.inConversation(found.view.council.conversationId, async (context) => {
        if (found.poll.activityId) await context.updateActivity({ ...cardActivity(pollCard(data, undefined)), id: found.poll.activityId });
        await context.sendActivity(cardActivity(pollCard(data, undefined, { text: t(locale, 'poll.resultsIntro'), kind: 'good' })));
      });
    },
    async calendarPush({ meetingId }: { meetingId: string }) {
      await pushMeeting(kit.calendarDeps, meetingId);
    },
    async calendarSync({ councilId, slot }: { councilId: string; slot: number }) {
      await syncCalendar(kit.calendarDeps, councilId, slot);
    },
    async calendarStatus({ councilId, status }: { councilId: string; status: CalendarStatus }) {
      const view = await councilById(kit.councilDeps, councilId);
      const mailbox = view?.council.calendar?.mailbox;
      if (!view || !mailbox) return;
      const key = status === 'denied' ? 'calendar.statusDenied' : status === 'notFound' ? 'calendar.statusNotFound' : 'calendar.recovered';
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(view.council.locale, key, { mailbox }));
      });
    },
    async calendarAlias({ councilId, alias, mailbox }: { councilId: string; alias: string; mailbox: string }) {
      const view = await councilById(kit.councilDeps, councilId);
      if (!view) return;
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(view.council.locale, 'calendar.aliasFollowed', { alias, mailbox }));
      });
    },
    async calendarTeams({ councilId, teams }: { councilId: string; teams: TeamsSource }) {
      const view = await councilById(kit.councilDeps, councilId);
      const mailbox = view?.council.calendar?.mailbox;
      if (!view || !mailbox) return;
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(view.council.locale, teams === 'manual' ? 'calendar.teamsManual' : 'calendar.teamsRestored', { mailbox }));
      });
    },
    async calendarUnknownZone({ councilId, subject, zone, startsAt, endsAt }: { councilId: string; subject: string; zone: string; startsAt: string; endsAt: string }) {
      const view = await councilById(kit.councilDeps, councilId);
      if (!view?.council.calendar) return;
      const { locale, timeZone } = view.council;
      const when = formatMeetingWhen(startsAt, endsAt, locale, timeZone);
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(locale, 'calendar.unknownZone', { title: subject || view.council.name, zone, timeZone, when }));
      });
    },
    async graphCredentials({ councilId, since }: { councilId: string; since: string }) {
      const view = await councilById(kit.councilDeps, councilId);
      // Over before the word went out (the secret was renewed meanwhile): there is nothing to tell.
      if (!view || !(await stillRefused({ ...kit.councilDeps, outbox: store.outbox, state: store.state }, since))) return;
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(view.council.locale, 'graph.credentialsRejected'));
      });
    },
    async calendarNotice({ meetingId, change }: { meetingId: string; change: 'created' | 'moved' | 'cancelled' }) {
      const meeting = await kit.meetingDeps.meetings.findById(meetingId);
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      if (!meeting || !view) return;
      const { locale, timeZone } = view.council;
      const key = change === 'created' ? 'calendar.noticeCreated' : change === 'moved' ? 'calendar.noticeMoved' : 'calendar.noticeCancelled';
      const when = formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, timeZone);
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(t(locale, key, { title: meeting.title, when }));
      });
    },
    async calendarSeriesNotice({ councilId, seriesId }: { councilId: string; seriesId: string }) {
      const view = await councilById(kit.councilDeps, councilId);
      const series = view && (await seriesViews(kit.calendarDeps, view.council, clock.now().toISOString())).find((s) => s.series.id === seriesId);
      if (!view || !series) return;
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(seriesNoticeText(view.council, series));
      });
    },
    async calendarGoneWhileOpen({ meetingId }: { meetingId: string }) {
      const meeting = await kit.meetingDeps.meetings.findById(meetingId);
      const view = meeting && (await councilById(kit.councilDeps, meeting.councilId));
      if (!meeting || !view) return;
      const { locale, timeZone } = view.council;
      const chairs = view.members.filter((m) => m.role === 'chair').map((m) => m.name);
      const text = t(locale, 'calendar.goneWhileOpen', {
        chair: chairs.join(', ') || t(locale, 'calendar.theChair'),
        title: meeting.title,
        when: formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, timeZone),
      });
      await proactive.inConversation(view.council.conversationId, async (context) => {
        await context.sendActivity(text);
      });
    },
    async justeringAsk({ meetingId, version, userId }: { meetingId: string; version: number; userId: string }) {
      const view = await justeringById(kit.minutesDeps, meetingId);
      // Only the version still waiting: a newer version has its own cards, an approved one needs none.
      if (!view || view.minutes.version !== version || view.minutes.status !== 'sent') return;
      if (!view.adjusters.some((a) => a.userId === userId && a.approvedVersion !== version)) return;
      const council = view.agenda.view;
      const card = justeringCard(view, userId, undefined, t(council.council.locale, 'justering.askIntro'));
      await toPerson(council, userId, 'justering', card);
    },
    async justeringComment({ meetingId, commentId, to }: { meetingId: string; commentId: string; to: string }) {
      const view = await justeringById(kit.minutesDeps, meetingId);
      const comment = view && (await kit.minutesDeps.justering.comments(meetingId)).find((c) => c.id === commentId);
      if (!view || !comment) return;
      const council = view.agenda.view;
      const { locale, timeZone } = council.council;
      const text = t(locale, 'justering.commentToSecretary', {
        name: person(council, comment.userId).name,
        when: formatMeetingWhen(view.agenda.meeting.startsAt, view.agenda.meeting.endsAt, locale, timeZone),
        version: comment.version,
        text: comment.text,
      });
      await toPerson(council, to, 'justering', justeringCard(view, to, { text, kind: 'warning' }));
    },
    async justeringDone({ meetingId, version }: { meetingId: string; version: number }) {
      const view = await justeringById(kit.minutesDeps, meetingId);
      if (!view || view.minutes.status !== 'approved' || view.minutes.version !== version) return;
      const council = view.agenda.view.council;
      const when = formatMeetingWhen(view.agenda.meeting.startsAt, view.agenda.meeting.endsAt, council.locale, council.timeZone);
      await proactive.inConversation(council.conversationId, async (context) => {
        await context.sendActivity(t(council.locale, 'justering.done', { when, names: adjusterNames(view, council.locale) }));
      });
    },
    async minutesExport(payload: ExportPayload) {
      await runExport(kit.minutesDeps, payload);
    },
    async minutesExported({ meetingId, draft, where }: ExportPayload & { where: string }) {
      const view = await justeringById(kit.minutesDeps, meetingId);
      if (!view?.minutes.export) return;
      const council = view.agenda.view.council;
      const when = formatMeetingWhen(view.agenda.meeting.startsAt, view.agenda.meeting.endsAt, council.locale, council.timeZone);
      const links = kit.deps.fileLinks;
      const saved = view.minutes.export.files;
      const local = links && saved.find((f) => f.webUrl.startsWith('file:') && f.name.endsWith('.docx'));
      // In local mode the files are on this machine: where they are, and links the Playground's user can open.
      const saidWhere = t(council.locale, draft ? 'minutes.exportedDraft' : 'minutes.exportedFinal', { when, where });
      const message = local ? `${saidWhere} ${t(council.locale, 'minutesFile.localReady', { path: fileURLToPath(local.webUrl) })}` : saidWhere;
      const files = links ? saved.map((f) => ({ name: f.name, webUrl: (f.webUrl.startsWith('file:') && links.urlFor(f.webUrl)) || f.webUrl })) : saved;
      const card = exportedCard(council.locale, message, files);
      await proactive.inConversation(council.conversationId, async (context) => {
        await context.sendActivity(cardActivity(card));
      });
    },
    async minutesExportFailed({ meetingId, reason }: ExportPayload & { reason: LibraryError['reason'] }) {
      const view = await justeringById(kit.minutesDeps, meetingId);
      if (!view) return;
      const council = view.agenda.view.council;
      const when = formatMeetingWhen(view.agenda.meeting.startsAt, view.agenda.meeting.endsAt, council.locale, council.timeZone);
      const key = { denied: 'minutes.failDenied', notFound: 'minutes.failNotFound', full: 'minutes.failFull', conflict: 'minutes.failConflict', invalid: 'minutes.failInvalid' } as const;
      await proactive.inConversation(council.conversationId, async (context) => {
        await context.sendActivity(t(council.locale, 'minutes.exportFailed', { when, reason: t(council.locale, key[reason]) }));
      });
    },
    async pollReminder({ pollId, round }: { pollId: string; round: string }) {
      await remindNonVoters(deps, { pollId, round });
    },
    async pollReminderTo({ pollId, userId, round }: { pollId?: string; userId?: string; round?: string }) {
      // Blanked once sent: a job resumed after that has nothing left to do.
      if (!pollId || !userId) return;
      const found = await pollWithCouncil(deps, pollId);
      // Checked again now: whoever voted since the reminder was queued gets nothing.
      if (found && (await stillNotVoted(deps, found.poll, userId))) {
        const { council } = found.view;
        const data = await pollView(deps, found.view, found.poll, userId);
        const card = pollCard(data, userId, { text: t(council.locale, 'poll.reminderIntro', { council: council.name }), kind: 'warning' });
        await toPerson(found.view, userId, 'pollReminder', card);
      }
      // Done with: the row no longer says whom it was for (jobs queued before keys were hashed have no round).
      if (round !== undefined) await deps.polls.redactReminder(reminderJobKey(deps, pollId, round, userId));
    },
  };

  async function cancelledCard(view: CouncilView, meeting: Meeting) {
    const { locale, timeZone } = view.council;
    const { meetings, more } = await upcomingMeetings(kit.meetingDeps, view.council.conversationId);
    const when = formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, timeZone);
    return meetingsCard(view.council, meetings, more, locale, { notice: { text: t(locale, 'meeting.cancelled', { when }), kind: 'warning' } });
  }

  async function deliver(job: ClaimedJob): Promise<void> {
    const handler = handlers[job.kind];
    // Teams has no idempotent send: a job cut off after the connector took its message goes out twice.
    // Sending again is the lesser harm (a reminder twice, not never); the log says which job it was.
    if (job.resumed) logger.warn({ job: job.key, kind: job.kind, attempts: job.attempts }, 'outbox job resumed after an instance stopped mid-delivery');
    try {
      const lagMs = clock.now().getTime() - Date.parse(job.dueAt);
      await deliveringJob({ kind: job.kind, attempt: job.attempts, lagMs }, async () => {
        if (!handler) throw new UndeliverableJobError(`no handler for ${job.kind}`);
        if (job.unreadable) throw new UndeliverableJobError(`the payload of the ${job.kind} job is not JSON`);
        await handler(job.payload);
      });
      const done = clock.now();
      // A card re-armed while it went out (votes kept coming) is refreshed again a moment later, not at once:
      // a burst then gives a few coalesced updates instead of one per delivery.
      await store.outbox.complete(job, done.toISOString(), new Date(done.getTime() + REARM_GAP_MS).toISOString());
    } catch (err) {
      await failed(job, err).catch((storeErr: unknown) =>
        // The store is away too: the job's lease runs out and it comes back as resumed.
        logger.error({ err: storeErr, id: job.id, kind: job.kind }, 'outbox: a failed delivery could not be recorded'),
      );
    }
  }

  /** A failed delivery: tried again later, or set aside for the admin when trying again will not help. */
  async function failed(job: ClaimedJob, err: unknown): Promise<void> {
    const refused = credentialsRefused(err);
    if (refused) {
      // Every Graph job would fail alike until the administrator renews the credentials: it waits for the next probe.
      logger.info({ id: job.id, kind: job.kind, job: job.key, until: refused.retryAt }, 'outbox job waits: Graph refuses the app credentials');
      await store.outbox.postpone(job.id, 'waiting: Graph refuses the app credentials', refused.retryAt);
      return;
    }
    if (err instanceof ConversationGoneError) {
      // No retry or admin can deliver it: the app was removed or the conversation deleted. Said once, here.
      await store.outbox.discard(job.id, `dropped: ${err.message}`, clock.now().toISOString());
      logger.info({ id: job.id, kind: job.kind, job: job.key, conversation: err.conversationId, reason: err.reason }, 'outbox job dropped: the bot is no longer in its conversation');
      return;
    }
    const failure = classifyFailure(err);
    const message = `${failure.type}: ${(err as Error)?.message ?? String(err)}`;
    if (shouldPark(failure, job.attempts)) {
      await store.outbox.park(job.id, message, clock.now().toISOString());
      countParkedJob(job.kind, failure.type);
      // Said once, here; `npm run outbox -- parked` lists it and retries or drops it.
      logger.error({ err, id: job.id, kind: job.kind, job: job.key, attempts: job.attempts, failure: failure.type, permanent: failure.permanent }, 'outbox job parked: it will not be retried until the admin does');
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(job.attempts, 10)) * (0.75 + Math.random() / 2);
    // A service that says when to come back (Teams' or Graph's Retry-After) is not asked again sooner;
    // the jitter on top keeps the jobs one 429 storm turned back from all returning at the same moment.
    const hinted = retryAfterMs(err);
    const wait = hinted === undefined ? backoff : Math.max(backoff, Math.min(hinted, 10 * MAX_BACKOFF_MS) * (1 + Math.random() / 4));
    logger.warn({ err, id: job.id, kind: job.kind, job: job.key, attempts: job.attempts, failure: failure.type, permanent: failure.permanent }, 'outbox job failed; will retry');
    await store.outbox.fail(job.id, message, new Date(clock.now().getTime() + wait).toISOString());
  }

  // Jobs in flight at once. A slow send (a 429 waited out) holds one slot, not the whole batch.
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  // A job outliving its lease (Graph's Retry-After waited out, a large upload) would be handed to
  // another instance and done twice: the leases of the jobs still running here are renewed.
  const delivering = new Set<string>();
  const renewal = setInterval(() => {
    if (delivering.size === 0) return;
    store.outbox
      .extendLeases([...delivering], new Date(clock.now().getTime() + leaseMs).toISOString())
      .catch((err) => logger.warn({ err }, 'outbox: leases of running jobs could not be renewed'));
  }, leaseMs / 3);
  renewal.unref();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<number> | undefined;
  // A full claim means more may be waiting: go on without the interval's pause.
  let lastClaimFull = false;

  let purgedAt = 0;
  async function purge(): Promise<void> {
    const now = clock.now().getTime();
    if (now - purgedAt < PURGE_EVERY_MS) return;
    purgedAt = now;
    const removed = await store.outbox.purgeSent(new Date(now - KEEP_SENT_MS).toISOString(), PURGE_BATCH);
    if (removed > 0) logger.info({ removed }, 'outbox: old sent jobs cleared');
    if (retentionYears !== undefined) {
      const cutoff = new Date(now);
      cutoff.setUTCFullYear(cutoff.getUTCFullYear() - retentionYears);
      const meetings = await store.purgeMeetingsBefore(cutoff.toISOString(), RETENTION_BATCH);
      if (meetings > 0) logger.info({ meetings, retentionYears }, 'retention: meetings past the retention period deleted');
    }
  }

  const startedAt = Date.now();
  let lastPassAt: number | null = null;
  // A loop that has not reached the store for this long is stuck or cut off from it.
  const maxSilenceMs = Math.max(30_000, 10 * intervalMs);

  // After a crash the restarted process frees what its predecessor held, so delivery goes on at
  // once instead of after the lease; until that has been done once, nothing is claimed.
  let reclaimed = lease === undefined;
  async function reclaim(): Promise<void> {
    if (reclaimed || !lease) return;
    const freed = await store.outbox.reclaim(lease.owner, clock.now().toISOString(), lease.gone);
    reclaimed = true;
    if (freed > 0) logger.warn({ freed, instanceId: lease.owner.instanceId }, 'outbox: leases left by an earlier process of this instance were freed');
  }

  /** Claims as many due jobs as there are free slots and starts them; the number started. */
  async function fill(): Promise<number> {
    await reclaim();
    await purge();
    const free = concurrency - inFlight;
    if (stopped) return 0;
    if (free <= 0) {
      lastPassAt = Date.now();
      return 0;
    }
    const jobs = await store.outbox.claim(clock.now().toISOString(), leaseMs, free, lease?.owner);
    lastPassAt = Date.now();
    for (const job of jobs) {
      inFlight += 1;
      delivering.add(job.id);
      const delivery = deliver(job).finally(() => {
        delivering.delete(job.id);
        inFlight -= 1;
        running.delete(delivery);
        // A freed slot is filled at once while there is work; an idle outbox waits for its interval.
        if (!stopped && lastClaimFull) schedule(0);
      });
      running.add(delivery);
    }
    lastClaimFull = jobs.length === free;
    return jobs.length;
  }

  function schedule(delayMs: number): void {
    if (stopped || pumping) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(pump, delayMs);
  }

  let storeAway = false;
  // Woken while a claim was under way: that claim may have looked before the waker's commit.
  let wokenDuringPump = false;

  function pump(): void {
    timer = undefined;
    if (stopped || pumping) return;
    wokenDuringPump = false;
    pumping = fill()
      .then((n) => {
        if (storeAway) logger.info({}, 'outbox: database reachable again');
        storeAway = false;
        return n;
      })
      .catch((err) => {
        // Every pass fails alike while the database is away (a restart, a failover): said once, without a stack.
        if (err instanceof StoreUnavailableError) {
          if (!storeAway) logger.warn({ reason: (err.cause as Error | undefined)?.message }, 'outbox: database unavailable; waiting for it');
          storeAway = true;
        } else logger.error({ err }, 'outbox run failed');
        return 0;
      })
      .finally(() => {
        pumping = undefined;
        if (!stopped && !timer) schedule(lastClaimFull || wokenDuringPump ? 0 : intervalMs);
      });
  }

  function wake(): void {
    if (stopped) return;
    if (pumping) wokenDuringPump = true;
    else schedule(0);
  }

  /** Delivers what is due now, up to the concurrency, and waits for it (tests and benchmarks). */
  async function runOnce(): Promise<number> {
    const n = await fill();
    await Promise.all([...running]);
    return n;
  }

  schedule(0);
  return {
    health() {
      const now = Date.now();
      const since = lastPassAt ?? startedAt;
      return { alive: !stopped && now - since < maxSilenceMs, lastPassMsAgo: lastPassAt === null ? null : now - lastPassAt, inFlight };
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await pumping;
      await Promise.all([...running]);
      clearInterval(renewal);
    },
    runOnce,
    wake,
  };
}
