import { type Activity, CallerIdConstants, type InvokeResponse, type TurnContext } from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  type ServiceClientCredentials,
  ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import type { Logger } from '../app/ports.js';
import { STORAGE_FULL_LOG, storageFullCode } from '../app/storage-full.js';
import type { Config } from '../config.js';
import { localeFromTag, t } from '../i18n/index.js';
import { traceConnectorCalls } from './connector-telemetry.js';
import { plainTextReplies } from './replies.js';
import { localServiceUrls } from './service-url.js';

/** The SDK's adapter with its authentication and its turn as two steps, so a refused token is ours to answer. */
export class BotAdapter extends TeamsAdapter {
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

export class ServiceUrlRefused extends Error {}

/**
 * A bot without credentials signs nothing, but every connector call it makes (replies, proactive
 * sends from conversation references stored before, rosters, new chats) still passes its
 * credentials to be signed: that is where a call to anywhere but this machine is stopped.
 */
class LocalOnlyCredentials extends ServiceClientCredentialsFactory {
  constructor(private readonly allowed: (url: string) => boolean) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return !appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return true;
  }

  async createCredentials(): Promise<ServiceClientCredentials> {
    return {
      signRequest: async (request) => {
        if (!this.allowed(request.url)) {
          throw new ServiceUrlRefused(`local mode sends only to the loopback or the Playground, not to ${new URL(request.url).origin}`);
        }
        return request;
      },
    };
  }
}

/** botbuilder takes one changed endpoint as a full set, the others unset: the public cloud's, then, with this one. */
function publicCloudWithOpenIdMetadata(url: string) {
  return {
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: url,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

export function createAdapter(config: Config, logger: Logger): BotAdapter {
  const adapter = config.localMode
    ? // No app id: botframework disables inbound token checks and sends no outbound token.
      new BotAdapter({}, new LocalOnlyCredentials(localServiceUrls(config.M365_AGENTS_PLAYGROUND_SERVICE_URL)))
    : new BotAdapter({
        MicrosoftAppId: config.BOT_ID,
        MicrosoftAppPassword: config.BOT_PASSWORD,
        MicrosoftAppType: config.BOT_TYPE,
        MicrosoftAppTenantId: config.BOT_TENANT_ID,
        ...(config.BOT_OPENID_METADATA ? publicCloudWithOpenIdMetadata(config.BOT_OPENID_METADATA) : {}),
      });
  traceConnectorCalls(adapter);
  plainTextReplies(adapter);
  adapter.onTurnError = async (context, error) => {
    const full = storageFullCode(error);
    if (full) logger.warn({ code: full, activityType: context.activity.type, conversation: context.activity.conversation?.id }, STORAGE_FULL_LOG);
    else {
      logger.error(
        { err: error, activityType: context.activity.type, conversation: context.activity.conversation?.id },
        'unhandled error in turn',
      );
    }
    // Telling the user would go where the turn was refused to go.
    if (context.activity.type === 'message' && !(error instanceof ServiceUrlRefused)) {
      const locale = localeFromTag(context.activity.locale, config.DEFAULT_LOCALE);
      try {
        await context.sendActivity(t(locale, full ? 'error.storageFull' : 'error.unexpected'));
      } catch (sendError) {
        logger.error({ err: sendError }, 'could not tell the user about the error');
      }
    }
  };
  return adapter;
}
