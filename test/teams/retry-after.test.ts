import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../src/domain/errors.js';
import { GraphError } from '../../src/graph/http.js';
import { retryAfterMs } from '../../src/teams/retry-after.js';

/** The headers of a core-rest-pipeline response: looked up by name, case-insensitively. */
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] });

describe('how long a refusal asks the bot to wait', () => {
  it('reads Retry-After in seconds or as a date from a connector error, and a Graph error’s own hint', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(retryAfterMs({ statusCode: 429, response: { headers: headers({ 'retry-after': '7' }) } }, now)).toBe(7_000);
    expect(retryAfterMs({ statusCode: 503, response: { headers: headers({ 'retry-after': 'Mon, 02 Mar 2026 10:00:30 GMT' }) } }, now)).toBe(30_000);
    expect(retryAfterMs(new GraphError(429, 'TooManyRequests', 'slow down', 12_000))).toBe(12_000);
  });

  it('looks through a wrapper, and says nothing when nobody said when', () => {
    const inner = new GraphError(503, 'ServiceUnavailable', 'busy', 4_000);
    expect(retryAfterMs(new DependencyError('calendar', { cause: inner }))).toBe(4_000);
    expect(retryAfterMs({ statusCode: 429, response: { headers: headers({}) } })).toBeUndefined();
    expect(retryAfterMs({ statusCode: 429, response: { headers: headers({ 'retry-after': 'soon' }) } })).toBeUndefined();
    expect(retryAfterMs(new Error('socket hang up'))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
