import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
// Deep imports: the package index also loads the AI planners, tokenizers and OpenAI client,
// which the bot never uses and which slow its cold start.
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import { syncRoster } from '../app/councils.js';
import { credentialsAccepted, credentialsRefused } from '../app/graph-credentials.js';
import { RuleError } from '../domain/errors.js';
import { labelTurn } from '../telemetry/signals.js';
import { localeFromTag, t } from '../i18n/index.js';
import { conversationKind, conversationRecord, councilConversationId, councilConversationRecord, mentionsBot, threadOfAnotherChannel } from './activity.js';
import { agendaActions } from './agenda-actions.js';
import { ADAPTIVE_CARD_ACTION, cardActionHandler } from './card-action-route.js';
import { normaliseCommandText, parseCommand } from './commands.js';
import { suggestCommand } from './command-suggest.js';
import { writtenLanguage } from '../i18n/written-language.js';
import type { Locale } from '../domain/council.js';
import { councilActions } from './council-actions.js';
import { readMessage } from './message-input.js';
import { commands } from './command-handlers.js';
import { meetingActions } from './meeting-actions.js';
import { meetingEditActions } from './meeting-edit-actions.js';
import { runningActions } from './running-actions.js';
import { decisionActions } from './decision-handlers.js';
import { actionItemActions } from './action-handlers.js';
import { attendanceActions } from './attendance-handlers.js';
import { type LeaseIdentity, type OutboxDispatcher, startOutbox } from './outbox-dispatcher.js';
import { queueCalendarSyncs } from '../app/calendar.js';
import { pollActions } from './poll-handlers.js';
import { nominationActions } from './nomination-handlers.js';
import { reminderActions } from './reminder-handlers.js';
import { justeringActions } from './justering-handlers.js';
import { FILE_CONSENT_INVOKE, fileConsentHandler, minutesFileActions } from './minutes-file.js';
import type { LateReplySink } from './late-replies.js';
import { rememberPosted } from './posted-cards.js';
import { createProactive } from './proactive.js';
import { queueRosterSync } from './roster.js';
import { watchingGone } from './conversation-gone.js';
import { agendaFileOf, importAgendaFile, linkedAgendaFile } from './agenda-file.js';
import { lifecycleRoutes, personallyInstalled, reachable } from './lifecycle.js';
import { ARRIVAL_MARGIN_MS, RateLimiter, THREAD_LIMITS } from './rate-limit.js';
import { cardActivity, respondWithCard } from './replies.js';
import { DatabaseStorage } from './state-storage.js';
import { runWithStoreRetry } from './store-retry.js';
import { type BotDeps, createTurnKit } from './turn-kit.js';
import { councilCard, errorCard, welcomeCard } from './views.js';
import { helpCard } from './help-views.js';
import { utcToZoned } from '../domain/meeting-time.js';

export type { BotDeps };

export interface Bot {
  app: Application<TurnState>;
  /** Runs one turn; a turn cut off by a lost database connection before it committed runs once more. */
  run(context: TurnContext): Promise<void>;
  /** Starts delivering the outbox (proactive cards, poll deadlines, reminders); stop it before closing the store. */
  startOutbox(options: { intervalMs: number; tenantPerSecond: number; concurrency: number; retentionYears?: number; lease?: LeaseIdentity }): OutboxDispatcher;
  /** Every connected council calendar gets its next sync queued (one per slot, whichever instance queues it). */
  queueCalendarSyncs(): Promise<number>;
  /** Where a turn's replies go that Teams refused after the turn had answered: the outbox. */
  lateReplies: LateReplySink;
}

/**
 * Teams never sends a thread of one channel with another channel's data: nothing is read or
 * changed for it, the log says what came, and the sender is told in words (or on the card).
 */
async function refuseForeignThread(context: TurnContext, deps: BotDeps): Promise<void> {
  const activity = context.activity;
  const channel = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  deps.logger.warn({ conversation: activity.conversation.id, channel, type: activity.type }, 'thread of another channel refused');
  const locale = localeFromTag(activity.locale, deps.defaultLocale);
  const text = t(locale, 'error.foreignThread');
  if (activity.type === ActivityTypes.Invoke) await respondWithCard(context, errorCard(locale, text));
  else if (activity.type === ActivityTypes.Message) await context.sendActivity(text);
}

