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
import { GraphCredentialsError } from '../app/ports.js';
import type { TokenSource } from './token.js';
import { TracingHandler } from './tracing-handler.js';

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

/** A request whose body is a file's bytes rather than JSON. */
export interface GraphUpload {
  method: 'PUT' | 'POST';
  path: string;
  body: Uint8Array;
  /** The file's media type, e.g. application/vnd.openxmlformats-officedocument.wordprocessingml.document. */
  contentType: string;
  headers?: Record<string, string>;
}

export interface GraphHttp {
  /** Sends the request and parses the answer with `schema`; throws GraphError for anything else. */
  call<T>(request: GraphRequest, schema: z.ZodType<T>): Promise<T>;
  /** For answers without a body (202, 204). */
  send(request: GraphRequest): Promise<number>;
  /** Sends a binary body (a file) and parses the JSON answer with `schema`; retried like `call`. */
  upload<T>(request: GraphUpload, schema: z.ZodType<T>): Promise<T>;
  /** GETs a binary answer, following a redirect to a pre-authenticated download URL. */
  download(request: { path: string; headers?: Record<string, string> }): Promise<Uint8Array>;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** What the RetryHandler retries; binary bodies are retried by `upload` with the same rules. */
const RETRIED_STATUSES = new Set([429, 503, 504]);

/** A failed answer as a GraphError: Graph's error code and message when the body has them, and Retry-After. */
export async function errorOf(response: Response): Promise<GraphError> {
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
 * honouring Retry-After, a span for every attempt, a token on every request, and one new token
 * when Graph says the token has expired. Responses come back raw and are checked here, not trusted.
 */
export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const maxInline = options.maxInlineWaitSeconds ?? 30;
  const retryDelaySeconds = options.retryDelaySeconds ?? 2;
  const auth = new AuthenticationHandler({ getAccessToken: () => options.tokens.token() });
  const retry = new RetryHandler(
    new RetryHandlerOptions(retryDelaySeconds, options.maxRetries, (_delay, _attempt, _request, _options, response) => {
      const wait = retryAfterMs(response.headers.get('Retry-After'));
      return wait === undefined || wait <= maxInline * 1000;
    }),
  );
  const tracing = new TracingHandler();
  const redirect = new RedirectHandler();
  const telemetry = new TelemetryHandler();
  auth.setNext(retry);
  retry.setNext(tracing);
  tracing.setNext(redirect);
  redirect.setNext(telemetry);
  telemetry.setNext(new HTTPMessageHandler());
  const base = new URL(options.baseUrl);
  const client = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: base.origin,
    defaultVersion: base.pathname.replace(/^\/+|(?<!\/)\/+$/g, '') || 'v1.0',
    // The client adds the token only for Graph's own hosts unless told about others (a national cloud, the test fake).
    customHosts: new Set([base.hostname]),
  });

  // The RetryHandler leaves application/octet-stream bodies alone (it takes them for streams
  // it cannot send twice), so a binary upload would be retried or not by its media type. Binary
  // bodies here are always whole buffers: they skip the RetryHandler and `upload` retries them
  // itself, with the same statuses, bound and Retry-After rule.
  const noRetry = new RetryHandlerOptions(0, 0);

  async function raw(request: GraphRequest | (GraphUpload & { binary: true }), retried = false): Promise<Response> {
    let builder = client.api(request.path).responseType(ResponseType.RAW);
    for (const [name, value] of Object.entries(request.headers ?? {})) builder = builder.header(name, value);
    let response: Response;
    try {
      // The token first, outside the client: its middleware would turn a refusal of the app's
      // credentials into an error of its own, and the job would not know to wait for the administrator.
      await options.tokens.token();
      if ('binary' in request) {
        // The client copies a Uint8Array's whole underlying ArrayBuffer (ignoring its offset and
        // length), so a view into a larger buffer would send the wrong bytes; a Buffer goes as it is.
        const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
        builder = builder.header('Content-Type', request.contentType).middlewareOptions([noRetry]);
        response = request.method === 'PUT' ? await builder.put(body) : await builder.post(body);
      } else if (request.method === 'GET') response = await builder.get();
      else if (request.method === 'POST') response = await builder.post(request.body ?? {});
      else if (request.method === 'PATCH') response = await builder.patch(request.body ?? {});
      else response = await builder.delete();
    } catch (err) {
      // Refused credentials are not a network fault: the job waits for the administrator, not for a retry.
      if (err instanceof GraphError || err instanceof GraphCredentialsError) throw err;
      // No answer at all (refused, reset, TLS): as transient as a 503.
      throw new GraphError(0, 'NetworkError', (err as Error).message ?? String(err));
    }
    if (response.status === 401 && !retried) {
      options.tokens.invalidate();
      return raw(request, true);
    }
    if (response.status === 401 && options.tokens.refused) {
      const refusal = await errorOf(response);
      throw options.tokens.refused(`Graph 401 ${refusal.code} with a new token`);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async function parsed<T>(response: Response, request: { method: string; path: string }, schema: z.ZodType<T>): Promise<T> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new GraphError(response.status, 'InvalidResponse', `Graph answered ${request.method} ${request.path} with something that is not JSON`);
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      const where = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      throw new GraphError(response.status, 'InvalidResponse', `Graph answered ${request.method} with an unexpected shape (${where})`);
    }
    return result.data;
  }

  async function rawUpload(request: GraphUpload): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await raw({ ...request, binary: true });
      } catch (err) {
        if (!(err instanceof GraphError) || !RETRIED_STATUSES.has(err.status) || attempt > options.maxRetries) throw err;
        if (err.retryAfterMs !== undefined && err.retryAfterMs > maxInline * 1000) throw err;
        const backoff = retryDelaySeconds * 1000 * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs ?? backoff));
      }
    }
  }

  return {
    async call(request, schema) {
      return parsed(await raw(request), request, schema);
    },
    async upload(request, schema) {
      return parsed(await rawUpload(request), request, schema);
    },
    async download(request) {
      const response = await raw({ method: 'GET', path: request.path, headers: request.headers });
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch (err) {
        throw new GraphError(0, 'NetworkError', `download of ${request.path} broke off: ${(err as Error).message}`);
      }
    },
    async send(request) {
      const response = await raw(request);
      await response.body?.cancel();
      return response.status;
    },
  };
}
