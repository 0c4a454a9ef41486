import type { ConnectorCall, FakeConnector } from './fake-connector.js';
import { cardOf, cardText } from './teams-client.js';

/*
 * What the outbox sends after the turn that queued it (a decision's card, the live card's
 * update): a test waits for it to arrive rather than reading the connector as the turn ends.
 */

/** A message's text, or a card's visible text. */
export function said(call: ConnectorCall): string {
  return call.body?.text ?? cardText(cardOf(call.body));
}

/** The first send to the conversation whose text or card says `text`. */
export function sentSaying(connector: FakeConnector, conversationId: string, text: string, timeoutMs = 10_000): Promise<ConnectorCall> {
  return connector.waitFor((c) => c.kind === 'send' && c.conversationId === conversationId && said(c).includes(text), timeoutMs);
}

/** The first update of the activity (whose card says `text`, when given). */
export function updateOf(connector: FakeConnector, activityId: string, text = '', timeoutMs = 10_000): Promise<ConnectorCall> {
  return connector.waitFor((c) => c.kind === 'update' && c.activityId === activityId && said(c).includes(text), timeoutMs);
}
