/** A Retry-After header's value, seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long the other side asked to be left alone, when it said so: Graph's errors carry it as
 * retryAfterMs; the Bot Connector client's RestError carries Teams' answer, headers and all.
 * Looked for through wrappers too, as classifyFailure looks for the status.
 */
export function retryAfterMs(err: unknown, now = Date.now(), depth = 0): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const hinted = (err as { retryAfterMs?: unknown }).retryAfterMs;
  if (typeof hinted === 'number' && Number.isFinite(hinted)) return Math.max(0, hinted);
  const headers = (err as { response?: { headers?: { get?: (name: string) => unknown } } }).response?.headers;
  if (typeof headers?.get === 'function') {
    const header = parseRetryAfter(headers.get('retry-after'), now);
    if (header !== undefined) return header;
  }
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && depth < 5 ? retryAfterMs(cause, now, depth + 1) : undefined;
}
