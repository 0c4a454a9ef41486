/**
 * Token buckets that keep proactive sends inside Teams' limits: about 7 messages a second to
 * one conversation and 50 requests a second per app and tenant. Each instance keeps its own
 * buckets, so the configured rates are per instance; several instances share the tenant's
 * allowance by running with lower rates (and a 429 that still happens is retried by the outbox).
 */
export interface Rate {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Waits until `key` may send once more at `rate`; callers for one key are served in order. */
  async take(key: string, rate: Rate): Promise<void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.then(() => this.wait(key, rate));
    const tail = turn.catch(() => undefined);
    this.queues.set(key, tail);
    await turn;
    if (this.queues.get(key) === tail) this.queues.delete(key);
  }

  private async wait(key: string, rate: Rate): Promise<void> {
    for (;;) {
      const t = this.now();
      const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: t };
      bucket.tokens = Math.min(rate.burst, bucket.tokens + ((t - bucket.at) / 1000) * rate.perSecond);
      bucket.at = t;
      this.buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - bucket.tokens) / rate.perSecond) * 1000)));
    }
  }
}

export const CONVERSATION_RATE: Rate = { perSecond: 7, burst: 7 };
