import type { TurnContext } from 'botbuilder';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import { RuleError, StaleError, StoreUnavailableError } from '../domain/errors.js';
import { STORAGE_FULL_LOG, storageFullCode } from '../app/storage-full.js';
import { labelTurn } from '../telemetry/signals.js';
import { isMessageKey, t } from '../i18n/index.js';
import type { ActionTurn, CardAction } from './card-action.js';
import { councilConversationId } from './activity.js';
import { respondWithCard } from './replies.js';
import type { TurnKit } from './turn-kit.js';
import { errorCard } from './views.js';

export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

/**
 * Answers an `adaptiveCard/action` invoke: unknown verbs and data that fails the verb's schema
 * get a localized error card and change nothing; rule errors get their message; a stale card
 * gets the current state.
 */
export function cardActionHandler(kit: TurnKit, actions: readonly CardAction[]) {
  const byVerb = new Map(actions.map((a) => [a.verb, a]));
  return async (context: TurnContext, state: TurnState): Promise<void> => {
    const activity = context.activity;
    const { locale, view } = await kit.councilAndLocale(activity);
    const value = (activity.value ?? {}) as { action?: { verb?: unknown; data?: unknown } };
    const verb = value.action?.verb;
    const action = typeof verb === 'string' ? byVerb.get(verb) : undefined;
    if (!action) {
      await respondWithCard(context, errorCard(locale, t(locale, 'error.unknownAction')));
      return;
    }
    labelTurn({ 'bot.action.verb': action.verb });
    const parsed = action.schema.safeParse(value.action?.data ?? {});
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].filter(Boolean);
      const details = fields.map((f) => (isMessageKey(`field.${f}`) ? t(locale, `field.${f}` as never) : f)).join(', ');
      await respondWithCard(context, errorCard(locale, t(locale, 'error.invalidInput', { details: details || '—' })));
      return;
    }
    const turn: ActionTurn = {
      context,
      state,
      kit,
      locale,
      council: view,
      conversationId: councilConversationId(activity),
      actorId: activity.from.id,
    };
    try {
      await action.run(turn, parsed.data);
    } catch (err) {
      if (err instanceof StaleError && action.freshCard) {
        const current = (await kit.councilAndLocale(activity)).locale;
        await respondWithCard(context, await action.freshCard(turn, { text: t(current, 'error.stale'), kind: 'warning' }, parsed.data));
        return;
      }
      if (err instanceof RuleError) {
        await respondWithCard(context, errorCard(locale, kit.ruleMessage(locale, err)));
        return;
      }
      // Left to the turn: it may run again on a fresh connection, or ask the user to try again.
      if (err instanceof StoreUnavailableError) throw err;
      const full = storageFullCode(err);
      if (full) {
        // The transaction was rolled back: nothing is half saved, and the stack says nothing new.
        kit.deps.logger.warn({ code: full, conversation: activity.conversation.id, verb: action.verb }, STORAGE_FULL_LOG);
        await respondWithCard(context, errorCard(locale, t(locale, 'error.storageFull')));
        return;
      }
      kit.deps.logger.error({ err, conversation: activity.conversation.id, verb: action.verb }, 'card action failed');
      await respondWithCard(context, errorCard(locale, t(locale, 'error.unexpected')));
    }
  };
}
