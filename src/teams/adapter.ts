import type { TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Logger } from '../app/ports.js';
import type { Config } from '../config.js';
import { StoreUnavailableError } from '../domain/errors.js';
import { localeFromTag, t } from '../i18n/index.js';
import { ADAPTIVE_CARD_ACTION } from './card-action-route.js';
import { traceConnectorCalls } from './connector-telemetry.js';
import { respondWithCard } from './replies.js';
import { errorCard } from './views.js';

export function createAdapter(config: Config, logger: Logger): TeamsAdapter {
  const adapter = config.localMode
    ? // No app id: botframework disables inbound token checks and sends no outbound token.
      new TeamsAdapter({})
    : new TeamsAdapter({
        MicrosoftAppId: config.BOT_ID,
        MicrosoftAppPassword: config.BOT_PASSWORD,
        MicrosoftAppType: config.BOT_TYPE,
        MicrosoftAppTenantId: config.BOT_TENANT_ID,
      });
  traceConnectorCalls(adapter);
  adapter.onTurnError = async (context, error) => {
    if (error instanceof StoreUnavailableError) {
      await answerStoreUnavailable(context, error);
      return;
    }
    logger.error(
      { err: error, activityType: context.activity.type, conversation: context.activity.conversation?.id },
      'unhandled error in turn',
    );
    if (context.activity.type === 'message') {
      const locale = localeFromTag(context.activity.locale, config.DEFAULT_LOCALE);
      try {
        await context.sendActivity(t(locale, 'error.unexpected'));
      } catch (sendError) {
        logger.error({ err: sendError }, 'could not tell the user about the error');
      }
    }
  };
  /** The database is away, not a bug: one line in the log, and the user is asked to try again. */
  async function answerStoreUnavailable(context: TurnContext, error: StoreUnavailableError): Promise<void> {
    const activity = context.activity;
    const fields = { outcome: error.outcome, reason: (error.cause as Error | undefined)?.message, activityType: activity.type, conversation: activity.conversation?.id };
    // The turn answered after committing what it answered about; a later write (such as which
    // message shows a decision) is what failed, and "not saved" would contradict that answer.
    if (context.responded) {
      logger.warn(fields, 'database unavailable after the user was answered');
      return;
    }
    logger.warn(fields, 'database unavailable; the user was asked to try again');
    const locale = localeFromTag(activity.locale, config.DEFAULT_LOCALE);
    const text = t(locale, error.outcome === 'unknown' ? 'error.storeOutcomeUnknown' : 'error.storeUnavailable');
    try {
      if (activity.type === 'message') await context.sendActivity(text);
      else if (activity.type === 'invoke' && activity.name === ADAPTIVE_CARD_ACTION) await respondWithCard(context, errorCard(locale, text));
    } catch (sendError) {
      logger.warn({ reason: (sendError as Error).message }, 'could not tell the user about the error');
    }
  }
  return adapter;
}
