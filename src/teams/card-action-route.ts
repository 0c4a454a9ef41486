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
      if ((err as { statusCode?: unknown } | null)?.statusCode === 412) {
        // Teams refused to update the shared card (412: the message was being changed at once); the
        // actions save before they update cards, so the change stands and is no error to the person.
        kit.deps.logger.warn({ conversation: activity.conversation.id, verb: action.verb }, 'card action: saved, but Teams did not update the card (412)');
        const current = (await kit.councilAndLocale(activity)).locale;
        const notice = { text: t(current, 'card.savedNotShared'), kind: 'good' as const };
        if (action.freshCard) await respondWithCard(context, await action.freshCard(turn, notice, parsed.data));
        // Universal Actions' plain answer: a message the client shows in place of a card.
        else await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: notice.text } } });
        return;
      }
      kit.deps.logger.error({ err, conversation: activity.conversation.id, verb: action.verb }, 'card action failed');
      await respondWithCard(context, errorCard(locale, t(locale, 'error.unexpected')));
    }
  };
}
