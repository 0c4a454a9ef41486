import { AsyncLocalStorage } from 'node:async_hooks';
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { BotAdapter } from './adapter.js';

/** A request whose token the bot does not accept, for whatever reason: the answer is 401. */
export class AuthenticationFailed extends Error {}

/** botframework's AllowedSigningAlgorithms: what the channel signs with. */
const SIGNING_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512']);

/**
 * The SDK fetches its OpenID metadata without a timeout, and again for every request while it
 * has none; a metadata endpoint that accepts and never answers would hold each turn for minutes.
 */
export const AUTHENTICATION_TIMEOUT_MS = 5_000;

/**
 * What cannot be a channel token is refused before the SDK looks at it: an unsigned or
 * HMAC-signed token never makes the bot fetch keys, and the SDK never gets to print it.
 */
function shapeProblem(authHeader: string): string | undefined {
  const [scheme, token, ...rest] = authHeader.trim().split(/\s+/);
  if (scheme !== 'Bearer' || !token || rest.length > 0) return 'no bearer token';
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return 'not a signed JWT';
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
  } catch {
    return 'token header is not JSON';
  }
  if (typeof header.alg !== 'string' || !SIGNING_ALGORITHMS.has(header.alg)) return `signing algorithm ${String(header.alg).slice(0, 16)} not allowed`;
  if (typeof header.kid !== 'string' || header.kid === '') return 'token names no signing key';
  if (parts[2] === '') return 'token has no signature';
  return undefined;
}

// botframework writes what it rejects to the console: the signing key's PEM, whole stacks. The
// refusal is logged once, in one line, by the caller; the SDK's own lines during authentication
// are dropped.
const authenticating = new AsyncLocalStorage<true>();
let consoleQuieted = false;
function quietConsoleWhileAuthenticating(): void {
  if (consoleQuieted) return;
  consoleQuieted = true;
  for (const level of ['error', 'warn', 'log', 'info', 'debug'] as const) {
    const write = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (authenticating.getStore() === undefined) write(...args);
    };
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}

/**
 * The SDK's authentication with every failure made an AuthenticationFailed: it answers a bad
 * signature or an unreachable metadata endpoint with a plain Error, which botbuilder makes a 500.
 */
export async function authenticateInbound(
  adapter: BotAdapter,
  activity: Activity,
  authHeader: string,
  options: { required: boolean; timeoutMs?: number },
): Promise<AuthenticateRequestResult> {
  if (options.required) {
    const problem = shapeProblem(authHeader);
    if (problem) throw new AuthenticationFailed(problem);
  }
  quietConsoleWhileAuthenticating();
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.timeoutMs ?? AUTHENTICATION_TIMEOUT_MS;
  try {
    return await authenticating.run(true, () =>
      Promise.race([
        adapter.authenticate(activity, authHeader),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new AuthenticationFailed(`no signing keys within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]),
    );
  } catch (err) {
    if (err instanceof AuthenticationFailed) throw err;
    throw new AuthenticationFailed(firstLine(err));
  } finally {
    clearTimeout(timer);
  }
}
