import type { Activity, TurnContext } from 'botbuilder';
import type { Request, Response } from 'express';
import type { Logger } from '../app/ports.js';
import type { BotAdapter } from './adapter.js';
import { AuthenticationFailed, authenticateInbound } from './inbound-auth.js';

/** As botbuilder's own activity validator does: the wire's date strings become Dates, the strings kept beside them. */
function withDates(body: Record<string, unknown>): Activity {
  const activity = body as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/**
 * One inbound activity: authenticated first, so that every refusal is a 401 with one log line,
 * then run as botbuilder's CloudAdapter.process would, answering with the turn's invoke response.
 */
export function inboundTurns(adapter: BotAdapter, logger: Logger, options: { authenticationRequired: boolean; timeoutMs?: number }) {
  return async (req: Request, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void> => {
    const activity = withDates(req.body as Record<string, unknown>);
    const header = req.headers.authorization ?? '';
    let auth;
    try {
      auth = await authenticateInbound(adapter, activity, header, { required: options.authenticationRequired, timeoutMs: options.timeoutMs });
    } catch (err) {
      if (!(err instanceof AuthenticationFailed)) throw err;
      logger.warn({ reason: err.message }, 'request refused: not authenticated');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const invokeResponse = await adapter.runAuthenticated(auth, activity, logic);
    res.status(invokeResponse?.status ?? 200);
    if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
    else res.end();
  };
}
