import { type Activity, CallerIdConstants, type InvokeResponse, type ResourceResponse, type TurnContext } from 'botbuilder';
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
import { StoreUnavailableError } from '../domain/errors.js';
import { localeFromTag, t } from '../i18n/index.js';
import { ADAPTIVE_CARD_ACTION } from './card-action-route.js';
import { withOneRetryPolicy } from './connector-retries.js';
import { traceConnectorCalls } from './connector-telemetry.js';
import { type ConversationsApi, type LateReplySink, TurnReplies } from './late-replies.js';
import { plainTextReplies, respondWithCard } from './replies.js';
import { localServiceUrls } from './service-url.js';
import { errorCard } from './views.js';

const TURN_REPLIES = Symbol('turnReplies');
// Answered by the adapter itself, not sent to the connector.
const LOCAL_TYPES = new Set(['invokeResponse', 'trace', 'delay']);

/**
 * The SDK's adapter with its authentication and its turn as two steps, so a refused token is ours
 * to answer; and, once `answerWithin` is set, incoming turns that answer Teams by a deadline
 * whatever the connector does with their replies (late-replies.ts).
 */
export class BotAdapter extends TeamsAdapter {
  private late?: { waitMs: number; sink: LateReplySink };

  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  /** From now on an incoming turn waits at most `waitMs` for its replies; those Teams refuses later go to `sink`. */
  answerWithin(waitMs: number, sink: LateReplySink): void {
    this.late = { waitMs, sink };
  }

  async runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    if (!this.late) return this.processActivity(auth, activity, logic);
    const replies = new TurnReplies(Date.now() + this.late.waitMs, this.late.sink);
    try {
      return await this.processActivity(auth, activity, async (context) => {
        context.turnState.set(TURN_REPLIES, replies);
        await logic(context);
      });
    } finally {
      // After the turn's error handler too: its answer is one of the turn's replies.
      replies.finish();
    }
  }

  private conversations(context: TurnContext): ConversationsApi {
    const client = context.turnState.get(this.ConnectorClientKey) as { conversations?: ConversationsApi } | undefined;
    if (!client?.conversations) throw new Error('Unable to extract ConnectorClient from turn context.');
    return client.conversations;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get(TURN_REPLIES) as TurnReplies | undefined;
    if (!replies || activities.some((a) => LOCAL_TYPES.has(a.type ?? ''))) return super.sendActivities(context, activities);
    return replies.run('send', activities, this.conversations(context));
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const replies = context.turnState.get(TURN_REPLIES) as TurnReplies | undefined;
    if (!replies) return super.updateActivity(context, activity);
    const [response] = await replies.run('update', [activity], this.conversations(context));
    return response?.id ? response : undefined;
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
  withOneRetryPolicy(adapter);
  traceConnectorCalls(adapter);
  plainTextReplies(adapter);
  adapter.onTurnError = async (context, error) => {
    if (error instanceof StoreUnavailableError) {
      await answerStoreUnavailable(context, error);
      return;
    }
    const full = storageFullCode(error);
    if (full) logger.warn({ code: full, activityType: context.activity.type, conversation: context.activity.conversation?.id }, STORAGE_FULL_LOG);
    else {
      logger.error(
        { err: error, activityType: context.activity.type, conversation: context.activity.conversation?.id },
        'unhandled error in turn',
      );
    }
    // Teams refused the reply for a while (429 with a Retry-After longer than a turn waits): an
    // error answer now would be refused too, and only add to the thread's count.
    const throttled = (error as { statusCode?: unknown }).statusCode === 429;
    // Telling the user would go where the turn was refused to go.
    if (context.activity.type === 'message' && !(error instanceof ServiceUrlRefused) && !throttled) {
      const locale = localeFromTag(context.activity.locale, config.DEFAULT_LOCALE);
      try {
        await context.sendActivity(t(locale, full ? 'error.storageFull' : 'error.unexpected'));
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
