import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import type { TokenSource } from './token.js';

/** A Graph request that did not succeed, with what a caller needs to decide what comes next. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After on 429/503: when Graph says to come back. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** Throttled or briefly unavailable: worth trying again later. */
  get transient(): boolean {
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504 || this.status === 0;
  }
}

export interface GraphHttpOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  tokens: TokenSource;
  maxRetries: number;
  /** Seconds before a retry when Graph gives no Retry-After. */
  retryDelaySeconds?: number;
  /** A Retry-After longer than this is not waited out inside the request: the caller's job is put back instead. */
  maxInlineWaitSeconds?: number;
}

export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the base URL, or an absolute URL Graph gave (@odata.nextLink). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphHttp {
  /** Sends the request and parses the answer with `schema`; throws GraphError for anything else. */
  call<T>(request: GraphRequest, schema: z.ZodType<T>): Promise<T>;
  /** For answers without a body (202, 204). */
  send(request: GraphRequest): Promise<number>;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function errorOf(response: Response): Promise<GraphError> {
  let code = `HTTP${response.status}`;
  let message = response.statusText || `Graph answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not every failure has a Graph error body (a gateway's 502 is HTML): the status says enough.
  }
  return new GraphError(response.status, code, message, retryAfterMs(response.headers.get('Retry-After')));
}

/**
 * The Graph client with its middleware chain made explicit: bounded retries of 429/503/504
 * honouring Retry-After, a token on every request, and one new token when Graph says the
 * token has expired. Responses come back raw and are checked here, not trusted.
 */
export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const maxInline = options.maxInlineWaitSeconds ?? 30;
  const auth = new AuthenticationHandler({ getAccessToken: () => options.tokens.token() });
  const retry = new RetryHandler(
    new RetryHandlerOptions(options.retryDelaySeconds ?? 2, options.maxRetries, (_delay, _attempt, _request, _options, response) => {
      const wait = retryAfterMs(response.headers.get('Retry-After'));
      return wait === undefined || wait <= maxInline * 1000;
    }),
  );
  const redirect = new RedirectHandler();
  const telemetry = new TelemetryHandler();
  auth.setNext(retry);
  retry.setNext(redirect);
  redirect.setNext(telemetry);
  telemetry.setNext(new HTTPMessageHandler());
  const base = new URL(options.baseUrl);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: base.origin,
    defaultVersion: base.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0',
    // The client adds the token only for Graph's own hosts unless told about others (a national cloud, the test fake).
    customHosts: new Set([base.hostname]),
  });

  async function raw(request: GraphRequest, retried = false): Promise<Response> {
    let builder = client.api(request.path).responseType(ResponseType.RAW);
    for (const [name, value] of Object.entries(request.headers ?? {})) builder = builder.header(name, value);
    let response: Response;
    try {
      if (request.method === 'GET') response = await builder.get();
      else if (request.method === 'POST') response = await builder.post(request.body ?? {});
      else if (request.method === 'PATCH') response = await builder.patch(request.body ?? {});
      else response = await builder.delete();
    } catch (err) {
      if (err instanceof GraphError) throw err;
      // No answer at all (refused, reset, TLS): as transient as a 503.
      throw new GraphError(0, 'NetworkError', (err as Error).message ?? String(err));
    }
    if (response.status === 401 && !retried) {
      options.tokens.invalidate();
      return raw(request, true);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  return {
    async call(request, schema) {
      const response = await raw(request);
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new GraphError(response.status, 'InvalidResponse', `Graph answered ${request.method} ${request.path} with something that is not JSON`);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const where = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ');
        throw new GraphError(response.status, 'InvalidResponse', `Graph answered ${request.method} with an unexpected shape (${where})`);
      }
      return parsed.data;
    },
    async send(request) {
      const response = await raw(request);
      await response.body?.cancel();
      return response.status;
    },
  };
}
