import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
// Deep imports: the package index also loads the AI planners, tokenizers and OpenAI client,
// which doubles the bot's cold start and is never used here.
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import {
  type CouncilDeps,
  type CouncilView,
  addGuest,
  changeRole,
  councilForConversation,
  removeGuest,
  requireCouncil,
  roleOf,
  setUpCouncil,
  syncRoster,
} from '../app/councils.js';
import type { Clock, IdFactory, Logger, Store } from '../app/ports.js';
import type { Locale } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { isMessageKey, localeFromTag, t } from '../i18n/index.js';
import { ACTION_VERBS, type ActionVerb, actionSchemas } from './action-schemas.js';
import { actorOf, conversationKind, conversationRecord, mentionsBot, tenantOf } from './activity.js';
import type { CardJson } from './card-templates.js';
import { type Command, normaliseCommandText, parseCommand } from './commands.js';
import { cardActivity, replaceCardForAll, respondWithCard } from './replies.js';
import { fetchRoster } from './roster.js';
import { DatabaseStorage } from './state-storage.js';
import { type Notice, councilCard, errorCard, helpCard, welcomeCard } from './views.js';

export interface BotDeps {
  store: Store;
  clock: Clock;
  newId: IdFactory;
  logger: Logger;
  defaultLocale: Locale;
  defaultTimeZone: string;
  botAppId: string;
}

const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

