import type { CloudAdapter } from 'botbuilder';
import { parseRetryAfter } from './retry-after.js';

/** The parts of @azure/core-rest-pipeline's request, response and policy used here. */
interface PipelineResponse {
  status: number;
  headers: { get(name: string): string | undefined };
}
type SendRequest = (request: unknown) => Promise<PipelineResponse>;
interface PipelinePolicy {
  name: string;
  sendRequest(request: unknown, next: SendRequest): Promise<PipelineResponse>;
}
interface Pipeline {
  getOrderedPolicies(): { name: string }[];
  removePolicy(options: { name: string }): unknown[];
  addPolicy(policy: PipelinePolicy, options?: { phase?: 'Retry' }): void;
}

interface ConnectorFactoryLike {
  create(serviceUrl: string, audience?: string): Promise<unknown>;
}

interface AuthenticationLike {
  createConnectorFactory(claimsIdentity: unknown): ConnectorFactoryLike;
  authenticateRequest(...args: unknown[]): Promise<{ connectorFactory?: ConnectorFactoryLike }>;
  authenticateStreamingRequest(...args: unknown[]): Promise<{ connectorFactory?: ConnectorFactoryLike }>;
}

/** Statuses worth one more try of a reply: Teams busy (429, 412) or briefly failing. */
const RETRY_STATUSES = new Set([408, 412, 429, 500, 502, 503, 504]);
/** A reply waits at most this long for its one retry; Teams wants the turn's HTTP answer within 15 s. */
const IN_TURN_MAX_WAIT_MS = 2_000;
const IN_TURN_PAUSE_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jittered = (ms: number) => ms * (0.75 + Math.random() / 2);

/**
 * A reply inside a turn is tried once more when Teams asks for a pause that fits in the turn (or
 * gives none), and never more: the person is waiting, and an answer lost to a passing 5xx would
 * otherwise be replaced by the turn's error answer, which says nothing was changed when the
 * command's change was saved.
 */
export const inTurnRetryPolicy: PipelinePolicy = {
  name: 'inTurnRetryPolicy',
  async sendRequest(request, next) {
    let response: PipelineResponse;
    try {
      response = await next(request);
    } catch (err) {
      // The request never got an answer (a dropped connection): once more, after a moment.
      if ((err as { code?: unknown }).code !== 'REQUEST_SEND_ERROR') throw err;
      await sleep(jittered(IN_TURN_PAUSE_MS));
      return next(request);
    }
    if (!RETRY_STATUSES.has(response.status)) return response;
    const asked = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    if (asked !== undefined && asked > IN_TURN_MAX_WAIT_MS) return response;
    await sleep(asked ?? jittered(IN_TURN_PAUSE_MS));
    return next(request);
  },
};

/**
 * The connector client's own retry policies (core-rest-pipeline's defaultRetryPolicy: Retry-After
 * waited out however long, 5xx and dropped connections retried, three times) come off, leaving one
 * HTTP request per call, and `replacement`, when given, in their place. The names that came off.
 */
export function replaceRetryPolicies(connectorClient: unknown, replacement?: PipelinePolicy): string[] {
  const pipeline = (connectorClient as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline) return [];
  const retrying = pipeline
    .getOrderedPolicies()
    .map((p) => p.name)
    .filter((name) => /retry/i.test(name));
  for (const name of retrying) pipeline.removePolicy({ name });
  if (replacement) pipeline.addPolicy(replacement, { phase: 'Retry' });
  return retrying;
}

function retrying(factory: ConnectorFactoryLike, replacement?: PipelinePolicy): ConnectorFactoryLike {
  return {
    async create(serviceUrl, audience) {
      const client = await factory.create(serviceUrl, audience);
      replaceRetryPolicies(client, replacement);
      return client;
    },
  };
}

/**
 * One retry policy for the connector, whoever calls it. Proactive turns and new conversations (the
 * outbox's sends) make one HTTP request per call: the outbox retries them with its own backoff and
 * Teams' Retry-After, and a retry inside its retry would only send sooner than Teams asked, several
 * times per attempt. Replies inside an incoming turn get inTurnRetryPolicy: at most one quick retry,
 * where the client's default could hold the turn for three Retry-After pauses, past the time Teams
 * waits for the bot's HTTP answer.
 *
 * CloudAdapter keeps its BotFrameworkAuthentication in a protected field and has no option for the
 * client's pipeline (ConnectorFactoryImpl overwrites requestPolicyFactories), so the field is
 * wrapped where every client is made: authenticateRequest for incoming turns, createConnectorFactory
 * for the rest.
 */
export function withOneRetryPolicy(adapter: CloudAdapter): void {
  const holder = adapter as unknown as { botFrameworkAuthentication: AuthenticationLike };
  const auth = holder.botFrameworkAuthentication;
  holder.botFrameworkAuthentication = new Proxy(auth, {
    get(target, prop) {
      if (prop === 'createConnectorFactory') return (claimsIdentity: unknown) => retrying(target.createConnectorFactory(claimsIdentity));
      if (prop === 'authenticateRequest' || prop === 'authenticateStreamingRequest') {
        return async (...args: unknown[]) => {
          const result = await target[prop](...args);
          return result.connectorFactory ? { ...result, connectorFactory: retrying(result.connectorFactory, inTurnRetryPolicy) } : result;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
