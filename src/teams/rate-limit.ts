/**
 * Keeps proactive sends inside Teams' limits before they are sent, instead of learning them from
 * 429s: per thread (a channel conversation, group chat or 1:1 chat) the limits Teams documents
 * for a bot (THREAD_LIMITS), and about 50 requests a second per app and tenant. Each instance
 * keeps its own counts, so with several instances the limits hold per instance only: a thread
 * written to from two instances at once can still get 429s, which the outbox then waits out as
 * Teams' Retry-After says; the tenant's allowance is shared by running with a lower rate.
 */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** At most `limit` sends within any `ms` milliseconds. */
export interface Window {
  limit: number;
  ms: number;
}

/**
 * Teams' per bot per thread limits for sending to a conversation (and for creating one): 7 in a
 * second, 8 in 2 seconds, 60 in 30 seconds, 1,800 in an hour.
 */
export const THREAD_LIMITS: readonly Window[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/**
 * Teams counts a request when it arrives, the bot when it sends it: one that travels faster than
 * the request a window back would land inside that window. The bot leaves this much more.
 */
export const ARRIVAL_MARGIN_MS = 250;
/** How long a queued send steps back for a reply that is waiting for the same place. */
const YIELD_MS = 5;

interface Bucket {
  tokens: number;
  at: number;
}

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Times of the sends within the longest window, oldest first, per key. */
  private readonly logs = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Callers of takeFirst waiting, per key: the queued sends let them go first. */
  private readonly first = new Map<string, number>();
  private sweptAt = 0;

  constructor(
    private readonly clock: LimiterClock = realClock,
    /** Added to every window's length when waiting for room in it (ARRIVAL_MARGIN_MS for Teams). */
    private readonly marginMs = 0,
  ) {}

  /** Waits until `key` may send once more at `rate` (a token bucket); callers for one key are served in order. */
  take(key: string, rate: Rate): Promise<void> {
    return this.inOrder(key, () => this.waitBucket(key, rate));
  }

  /** Waits until one more send to `key` stays within every window, and counts it; callers for one key are served in order. */
  takeWithin(key: string, windows: readonly Window[]): Promise<void> {
    return this.inOrder(key, () => this.waitWindows(key, windows, false));
  }

  /**
   * Like takeWithin, but ahead of the sends queued for `key`: a reply someone is waiting for goes
   * in the next free place of the windows, and the queued sends take the places after it.
   */
  async takeFirst(key: string, windows: readonly Window[]): Promise<void> {
    this.first.set(key, (this.first.get(key) ?? 0) + 1);
    try {
      await this.waitWindows(key, windows, true);
    } finally {
      const left = (this.first.get(key) ?? 1) - 1;
      if (left > 0) this.first.set(key, left);
      else this.first.delete(key);
    }
  }

  /**
   * Counts a send to `key` that did not wait its turn (a reply the person is waiting for), so the
   * sends that do wait leave room for it within the windows.
   */
  note(key: string, windows: readonly Window[]): void {
    const t = this.clock.now();
    const longest = Math.max(...windows.map((w) => w.ms));
    const log = this.logs.get(key) ?? [];
    while (log.length > 0 && log[0]! <= t - longest) log.shift();
    log.push(t);
    this.logs.set(key, log);
  }

  /** Nothing goes to `key` for `ms` from now (Teams said so in a Retry-After), whatever the windows allow. */
  pause(key: string, ms: number): void {
    const until = this.clock.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  private async inOrder(key: string, wait: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.then(wait);
    const tail = turn.catch(() => undefined);
    this.queues.set(key, tail);
    await turn;
    if (this.queues.get(key) === tail) this.queues.delete(key);
  }

  /** How long `key` is still paused for; 0 when it is not. */
  private paused(key: string, t: number): number {
    const until = this.pausedUntil.get(key);
    if (until === undefined) return 0;
    if (until > t) return until - t;
    this.pausedUntil.delete(key);
    return 0;
  }

  private async waitBucket(key: string, rate: Rate): Promise<void> {
    for (;;) {
      const t = this.clock.now();
      const pause = this.paused(key, t);
      if (pause > 0) {
        await this.clock.sleep(pause);
        continue;
      }
      const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: t };
      bucket.tokens = Math.min(rate.burst, bucket.tokens + ((t - bucket.at) / 1000) * rate.perSecond);
      bucket.at = t;
      this.buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - bucket.tokens) / rate.perSecond) * 1000));
    }
  }

  private async waitWindows(key: string, windows: readonly Window[], ahead: boolean): Promise<void> {
    const longest = Math.max(...windows.map((w) => w.ms)) + this.marginMs;
    for (;;) {
      const t = this.clock.now();
      this.sweep(t, longest);
      const pause = this.paused(key, t);
      if (pause > 0) {
        await this.clock.sleep(pause);
        continue;
      }
      const log = this.logs.get(key) ?? [];
      let drop = 0;
      while (drop < log.length && log[drop]! <= t - longest) drop++;
      if (drop > 0) log.splice(0, drop);
      // The send `limit` places back must have left the window before another may go.
      let ready = t;
      for (const w of windows) {
        const oldest = log.length >= w.limit ? log[log.length - w.limit]! : undefined;
        if (oldest !== undefined && oldest + w.ms + this.marginMs > ready) ready = oldest + w.ms + this.marginMs;
      }
      if (ready <= t && !ahead && this.first.has(key)) {
        // A reply is waiting for the same place: it goes first, and this send looks again after it.
        await this.clock.sleep(YIELD_MS);
        continue;
      }
      if (ready <= t) {
        log.push(t);
        this.logs.set(key, log);
        return;
      }
      await this.clock.sleep(Math.ceil(ready - t));
    }
  }

  /** Forgets threads with no send within the longest window, so a year of 1:1 chats does not pile up. */
  private sweep(t: number, longest: number): void {
    if (t - this.sweptAt < longest) return;
    this.sweptAt = t;
    for (const [key, log] of this.logs) {
      if (log.length === 0 || log[log.length - 1]! <= t - longest) this.logs.delete(key);
    }
  }
}
