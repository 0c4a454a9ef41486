import { type GraphAccess, GraphCredentialsError, type GraphStatus, type Logger } from '../app/ports.js';
import type { TokenSource } from './token.js';

/** Entra ID's OAuth errors that refuse the client itself, whatever it asks for. */
const REFUSED_ERRORS = new Set(['invalid_client', 'unauthorized_client']);
/**
 * AADSTS codes of the same: 7000215 wrong secret, 7000222 expired secret, 700027 certificate not
 * (or no longer) registered, 7000218 no credential sent, 700016 no such app in the tenant.
 */
const REFUSED_CODES = new Set(['7000215', '7000222', '700027', '7000218', '700016']);

/** What MSAL's ServerError carries of the token endpoint's answer. */
interface TokenEndpointError {
  errorCode?: unknown;
  errorNo?: unknown;
  message?: unknown;
}

/**
 * The error code and AADSTS number when a token request failed because the app's credentials were
 * refused; undefined for anything else (Entra unavailable, the network). Only these short codes are
 * kept: the full description names the app and is for the administrator's log, not for users.
 */
export function credentialsRefusal(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const { errorCode, errorNo, message } = err as TokenEndpointError;
  const code = errorNo !== undefined && errorNo !== null ? String(errorNo) : typeof message === 'string' ? /AADSTS(\d+)/.exec(message)?.[1] : undefined;
  const error = typeof errorCode === 'string' ? errorCode : undefined;
  if (!(error !== undefined && REFUSED_ERRORS.has(error)) && !(code !== undefined && REFUSED_CODES.has(code))) return undefined;
  return [error, code && `AADSTS${code}`].filter(Boolean).join(' ');
}

export interface CredentialsGateOptions {
  /** The first wait before the credentials are tried again; it doubles after each refusal. */
  firstProbeMs: number;
  maxProbeMs: number;
  logger: Logger;
  now?: () => number;
}

export interface CredentialsGate extends TokenSource, GraphAccess {
  /** Graph refused a token just obtained (401 twice): the credentials are taken as refused too. */
  refused(reason: string): GraphCredentialsError;
}

/**
 * Tokens for Graph, with the app's credentials watched. Once Entra ID refuses them every Graph
 * job would fail alike, so Graph is paused for the whole process: callers get a
 * GraphCredentialsError at once without a token request, and one probe (a token request) runs
 * on its own timer with a growing pause between tries. When a probe gets a token, Graph resumes.
 */
export function guardCredentials(tokens: TokenSource, options: CredentialsGateOptions): CredentialsGate {
  const now = options.now ?? Date.now;
  const { logger } = options;
  let paused: { since: number; nextProbeAt: number; delayMs: number; reason: string; byGraph: boolean } | undefined;
  // A probe only shows that Entra ID issues a token. When it was Graph that refused the token, the
  // next job may be refused again: that is the same episode going on, not a new one to tell of.
  let ended: { since: number; delayMs: number; at: number; byGraph: boolean } | undefined;
  let probing: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listeners: ((status: GraphStatus) => void)[] = [];

  function status(): GraphStatus {
    return paused ? { status: 'credentials-rejected', since: new Date(paused.since).toISOString(), nextProbeAt: new Date(paused.nextProbeAt).toISOString() } : { status: 'ok' };
  }

  function tell(): void {
    const current = status();
    for (const listener of listeners) {
      try {
        listener(current);
      } catch (err) {
        logger.error({ err }, 'a listener of the Graph credentials failed');
      }
    }
  }

  function pausedError(): GraphCredentialsError {
    const p = paused!;
    return new GraphCredentialsError(new Date(p.since).toISOString(), new Date(p.nextProbeAt).toISOString(), `Graph refuses the app's credentials (${p.reason}); Graph work waits until they are renewed`);
  }

  function schedule(): void {
    if (!paused) return;
    clearTimeout(timer);
    timer = setTimeout(() => void probe(), Math.max(0, paused.nextProbeAt - now()));
    timer.unref();
  }

  function pause(reason: string, byGraph = false): void {
    if (paused) return;
    const at = now();
    const goingOn = byGraph && ended?.byGraph === true && at - ended.at < options.maxProbeMs ? ended : undefined;
    const delayMs = goingOn ? Math.min(options.maxProbeMs, goingOn.delayMs * 2) : options.firstProbeMs;
    paused = { since: goingOn?.since ?? at, nextProbeAt: at + delayMs, delayMs, reason, byGraph };
    // The full answer of Entra ID is for the administrator, here only.
    logger.error({ reason, nextProbeMs: delayMs }, 'Graph refuses the app credentials (secret or certificate): Graph work paused until an administrator renews them');
    schedule();
    tell();
  }

  async function probe(): Promise<void> {
    const p = paused;
    if (!p || probing) return;
    tokens.invalidate();
    probing = tokens.token();
    try {
      await probing;
      const pausedMs = now() - p.since;
      ended = { since: p.since, delayMs: p.delayMs, at: now(), byGraph: p.byGraph };
      paused = undefined;
      logger.info({ pausedMs }, 'Graph accepts the app credentials again: Graph work resumes');
      tell();
    } catch (err) {
      p.delayMs = Math.min(options.maxProbeMs, p.delayMs * 2);
      p.nextProbeAt = now() + p.delayMs;
      const reason = credentialsRefusal(err);
      logger.warn({ reason: reason ?? (err as Error).message, nextProbeMs: p.delayMs }, 'Graph credentials still refused');
      schedule();
    } finally {
      probing = undefined;
    }
  }

  return {
    status,
    onChange(listener) {
      listeners.push(listener);
    },
    async token() {
      if (paused) {
        // A probe under way may be the one that succeeds: its answer is worth the wait.
        if (probing) await probing.catch(() => undefined);
        if (paused) throw pausedError();
      }
      try {
        return await tokens.token();
      } catch (err) {
        const reason = credentialsRefusal(err);
        if (reason === undefined) throw err;
        pause(reason);
        throw pausedError();
      }
    },
    invalidate() {
      tokens.invalidate();
    },
    refused(reason) {
      pause(reason, true);
      return pausedError();
    },
  };
}
