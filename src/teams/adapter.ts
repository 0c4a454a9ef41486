import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Logger } from '../app/ports.js';
import type { Config } from '../config.js';
import { localeFromTag, t } from '../i18n/index.js';
import { withOneRetryPolicy } from './connector-retries.js';
import { traceConnectorCalls } from './connector-telemetry.js';

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
  withOneRetryPolicy(adapter);
  traceConnectorCalls(adapter);
  adapter.onTurnError = async (context, error) => {
    logger.error(
      { err: error, activityType: context.activity.type, conversation: context.activity.conversation?.id },
      'unhandled error in turn',
    );
    // Teams refused the reply for a while (429 with a Retry-After longer than a turn waits): an
    // error answer now would be refused too, and only add to the thread's count.
    const throttled = (error as { statusCode?: unknown }).statusCode === 429;
    if (context.activity.type === 'message' && !throttled) {
      const locale = localeFromTag(context.activity.locale, config.DEFAULT_LOCALE);
      try {
        await context.sendActivity(t(locale, 'error.unexpected'));
      } catch (sendError) {
        logger.error({ err: sendError }, 'could not tell the user about the error');
      }
    }
  };
  return adapter;
}