export function createBot(adapter: TeamsAdapter, deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: deps.botAppId,
    storage: new DatabaseStorage(deps.store.state, deps.clock),
    removeRecipientMention: true,
    startTypingTimer: false,
  });
  const councilDeps: CouncilDeps = { councils: deps.store.councils, clock: deps.clock, newId: deps.newId };
  const knownConversations = new Set<string>();

  async function rememberConversation(activity: Activity): Promise<void> {
    if (knownConversations.has(activity.conversation.id)) return;
    await deps.store.conversations.save(conversationRecord(activity), deps.clock.now().toISOString());
    knownConversations.add(activity.conversation.id);
  }

  async function localeFor(activity: Activity): Promise<{ locale: Locale; view?: CouncilView }> {
    const view = await councilForConversation(councilDeps, activity.conversation.id);
    return { locale: view?.council.locale ?? localeFromTag(activity.locale, deps.defaultLocale), view };
  }

  function ruleMessage(locale: Locale, err: RuleError): string {
    return isMessageKey(err.code) ? t(locale, err.code, err.params) : t(locale, 'error.unexpected');
  }

  function suggestedName(activity: Activity): string {
    const channelData = activity.channelData as { team?: { name?: string }; channel?: { name?: string } } | undefined;
    return activity.conversation.name || channelData?.team?.name || channelData?.channel?.name || '';
  }

  async function tryRoster(context: TurnContext): Promise<Awaited<ReturnType<typeof fetchRoster>>> {
    try {
      return await fetchRoster(context);
    } catch (err) {
      // Without the roster the council still works; members can be synced later.
      deps.logger.warn({ err, conversation: context.activity.conversation.id }, 'roster fetch failed');
      return [];
    }
  }

  app.conversationUpdate('membersAdded', async (context) => {
    const activity = context.activity;
    await rememberConversation(activity);
    const added = activity.membersAdded ?? [];
    const botAdded = added.some((m) => m.id === activity.recipient.id);
    const { locale, view } = await localeFor(activity);
    if (botAdded) {
      if (conversationKind(activity) === 'personal') {
        await context.sendActivity(cardActivity(helpCard(locale, { scope: 'personal' })));
      } else if (view) {
        await context.sendActivity(cardActivity(councilCard(view, undefined, locale)));
      } else {
        await context.sendActivity(cardActivity(welcomeCard(locale, suggestedName(activity), deps.defaultTimeZone)));
      }
      return;
    }
    if (view) {
      const count = await syncRoster(councilDeps, { conversationId: activity.conversation.id, roster: await tryRoster(context) });
      deps.logger.info({ council: view.council.id, added: count }, 'roster synced on membersAdded');
    }
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const activity = context.activity;
    await rememberConversation(activity);
    const kind = conversationKind(activity);
    const command = parseCommand(activity.text);
    // With resource-specific consent the bot hears all channel chatter: answer only what is meant for it.
    const addressed = kind === 'personal' || mentionsBot(activity);
    if (!command && !addressed) return;
    const found = await localeFor(activity);
    const view = found.view;
    // Outside a council the words someone typed say more about their language than the
    // client's locale does (a Swedish user on an English Teams client types "hjälp").
    const locale = view ? found.locale : (command?.language ?? found.locale);
    if (!command) {
      const text = normaliseCommandText(activity.text).slice(0, 80);
      await context.sendActivity(t(locale, 'unknown.command', { text }));
      return;
    }
    try {
      await runCommand(context, command, locale, view);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      await context.sendActivity(cardActivity(errorCard(locale, ruleMessage(locale, err))));
    }
  });

  async function runCommand(context: TurnContext, command: Command, locale: Locale, view: CouncilView | undefined) {
    const activity = context.activity;
    const kind = conversationKind(activity);
    switch (command.kind) {
      case 'help': {
        const scope = kind === 'personal' ? 'personal' : view ? 'council' : 'unconfigured';
        const role = view ? roleOf(view, activity.from.id) : undefined;
        await context.sendActivity(cardActivity(helpCard(locale, { scope, role })));
        return;
      }
      case 'setup': {
        if (kind === 'personal') throw new RuleError('error.personalOnlyCouncil');
        if (view) {
          const notice: Notice = { text: t(locale, 'welcome.alreadySetUp', { name: view.council.name }), kind: 'warning' };
          await context.sendActivity(cardActivity(councilCard(view, undefined, locale, notice)));
        } else {
          await context.sendActivity(cardActivity(welcomeCard(locale, suggestedName(activity), deps.defaultTimeZone)));
        }
        return;
      }
      case 'council': {
        const current = view ?? (await requireCouncil(councilDeps, activity.conversation.id));
        await context.sendActivity(cardActivity(councilCard(current, undefined, locale)));
        return;
      }
      case 'syncMembers': {
        const current = view ?? (await requireCouncil(councilDeps, activity.conversation.id));
        if (!roleOf(current, activity.from.id)) throw new RuleError('error.notMember');
        const count = await syncRoster(councilDeps, { conversationId: activity.conversation.id, roster: await tryRoster(context) });
        await context.sendActivity(t(locale, 'council.rosterSynced', { count }));
        return;
      }
    }
  }

  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === ADAPTIVE_CARD_ACTION,
    async (context) => {
      await rememberConversation(context.activity);
      const { locale, view } = await localeFor(context.activity);
      try {
        await handleAction(context, locale, view);
      } catch (err) {
        if (err instanceof StaleError) {
          const view = await requireCouncil(councilDeps, context.activity.conversation.id);
          const notice: Notice = { text: t(view.council.locale, 'error.stale'), kind: 'warning' };
          await respondWithCard(context, councilCard(view, context.activity.from.id, view.council.locale, notice));
          return;
        }
        if (err instanceof RuleError) {
          await respondWithCard(context, errorCard(locale, ruleMessage(locale, err)));
          return;
        }
        deps.logger.error({ err, conversation: context.activity.conversation.id }, 'card action failed');
        await respondWithCard(context, errorCard(locale, t(locale, 'error.unexpected')));
      }
    },
    true,
  );

  async function handleAction(context: TurnContext, locale: Locale, loaded: CouncilView | undefined): Promise<void> {
    const activity = context.activity;
    const action = (activity.value ?? {}) as { action?: { verb?: unknown; data?: unknown }; trigger?: unknown };
    const verb = action.action?.verb;
    if (typeof verb !== 'string' || !(ACTION_VERBS as string[]).includes(verb)) {
      await respondWithCard(context, errorCard(locale, t(locale, 'error.unknownAction')));
      return;
    }
    const parsed = actionSchemas[verb as ActionVerb].safeParse(action.action?.data ?? {});
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].filter(Boolean);
      const details = fields.map((f) => (isMessageKey(`field.${f}`) ? t(locale, `field.${f}` as never) : f)).join(', ');
      await respondWithCard(context, errorCard(locale, t(locale, 'error.invalidInput', { details: details || '—' })));
      return;
    }
    const data = parsed.data as Record<string, unknown>;
    const conversationId = activity.conversation.id;
    const actorId = activity.from.id;

    const answer = async (view: CouncilView, noticeKey?: 'council.updated') => {
      const l = view.council.locale;
      const notice: Notice | undefined = noticeKey ? { text: t(l, noticeKey), kind: 'good' } : undefined;
      await replaceCardForAll(context, councilCard(view, undefined, l));
      await respondWithCard(context, councilCard(view, actorId, l, notice));
    };

    switch (verb as ActionVerb) {
      case 'council.setup': {
        if (conversationKind(activity) === 'personal') throw new RuleError('error.personalOnlyCouncil');
        const existing = loaded;
        if (existing) {
          // A retried or second click: show the council instead of an error.
          const l = existing.council.locale;
          const notice: Notice = { text: t(l, 'welcome.alreadySetUp', { name: existing.council.name }), kind: 'warning' };
          await respondWithCard(context, councilCard(existing, actorId, l, notice));
          return;
        }
        const input = data as { name: string; locale: Locale; timeZone: string };
        const view = await setUpCouncil(councilDeps, {
          conversationId,
          tenantId: tenantOf(activity),
          name: input.name,
          locale: input.locale,
          timeZone: input.timeZone,
          actor: actorOf(activity),
          roster: await tryRoster(context),
        });
        const chair = view.members.find((m) => m.role === 'chair')?.name ?? '';
        const notice: Notice = {
          text: t(view.council.locale, 'setup.done', { chair, count: view.members.length }),
          kind: 'good',
        };
        deps.logger.info({ council: view.council.id, members: view.members.length }, 'council set up');
        await replaceCardForAll(context, councilCard(view, undefined, view.council.locale, notice));
        await respondWithCard(context, councilCard(view, actorId, view.council.locale, notice));
        return;
      }
      case 'council.show': {
        if (!loaded) throw new RuleError('error.notSetUp');
        const view = loaded;
        // Answered only to the one who asked (also for automatic refresh): updating the shared
        // message here would make every viewer's refresh trigger another.
        await respondWithCard(context, councilCard(view, actorId, view.council.locale));
        return;
      }
      case 'council.setRole': {
        const input = data as { version: number; userId: string; role: 'chair' | 'secretary' | 'member' };
        await answer(
          await changeRole(councilDeps, { conversationId, actorId, targetUserId: input.userId, role: input.role, expectedVersion: input.version }),
          'council.updated',
        );
        return;
      }
      case 'council.addGuest': {
        const input = data as { version: number; guestName: string; guestOrganisation: string | null; guestEmail: string | null };
        await answer(
          await addGuest(councilDeps, {
            conversationId,
            actorId,
            name: input.guestName,
            organisation: input.guestOrganisation,
            email: input.guestEmail,
            expectedVersion: input.version,
          }),
          'council.updated',
        );
        return;
      }
      case 'council.removeGuest': {
        const input = data as { version: number; guestUserId: string };
        await answer(
          await removeGuest(councilDeps, { conversationId, actorId, guestUserId: input.guestUserId, expectedVersion: input.version }),
          'council.updated',
        );
        return;
      }
    }
  }

  return app;
}

export type { CardJson };
