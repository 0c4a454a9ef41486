import {
  type Attributes,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  metrics,
  trace,
} from '@opentelemetry/api';

/*
 * What the bot records, through the OpenTelemetry API only: without a registered SDK every call
 * here is a no-op. Attributes carry fixed names from the code and ids at most, never what
 * people wrote or who they are: telemetry leaves the tenant's own systems.
 */

export const SCOPE = 'council-assistant';
export const TURN_DURATION = 'bot.turn.duration';
export const OUTBOX_LAG = 'outbox.job.lag';
export const GRAPH_THROTTLED = 'graph.throttled';
export const OUTBOX_PARKED = 'outbox.job.parked';

interface Instruments {
  turnDuration: Histogram;
  outboxLag: Histogram;
  graphThrottled: Counter;
  outboxParked: Counter;
}

let bound: { provider: MeterProvider; instruments: Instruments } | undefined;

// The API has a proxy for tracers but none for meters: instruments made before the SDK is
// registered would stay no-ops, so they follow whichever provider is current.
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (bound?.provider === provider) return bound.instruments;
  const meter = provider.getMeter(SCOPE);
  const made: Instruments = {
    turnDuration: meter.createHistogram(TURN_DURATION, { unit: 'ms', description: 'Time from receiving an activity on /api/messages to the HTTP answer' }),
    outboxLag: meter.createHistogram(OUTBOX_LAG, {
      unit: 'ms',
      description: 'How long after its due time an outbox job began to be delivered',
      advice: { explicitBucketBoundaries: [0, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000] },
    }),
    graphThrottled: meter.createCounter(GRAPH_THROTTLED, { description: 'Microsoft Graph answers 429, 503 and 504' }),
    outboxParked: meter.createCounter(OUTBOX_PARKED, { description: 'Outbox jobs set aside for the admin after failing for good' }),
  };
  bound = { provider, instruments: made };
  return made;
}

const tracer = () => trace.getTracer(SCOPE);

/** The reason an operation failed, as a class name: error messages can quote people's data. */
function fail(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : typeof err });
}

export interface TurnRecording {
  /** What the activity is, once its body has been read. */
  describe(attributes: Attributes): void;
  /** Runs the turn under its span, so replies and Graph calls made by it nest beneath. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Idempotent: the span and the duration are recorded once, with the status the client got. */
  end(statusCode: number): void;
}

export function startTurn(): TurnRecording {
  const started = performance.now();
  const span = tracer().startSpan('POST /api/messages', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'http.route': '/api/messages' },
  });
  let activityType = 'unknown';
  let ended = false;
  return {
    describe(attributes) {
      span.setAttributes(attributes);
      const type = attributes['bot.activity.type'];
      if (typeof type === 'string') activityType = type;
    },
    run: (fn) => context.with(trace.setSpan(context.active(), span), fn),
    end(statusCode) {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      instruments().turnDuration.record(performance.now() - started, { 'bot.activity.type': activityType, 'http.response.status_code': statusCode });
    },
  };
}

/** Adds to the current turn's span what the code made of it: a command kind, a card verb. */
export function labelTurn(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** One delivery of an outbox job: its lag is recorded as it starts, its span covers the handler. */
export async function deliveringJob<T>(job: { kind: string; attempt: number; lagMs: number }, deliver: () => Promise<T>): Promise<T> {
  const lagMs = Math.max(0, job.lagMs);
  instruments().outboxLag.record(lagMs, { 'outbox.job.kind': job.kind });
  const attributes = { 'outbox.job.kind': job.kind, 'outbox.job.attempt': job.attempt, 'outbox.job.lag_ms': Math.round(lagMs) };
  // A job is the start of its own operation, not part of whatever was active when the loop ran.
  return tracer().startActiveSpan(`outbox ${job.kind}`, { kind: SpanKind.CONSUMER, attributes, root: true }, async (span) => {
    try {
      return await deliver();
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * A call to another service. `settle` reads from the result what the span should say (a
 * status code); a thrown error marks the span failed with the error's `status` when it has one.
 */
export async function callingOut<T>(name: string, attributes: Attributes, call: () => Promise<T>, settle?: (result: T, span: Span) => void): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      const result = await call();
      settle?.(result, span);
      return result;
    } catch (err) {
      const status = (err as { statusCode?: unknown; status?: unknown }).statusCode ?? (err as { status?: unknown }).status;
      if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A Graph answer that says to slow down or come back later. */
export function countGraphThrottle(status: number, retryAfterGiven: boolean): void {
  instruments().graphThrottled.add(1, { 'http.response.status_code': status, 'graph.retry_after': retryAfterGiven });
}

/** An outbox job given up on until the admin looks: by kind, and what failed (a status code or an error class). */
export function countParkedJob(kind: string, errorType: string): void {
  instruments().outboxParked.add(1, { 'outbox.job.kind': kind, 'error.type': errorType });
}
