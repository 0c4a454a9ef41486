import type { BotAdapter, TurnContext } from 'botbuilder';
import type { Attributes } from '@opentelemetry/api';
import { callingOut } from '../telemetry/signals.js';

// Not calls to the connector: an invoke response is the HTTP answer to Teams itself.
const LOCAL_TYPES = new Set(['invokeResponse', 'trace', 'delay']);

function connectorAttributes(context: TurnContext, method: string): Attributes {
  let host = 'unknown';
  try {
    host = new URL(context.activity.serviceUrl).hostname;
  } catch {
    // An activity without a usable service URL fails on the send itself; the span shows that.
  }
  return { 'http.request.method': method, 'server.address': host };
}

/**
 * A span for each call to the Bot Connector (replies, proactive sends, card updates), so the
 * time a turn or an outbox job spends waiting on Teams shows as a dependency. Adapter
 * middleware runs for proactive turns too.
 */
export function traceConnectorCalls(adapter: BotAdapter): void {
  adapter.use(async (context, next) => {
    context.onSendActivities(async (_context, activities, send) => {
      if (activities.every((a) => LOCAL_TYPES.has(a.type ?? ''))) return send();
      return callingOut('connector send', { ...connectorAttributes(context, 'POST'), 'bot.activity.count': activities.length }, send);
    });
    context.onUpdateActivity(async (_context, _activity, update) => callingOut('connector update', connectorAttributes(context, 'PUT'), update));
    await next();
  });
}
