import type { TurnContext } from 'botbuilder';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import { queueRosterSync } from './roster.js';
import { type CouncilView, requireCouncil, roleOf, syncRoster } from '../app/councils.js';
import type { Locale } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { conversationKind, councilConversationId } from './activity.js';
import type { CommandKind } from './commands.js';
import { cardActivity } from './replies.js';
import { actionCommand, listActionsCommand } from './action-handlers.js';
import { importAgendaText, postAgenda } from './agenda-commands.js';
import { attendanceCommand, quorumCommand } from './attendance-handlers.js';
import { memberPollsCommand, pollCommand } from './poll-handlers.js';
import { nominationCommand } from './nomination-handlers.js';
import { remindersCommand } from './reminder-handlers.js';
import { calendarCommand } from './calendar-handlers.js';
import { diaryNumberCommand, minutesCommand, minutesLibraryCommand, openMinutesCommand } from './minutes-handlers.js';
import { adjustersCommand, justeringCommand, reopenCommand, sendForApprovalCommand } from './justering-handlers.js';
import { decisionCommand, protocolNoteCommand, reservationCommand } from './decision-handlers.js';
import { listMeetings, newMeeting, pasteSchedule } from './meeting-commands.js';
import { closeMeetingCommand, goToNumberCommand, moveCommand, noteCommand, openMeetingCommand } from './running-commands.js';
import type { MessageInput } from './message-input.js';
import type { TurnKit } from './turn-kit.js';
import { type Notice, councilCard, welcomeCard } from './views.js';
import { helpCard } from './help-views.js';
import { utcToZoned } from '../domain/meeting-time.js';

export interface CommandTurn {
  context: TurnContext;
  state: TurnState;
  kit: TurnKit;
  locale: Locale;
  council?: CouncilView;
  /** The message as read from its formatted body, when the command came in a message. */
  message?: MessageInput;
}

type CommandHandler = (turn: CommandTurn, args: string) => Promise<void>;

async function currentCouncil({ kit, context, council }: CommandTurn): Promise<CouncilView> {
  return council ?? requireCouncil(kit.councilDeps, councilConversationId(context.activity));
}

export const commands: Record<CommandKind, CommandHandler> = {
  async help({ context, kit, locale, council }) {
    const scope = conversationKind(context.activity) === 'personal' ? 'personal' : council ? 'council' : 'unconfigured';
    const role = council ? roleOf(council, context.activity.from.id) : undefined;
    const today = utcToZoned(kit.deps.clock.now().toISOString(), council?.council.timeZone ?? kit.deps.defaultTimeZone).date;
    await context.sendActivity(cardActivity(helpCard(locale, { scope, role, memberPolls: council?.council.membersCreatePolls, today })));
  },

  async setup({ context, kit, locale, council }) {
    if (conversationKind(context.activity) === 'personal') throw new RuleError('error.personalOnlyCouncil');
    if (council) {
      const notice: Notice = { text: t(locale, 'welcome.alreadySetUp', { name: council.council.name }), kind: 'warning' };
      await context.sendActivity(cardActivity(councilCard(council, undefined, locale, notice)));
      return;
    }
    await context.sendActivity(cardActivity(welcomeCard(locale, kit.suggestedName(context.activity), kit.deps.defaultTimeZone)));
  },

  async council(turn) {
    await turn.context.sendActivity(cardActivity(councilCard(await currentCouncil(turn), undefined, turn.locale)));
  },

  async syncMembers(turn) {
    const { context, kit, locale } = turn;
    const council = await currentCouncil(turn);
    if (!roleOf(council, context.activity.from.id)) throw new RuleError('error.notMember');
    const conversationId = councilConversationId(context.activity);
    const roster = await kit.rosterInTime(context);
    if (!roster) {
      await queueRosterSync(kit, { conversationId, tell: true });
      await context.sendActivity(t(locale, 'council.rosterSyncing'));
      return;
    }
    const count = await syncRoster(kit.councilDeps, { conversationId, roster });
    await context.sendActivity(t(locale, 'council.rosterSynced', { count }));
  },

  meetings: (turn) => listMeetings(turn),
  newMeeting: (turn, args) => newMeeting(turn, args),
  schedule: (turn, args) => pasteSchedule(turn, args),
  agenda: (turn) => postAgenda(turn),
  importAgenda: (turn, args) => importAgendaText(turn, args),
  openMeeting: (turn) => openMeetingCommand(turn),
  nextItem: (turn) => moveCommand(turn, { kind: 'next' }),
  previousItem: (turn) => moveCommand(turn, { kind: 'previous' }),
  // "punkt 3 a" names the item by its number as the agenda shows it (the chair's own, when imported).
  goToItem: (turn, args) => goToNumberCommand(turn, args),
  closeMeeting: (turn) => closeMeetingCommand(turn, 'ask'),
  closeAndTable: (turn) => closeMeetingCommand(turn, 'defaults'),
  closeAnyway: (turn) => closeMeetingCommand(turn, 'leave'),
  decision: (turn, args) => decisionCommand(turn, args),
  action: (turn, args) => actionCommand(turn, args),
  actions: (turn) => listActionsCommand(turn, false),
  myActions: (turn) => listActionsCommand(turn, true),
  attendance: (turn) => attendanceCommand(turn),
  note: (turn, args) => noteCommand(turn, args),
  reservation: (turn, args) => reservationCommand(turn, args),
  protocolNote: (turn, args) => protocolNoteCommand(turn, args),
  quorum: (turn, args) => quorumCommand(turn, args),
  poll: (turn, args) => pollCommand(turn, args),
  memberPollsOn: (turn) => memberPollsCommand(turn, true),
  memberPollsOff: (turn) => memberPollsCommand(turn, false),
  nomination: (turn) => nominationCommand(turn),
  reminders: (turn, args) => remindersCommand(turn, args),
  calendar: (turn, args) => calendarCommand(turn, args),
  minutes: (turn) => openMinutesCommand(turn),
  adjusters: (turn, args) => adjustersCommand(turn, args),
  sendForApproval: (turn, args) => sendForApprovalCommand(turn, args),
  justering: (turn) => justeringCommand(turn),
  reopenMinutes: (turn) => reopenCommand(turn),
  exportMinutes: (turn) => minutesCommand(turn),
  minutesLibrary: (turn, args) => minutesLibraryCommand(turn, args),
  diaryNumber: (turn, args) => diaryNumberCommand(turn, args),
};
