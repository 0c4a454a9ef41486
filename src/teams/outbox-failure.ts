import { TransientError } from '../app/ports.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { NoTeamsAccountError, UnknownConversationError } from './proactive.js';

/**
 * Why an outbox delivery failed, as far as retrying is concerned. Transient: the other side is
 * busy or briefly away (Teams' and Graph's 429, 408, 412, 5xx, a dropped connection); later
 * works. Permanent: the same request will be refused again (another 4xx: the bot left the chat,
 * the message is gone), or the bot itself is wrong (a rule said no, a bug, a job it cannot read).
 */
export interface Failure {
  permanent: boolean;
  /** A status code or an error's class name: short and free of what people wrote (it goes to telemetry). */
  type: string;
}

/**
 * 4xx statuses that ask to come back later: 408, 429, and 412, which Teams answers when a
 * conversation is being written to at once. 401 is the bot's credentials, not the job: every job
 * would fail alike until the admin fixes them, and none should be parked meanwhile.
 */
const RETRY_LATER = new Set([401, 408, 412, 429]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  // @azure/core-rest-pipeline's RestError when the request never got an answer.
  'REQUEST_SEND_ERROR',
]);

/** Errors that mean the code is wrong: running it again gives the same. */
const BUG_NAMES = new Set(['TypeError', 'ReferenceError', 'SyntaxError', 'RangeError']);

/** The job cannot be delivered by anything this instance has: a kind with no handler, a payload that does not parse. */
export class UndeliverableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableJobError';
  }
}

function statusOf(err: object): number | undefined {
  // RestError (the Bot Connector client) says statusCode; GraphError and fetch-style errors say status.
  const status = (err as { statusCode?: unknown }).statusCode ?? (err as { status?: unknown }).status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function isNetwork(err: object): boolean {
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  // undici's fetch rejects with a TypeError 'fetch failed' whose cause is the socket's error.
  return name === 'TypeError' && message === 'fetch failed';
}

/** Sorts a delivery's failure; anything not known to be permanent is taken as transient, so no work is given up on a guess. */
export function classifyFailure(err: unknown, depth = 0): Failure {
  if (err === null || typeof err !== 'object') return { permanent: false, type: typeof err };
  const status = statusOf(err);
  if (status !== undefined) {
    const permanent = status >= 400 && status < 500 && !RETRY_LATER.has(status);
    return { permanent, type: String(status) };
  }
  if (isNetwork(err)) return { permanent: false, type: (err as { code?: string }).code ?? (err as Error).name };
  // Somebody changed the same thing at once: reading it again succeeds.
  if (err instanceof StaleError || err instanceof TransientError) return { permanent: false, type: err.name };
  if (err instanceof RuleError || err instanceof UndeliverableJobError || err instanceof UnknownConversationError || err instanceof NoTeamsAccountError) {
    return { permanent: true, type: err.constructor.name };
  }
  const name = (err as Error).name;
  if (typeof name === 'string' && BUG_NAMES.has(name)) return { permanent: true, type: name };
  const cause = (err as { cause?: unknown }).cause;
  // A wrapper (DependencyError) is as transient or permanent as what it wraps.
  if (cause !== undefined && depth < 5) return { ...classifyFailure(cause, depth + 1), type: typeof name === 'string' ? name : 'Error' };
  return { permanent: false, type: typeof name === 'string' ? name : 'Error' };
}

/** A permanent failure gets this many attempts in all, so a fluke still has another chance. */
export const PERMANENT_ATTEMPTS = 3;
/**
 * Transient failures are retried with backoff, but not for ever: at the one-minute ceiling this is
 * about a day of trying, longer than Teams or Graph stay away; then the job waits for the admin.
 */
export const TRANSIENT_ATTEMPTS = 1_440;

/** Whether a job that failed on this attempt (counted from 1) is set aside rather than tried again. */
export function shouldPark(failure: Failure, attempts: number): boolean {
  return attempts >= (failure.permanent ? PERMANENT_ATTEMPTS : TRANSIENT_ATTEMPTS);
}
