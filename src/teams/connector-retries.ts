import type { CloudAdapter } from 'botbuilder';

/** The parts of @azure/core-rest-pipeline's Pipeline used here. */
interface Pipeline {
  getOrderedPolicies(): { name: string }[];
  removePolicy(options: { name: string }): unknown[];
}

interface ConnectorFactoryLike {
  create(serviceUrl: string, audience?: string): Promise<unknown>;
}

interface AuthenticationLike {
  createConnectorFactory(claimsIdentity: unknown): ConnectorFactoryLike;
  authenticateRequest(...args: unknown[]): Promise<{ connectorFactory?: ConnectorFactoryLike }>;
  authenticateStreamingRequest(...args: unknown[]): Promise<{ connectorFactory?: ConnectorFactoryLike }>;
}

/**
 * The connector client's own retry policies (core-rest-pipeline's defaultRetryPolicy: Retry-After
 * waited out, 5xx and dropped connections retried, three times) come off, leaving one HTTP request
 * per call. Retrying belongs to whoever knows what the call is for: the outbox retries a proactive
 * send with its own backoff and Teams' Retry-After, and a reply inside a turn fails at once (see
 * withOneRequestPerCall).
 */
export function removeRetryPolicies(connectorClient: unknown): string[] {
  const pipeline = (connectorClient as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline) return [];
  const retrying = pipeline
    .getOrderedPolicies()
    .map((p) => p.name)
    .filter((name) => /retry/i.test(name));
  for (const name of retrying) pipeline.removePolicy({ name });
  return retrying;
}

function single(factory: ConnectorFactoryLike): ConnectorFactoryLike {
  return {
    async create(serviceUrl, audience) {
      const client = await factory.create(serviceUrl, audience);
      removeRetryPolicies(client);
      return client;
    },
  };
}

/**
 * Every connector client the adapter makes (for incoming turns, proactive turns and new
 * conversations) sends each call once. Not for the outbox alone: a reply in a turn retried by the
 * client holds the turn while Teams waits for its HTTP answer (up to three Retry-After pauses, past
 * the 15 seconds Teams waits for a bot's HTTP answer), and the person gets Teams' own error instead
 * of the bot's; failing at once lets the turn's error handler answer while the person still waits.
 *
 * CloudAdapter keeps its BotFrameworkAuthentication in a protected field and has no option for
 * the client's pipeline (ConnectorFactoryImpl overwrites requestPolicyFactories), so the field is
 * wrapped where every client is made.
 */
export function withOneRequestPerCall(adapter: CloudAdapter): void {
  const holder = adapter as unknown as { botFrameworkAuthentication: AuthenticationLike };
  const auth = holder.botFrameworkAuthentication;
  holder.botFrameworkAuthentication = new Proxy(auth, {
    get(target, prop) {
      if (prop === 'createConnectorFactory') return (claimsIdentity: unknown) => single(target.createConnectorFactory(claimsIdentity));
      if (prop === 'authenticateRequest' || prop === 'authenticateStreamingRequest') {
        return async (...args: unknown[]) => {
          const result = await target[prop](...args);
          return result.connectorFactory ? { ...result, connectorFactory: single(result.connectorFactory) } : result;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
