import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../src/app/ports.js';
import { DependencyError, RuleError, StaleError } from '../../src/domain/errors.js';
import { GraphError } from '../../src/graph/http.js';
import { PERMANENT_ATTEMPTS, TRANSIENT_ATTEMPTS, UndeliverableJobError, classifyFailure, shouldPark } from '../../src/teams/outbox-failure.js';
import { NoTeamsAccountError, UnknownConversationError } from '../../src/teams/proactive.js';

/** What the Bot Connector client (@azure/core-rest-pipeline's RestError) throws for an answer it does not retry. */
function connectorError(statusCode: number, code = 'Error'): Error {
  return Object.assign(new Error('refused'), { name: 'RestError', statusCode, code });
}

/** A real failed fetch: undici's TypeError 'fetch failed' around the socket's ECONNREFUSED. */
async function refusedFetch(): Promise<unknown> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('sorting an outbox delivery failure', () => {
  it('takes Teams and Graph answers that ask to come back later as transient, other 4xx as permanent', () => {
    for (const status of [408, 412, 429, 500, 502, 503, 504]) expect(classifyFailure(connectorError(status)), String(status)).toEqual({ permanent: false, type: String(status) });
    for (const status of [400, 403, 404, 409, 410, 413]) expect(classifyFailure(connectorError(status)), String(status)).toEqual({ permanent: true, type: String(status) });
    // Credentials are the whole bot's problem, not the job's: nothing is parked while the admin fixes them.
    expect(classifyFailure(connectorError(401)).permanent).toBe(false);
    expect(classifyFailure(new GraphError(429, 'TooManyRequests', 'slow down', 5_000))).toEqual({ permanent: false, type: '429' });
    expect(classifyFailure(new GraphError(404, 'itemNotFound', 'gone'))).toEqual({ permanent: true, type: '404' });
    // Graph's client reports a request that never got an answer as status 0.
    expect(classifyFailure(new GraphError(0, 'NetworkError', 'socket hang up')).permanent).toBe(false);
  });

  it('takes a dropped or refused connection and a timeout as transient', async () => {
    const failed = await refusedFetch();
    expect(failed).toBeInstanceOf(TypeError);
    expect(classifyFailure(failed)).toEqual({ permanent: false, type: 'TypeError' });
    expect(classifyFailure(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toEqual({ permanent: false, type: 'ECONNRESET' });
    expect(classifyFailure(Object.assign(new Error('send failed'), { name: 'RestError', code: 'REQUEST_SEND_ERROR' })).permanent).toBe(false);
    expect(classifyFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).permanent).toBe(false);
    expect(classifyFailure(new DOMException('This operation was aborted', 'AbortError')).permanent).toBe(false);
  });

  it('takes a rule that says no, a bug and a job nobody can deliver as permanent', () => {
    expect(classifyFailure(new RuleError('error.meetingNotFound'))).toEqual({ permanent: true, type: 'RuleError' });
    expect(classifyFailure(new UndeliverableJobError('no handler for x'))).toEqual({ permanent: true, type: 'UndeliverableJobError' });
    expect(classifyFailure(new UnknownConversationError('no stored reference'))).toEqual({ permanent: true, type: 'UnknownConversationError' });
    expect(classifyFailure(new NoTeamsAccountError('a guest added by name has no Teams account'))).toEqual({ permanent: true, type: 'NoTeamsAccountError' });
    let bug: unknown;
    try {
      (undefined as unknown as { view: { council: string } }).view.council;
    } catch (err) {
      bug = err;
    }
    expect(classifyFailure(bug)).toEqual({ permanent: true, type: 'TypeError' });
    let unparsed: unknown;
    try {
      JSON.parse('{"pollId":');
    } catch (err) {
      unparsed = err;
    }
    expect(classifyFailure(unparsed)).toEqual({ permanent: true, type: 'SyntaxError' });
    expect(classifyFailure(new ReferenceError('x is not defined')).permanent).toBe(true);
  });

  it('takes a concurrent change, a declared transient error and an unknown one as transient; a wrapper as what it wraps', () => {
    expect(classifyFailure(new StaleError()).permanent).toBe(false);
    expect(classifyFailure(new TransientError('Graph 503', 1_000)).permanent).toBe(false);
    // The store's driver failing (a pg connection cut) is nothing the job did.
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toEqual({ permanent: false, type: 'Error' });
    expect(classifyFailure('boom').permanent).toBe(false);
    expect(classifyFailure(new DependencyError('connector', { cause: connectorError(403) }))).toEqual({ permanent: true, type: 'DependencyError' });
    expect(classifyFailure(new DependencyError('connector', { cause: connectorError(503) })).permanent).toBe(false);
    const looped = new Error('a');
    looped.cause = new Error('b', { cause: looped });
    expect(classifyFailure(looped).permanent).toBe(false);
  });

  it('parks a permanent failure on its third attempt, a transient one only after about a day of attempts', () => {
    const permanent = { permanent: true, type: '403' };
    const transient = { permanent: false, type: '429' };
    expect(PERMANENT_ATTEMPTS).toBe(3);
    expect([1, 2, 3].map((n) => shouldPark(permanent, n))).toEqual([false, false, true]);
    expect([1, 3, 100, TRANSIENT_ATTEMPTS - 1].map((n) => shouldPark(transient, n))).toEqual([false, false, false, false]);
    expect(shouldPark(transient, TRANSIENT_ATTEMPTS)).toBe(true);
  });
});
