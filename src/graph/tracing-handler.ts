import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { SpanStatusCode } from '@opentelemetry/api';
import { callingOut, countGraphThrottle } from '../telemetry/signals.js';

/** Graph's own path words; every other segment is an id, a mailbox or a name and is left out. */
const PATH_WORDS = new Set([
  'v1.0',
  'beta',
  'users',
  'events',
  'cancel',
  'calendarView',
  'delta',
  'sites',
  'drive',
  'drives',
  'root',
  'items',
  'children',
  'content',
  'versions',
  'createUploadSession',
]);

const THROTTLED = new Set([429, 503, 504]);

/** Counts a Graph answer that asks to back off, wherever it came from (the client, an upload session). */
export function countIfThrottled(response: Response): void {
  if (THROTTLED.has(response.status)) countGraphThrottle(response.status, response.headers.has('Retry-After'));
}

/**
 * A request's path with everything but Graph's own words replaced: `/v1.0/users/{id}/events`,
 * `/v1.0/drives/{id}/root:{path}:/content`. Mailboxes, folder and file names never leave.
 */
export function graphRoute(url: string): string {
  let path: string;
  try {
    path = new URL(url, 'https://graph.invalid').pathname;
  } catch {
    return '{unparsed}';
  }
  // Path-based addressing (`root:/Council/2026/file.docx:/content`) names folders and files.
  path = path.replace(/:\/[^:]*(:|$)/, ':{path}$1');
  return path
    .split('/')
    .map((segment) =>
      segment
        .split(':')
        .map((part) => (part === '' || part === '{path}' || PATH_WORDS.has(part) ? part : '{id}'))
        .join(':'),
    )
    .join('/');
}

/**
 * A dependency span for each attempt at a Graph request (it sits after the RetryHandler, so a
 * retried 429 shows as the attempts it took) and a count of the answers that ask to back off.
 */
export class TracingHandler implements Middleware {
  private next?: Middleware;

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const request = context.request;
    const url = typeof request === 'string' ? request : request.url;
    const method = (context.options?.method ?? (typeof request === 'string' ? 'GET' : request.method)).toUpperCase();
    let host = 'unknown';
    try {
      host = new URL(url).hostname;
    } catch {
      // A relative or broken URL fails in the next handler; the span still shows the attempt.
    }
    const route = graphRoute(url);
    await callingOut(
      `${method} ${route}`,
      { 'http.request.method': method, 'server.address': host, 'url.template': route },
      () => this.next!.execute(context),
      (_result, span) => {
        const response = context.response;
        if (!response) return;
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        countIfThrottled(response);
      },
    );
  }
}