/**
 * A message that is no command, answered in the language it was written in (else the council's,
 * else the client's): a near miss of a command word gets "Menade du …?", a conversation not yet
 * a council the way to set it up.
 */
/** `normalised`: what the person wrote, read as the command parser reads it. */
function notUnderstood(activity: Activity, normalised: string, found: { locale: Locale; view?: unknown }): string {
  const suggestion = suggestCommand(normalised);
  const locale = writtenLanguage(normalised) ?? suggestion?.language ?? found.locale;
  if (suggestion) return t(locale, 'unknown.didYouMean', { suggestion: suggestion.text });
  const text = normalised.slice(0, 80);
  if (!found.view && conversationKind(activity) !== 'personal') return t(locale, 'unknown.notSetUp', { text });
  return t(locale, 'unknown.command', { text });
}

export function createBot(adapter: TeamsAdapter, deps: BotDeps): Bot {
  const app = new Application<TurnState>({
    adapter,
    botAppId: deps.botAppId,
    storage: new DatabaseStorage(deps.store.state, deps.clock),
    removeRecipientMention: true,
    startTypingTimer: false,
  });
  const kit = createTurnKit(deps);
  deps.graphAccess?.onChange((status) => {
    const graphDeps = { councils: deps.store.councils, outbox: deps.store.outbox, state: deps.store.state, clock: deps.clock };
    const told = status.status === 'credentials-rejected' ? credentialsRefused(graphDeps, status.since) : credentialsAccepted(graphDeps);
    told.catch((err: unknown) => deps.logger.error({ err }, 'the councils could not be told of the Graph credentials'));
  });
  const knownConversations = new Set<string>();

  // Every conversation's reference is kept for proactive messages (reminders, personal cards).
  app.turn('beforeTurn', async (context) => {
    const activity: Activity = context.activity;
    if (!activity.conversation?.id) return true;
    if (threadOfAnotherChannel(activity)) {
      await refuseForeignThread(context, deps);
      return false;
    }
    // The thread's own reference, and the channel's for cards the bot posts on its own.
    for (const record of [conversationRecord(activity), councilConversationRecord(activity)]) {
      if (knownConversations.has(record.conversationId)) continue;
      await deps.store.conversations.save(record, deps.clock.now().toISOString());
      knownConversations.add(record.conversationId);
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const activity = context.activity;
    const { locale, view } = await kit.councilAndLocale(activity);
    if ((activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id)) {
      await reachable(kit, activity.conversation.id, 'bot added to the conversation');
      if (conversationKind(activity) === 'personal') await personallyInstalled(kit, activity.from.id);
      const card =
        conversationKind(activity) === 'personal'
          ? helpCard(locale, { scope: 'personal', today: utcToZoned(deps.clock.now().toISOString(), deps.defaultTimeZone).date })
          : view
            ? councilCard(view, undefined, locale)
            : welcomeCard(locale, kit.suggestedName(activity), deps.defaultTimeZone);
      await context.sendActivity(cardActivity(card));
      return;
    }
    if (view) {
      const roster = await kit.rosterInTime(context);
      if (!roster) {
        await queueRosterSync(kit, { conversationId: councilConversationId(activity) });
        return;
      }
      const count = await syncRoster(kit.councilDeps, { conversationId: councilConversationId(activity), roster });
      deps.logger.info({ council: view.council.id, added: count }, 'roster synced on membersAdded');
    }
  });

  lifecycleRoutes(app, kit);

  app.activity(ActivityTypes.Message, async (context, state) => {
    const activity = context.activity;
    const message = readMessage(activity);
    const addressed = conversationKind(activity) === 'personal' || mentionsBot(activity);
    const command = parseCommand(message.text, { plain: message.plain, addressed });
    // With resource-specific consent the bot hears all channel chatter: answer only what is meant for it.
    if (!command && !addressed) return;
    const found = await kit.councilAndLocale(activity);
    // Teams tells a team's re-install only in its General channel: a message from another channel's
    // council is the word that the bot is back there.
    if (found.view?.council.unreachableSince) await reachable(kit, activity.conversation.id, 'a message from the conversation');
    // Outside a council the words someone typed say more about their language than the
    // client's locale does (a Swedish user on an English Teams client types "hjälp").
    const locale = found.view ? found.locale : (command?.language ?? found.locale);
    if (message.refused) {
      await context.sendActivity(t(locale, message.refused === 'tooLarge' ? 'message.tooLarge' : 'message.tooDeep'));
      return;
    }
    // A Word file sent with no command, or with "dagordning", is the agenda itself.
    const file = agendaFileOf(activity) ?? (command?.kind === 'importAgenda' ? linkedAgendaFile(command.args ?? '') : undefined);
    const fileAgenda = file && (!command || command.kind === 'importAgenda' || command.kind === 'agenda');
    if (!command && !fileAgenda) {
      await context.sendActivity(notUnderstood(activity, normaliseCommandText(message.text, { plain: message.plain }), found));
      return;
    }
    labelTurn({ 'bot.command': fileAgenda ? 'importAgendaFile' : command!.kind });
    try {
      const turn = { context, state, kit, locale, council: found.view, message };
      // A link names the file; only words sent beside an attached file can name the council.
      if (fileAgenda) await importAgendaFile(turn, file, file.url === command?.args?.trim() ? '' : command ? (command.args ?? '') : message.text);
      else await commands[command!.kind](turn, command!.args ?? '');
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      // "Set this chat up" is no answer in the personal chat, where no council can be set up.
      const wrongPlace = err.code === 'error.notSetUp' && conversationKind(activity) === 'personal';
      const message = wrongPlace ? t(locale, 'error.councilCommandInPersonal') : kit.ruleMessage(locale, err);
      await context.sendActivity(cardActivity(errorCard(locale, message)));
    }
  });

  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === ADAPTIVE_CARD_ACTION,
    cardActionHandler(kit, [
      ...councilActions,
      ...meetingActions,
      ...agendaActions,
      ...meetingEditActions,
      ...runningActions,
      ...decisionActions,
      ...actionItemActions,
      ...attendanceActions,
      ...pollActions,
      ...nominationActions,
      ...reminderActions,
      ...justeringActions,
      ...minutesFileActions,
    ]),
    true,
  );

  app.addRoute(async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === FILE_CONSENT_INVOKE, fileConsentHandler(kit), true);

  // One count per chat for replies and the outbox's sends alike: Teams limits the thread, not the sender.
  const limiter = new RateLimiter(undefined, ARRIVAL_MARGIN_MS);
  return {
    app,
    run: (context) => runWithStoreRetry(context, (c) => app.run(c), { logger: deps.logger }),
    queueCalendarSyncs: () => queueCalendarSyncs(kit.calendarDeps),
    lateReplies: {
      async queue(payload, notBeforeMs) {
        const now = deps.clock.now();
        const at = now.toISOString();
        // After Teams' Retry-After, and a little later still, so a storm's replies do not all come back at once.
        const dueAt = notBeforeMs > 0 ? new Date(now.getTime() + notBeforeMs * (1 + Math.random() / 10)).toISOString() : at;
        await deps.store.outbox.enqueue([{ key: `late-replies:${deps.newId()}`, kind: 'lateReplies', payload, dueAt }], at);
        kit.wakeOutbox();
      },
      remember: (key, activityId) => rememberPosted(deps.store, key, activityId),
      pace: (conversationId) => limiter.takeFirst(`conversation:${conversationId}`, THREAD_LIMITS),
      logger: deps.logger,
    },
    startOutbox: ({ intervalMs, tenantPerSecond, concurrency, retentionYears, lease }) => {
      const proactive = watchingGone(createProactive(adapter, deps.botAppId, deps.store.conversations, { limiter, tenantPerSecond, installer: deps.personalInstaller }), {
        councils: deps.store.councils,
        clock: deps.clock,
      });
      // Turns send one person's file consent card through the same limits and installs.
      kit.personal = proactive;
      const outbox = startOutbox(kit, proactive, { intervalMs, concurrency, retentionYears, lease });
      kit.wakeOutbox = outbox.wake;
      return outbox;
    },
  };
}
