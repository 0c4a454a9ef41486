import type { Activity, TurnContext } from 'botbuilder';
import { type CouncilDeps, type CouncilView, councilForConversation } from '../app/councils.js';
import type { MeetingDeps } from '../app/meetings.js';
import type { PollDeps } from '../app/polls.js';
import type { NominationDeps } from '../app/nominations.js';
import type { Calendar, Clock, DocumentLibrary, GraphAccess, MinutesRenderer, SharedFiles, IdFactory, Logger, PersonalInstaller, RosterEntry, Store } from '../app/ports.js';
import type { CalendarDeps } from '../app/calendar.js';
import type { MinutesDeps } from '../app/minutes.js';
import type { Locale } from '../domain/council.js';
import type { RuleError } from '../domain/errors.js';
import { isMessageKey, localeFromTag, t } from '../i18n/index.js';
import { councilConversationId } from './activity.js';
import { fetchRoster } from './roster.js';
import type { Proactive } from './proactive.js';

export interface BotDeps {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  logger: Logger;
  defaultLocale: Locale;
  defaultTimeZone: string;
  botAppId: string;
  anonymousVoterKey(pollId: string, userId: string): string;
  /** The council calendars in Exchange; undefined without Graph settings. */
  calendar?: Calendar;
  calendarSyncMs?: number;
  /** How long agenda edits wait before they go to the calendar (CALENDAR_AGENDA_DELAY_MS). */
  calendarAgendaDelayMs?: number;
  /** Where minutes are written: SharePoint through Graph, or a folder under DATA_DIR. */
  minutesLibrary: DocumentLibrary;
  /** SharePoint through Graph, for councils that name a library; undefined without Graph settings. */
  sharePoint?: DocumentLibrary;
  minutesRenderer: MinutesRenderer;
  /** Shared files in SharePoint and OneDrive, through Graph; undefined without Graph settings. */
  sharedFiles?: SharedFiles;
  /** Whether Graph takes the app's credentials; undefined without Graph settings. */
  graphAccess?: GraphAccess;
  /** How long a turn waits on Teams (its replies, a roster) before answering without it; 1 s by default. */
  replyWaitMs?: number;
  /** Local mode's links to generated minutes on the bot's own server; undefined where files go through Teams. */
  fileLinks?: { urlFor(file: string): string | undefined };
  /** Installs the app for a member Teams will not open a 1:1 chat with; undefined unless the admin set it up (TEAMS_APP_CATALOG_ID). */
  personalInstaller?: PersonalInstaller;
}

/** What every handler of a turn needs besides the turn itself. */
export interface TurnKit {
  deps: BotDeps;
  councilDeps: CouncilDeps;
  meetingDeps: MeetingDeps;
  pollDeps: PollDeps;
  nominationDeps: NominationDeps;
  calendarDeps: CalendarDeps;
  minutesDeps: MinutesDeps;
  /** The conversation's council, if any, and the language to answer in. */
  councilAndLocale(activity: Activity): Promise<{ locale: Locale; view?: CouncilView }>;
  ruleMessage(locale: Locale, err: RuleError): string;
  suggestedName(activity: Activity): string;
  /** The conversation's roster, or nobody if the connector cannot give it. */
  roster(context: TurnContext): Promise<RosterEntry[]>;
  /**
   * The roster if the connector gives it within the turn's wait; undefined when it is slower, and
   * the caller then has the outbox fetch it (rosterSyncJob), so the turn still answers Teams in time.
   */
  rosterInTime(context: TurnContext): Promise<RosterEntry[] | undefined>;
  /** Sends to one person's 1:1 chat from within a turn (the file consent card); set once the bot is built. */
  personal?: Pick<Proactive, 'toPerson'>;
  /** Has the outbox deliver what a committed change queued now, not at its next poll; nothing before it runs. */
  wakeOutbox(): void;
}

const DEFAULT_REPLY_WAIT_MS = 1_000;

export function createTurnKit(deps: BotDeps): TurnKit {
  const councilDeps: CouncilDeps = { councils: deps.store.councils, clock: deps.clock, newId: deps.newId };
  const meetingDeps: MeetingDeps = {
    ...councilDeps,
    meetings: deps.store.meetings,
    attendance: deps.store.attendance,
    decisions: deps.store.decisions,
    actionItems: deps.store.actionItems,
    outbox: deps.store.outbox,
    calendarAgendaDelayMs: deps.calendarAgendaDelayMs,
  };
  return {
    deps,
    councilDeps,
    meetingDeps,
    pollDeps: { ...meetingDeps, polls: deps.store.polls, outbox: deps.store.outbox, anonymousVoterKey: deps.anonymousVoterKey },
    nominationDeps: {
      ...meetingDeps,
      polls: deps.store.polls,
      outbox: deps.store.outbox,
      anonymousVoterKey: deps.anonymousVoterKey,
      nominations: deps.store.nominations,
    },
    minutesDeps: { ...meetingDeps, polls: deps.store.polls, nominations: deps.store.nominations, justering: deps.store.justering, minutesLibrary: deps.minutesLibrary, sharePoint: deps.sharePoint, minutesRenderer: deps.minutesRenderer },
    calendarDeps: {
      ...meetingDeps,
      calendarSync: deps.store.calendarSync,
      calendar: deps.calendar,
      syncIntervalMs: deps.calendarSyncMs ?? 300_000,
      logger: deps.logger,
      graphAccess: deps.graphAccess,
    },
    async councilAndLocale(activity) {
      const view = await councilForConversation(councilDeps, councilConversationId(activity));
      return { locale: view?.council.locale ?? localeFromTag(activity.locale, deps.defaultLocale), view };
    },
    ruleMessage(locale, err) {
      return isMessageKey(err.code) ? t(locale, err.code, err.params) : t(locale, 'error.unexpected');
    },
    suggestedName(activity) {
      const channelData = activity.channelData as { team?: { name?: string }; channel?: { name?: string } } | undefined;
      return activity.conversation.name || channelData?.team?.name || channelData?.channel?.name || '';
    },
    wakeOutbox() {},
    async roster(context) {
      try {
        return await fetchRoster(context);
      } catch (err) {
        // Without the roster the council still works; members can be synced later.
        deps.logger.warn({ err, conversation: context.activity.conversation.id }, 'roster fetch failed');
        return [];
      }
    },
    async rosterInTime(context) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), deps.replyWaitMs ?? DEFAULT_REPLY_WAIT_MS);
      });
      try {
        return await Promise.race([this.roster(context), late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
