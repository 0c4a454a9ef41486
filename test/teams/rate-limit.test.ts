import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, THREAD_LIMITS } from '../../src/teams/rate-limit.js';

/** The limiter's clock on vitest's fake timers: time moves only when the test moves it. */
const fakeClock = () => ({ now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) });

describe('the send rate limiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through at once, then spaces sends at the rate, per key, in order', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const limiter = new RateLimiter({ now: () => clock, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const rate = { perSecond: 10, burst: 3 };
    const sent: string[] = [];
    const all = Array.from({ length: 6 }, (_, i) => limiter.take('tenant-a', rate).then(() => sent.push(`a${i}`)));
    const other = limiter.take('tenant-b', rate).then(() => sent.push('b0'));
    await vi.advanceTimersByTimeAsync(0);
    expect([...sent].sort()).toEqual(['a0', 'a1', 'a2', 'b0']);
    for (let step = 1; step <= 3; step++) {
      clock += 100;
      await vi.advanceTimersByTimeAsync(100);
      expect(sent.filter((s) => s.startsWith('a'))).toHaveLength(3 + step);
    }
    await Promise.all([...all, other]);
    expect(sent.filter((s) => s.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('keeps every per-thread limit Teams documents: 7 a second, 8 in 2 s, 60 in 30 s, 1,800 an hour', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(fakeClock());
    const times: number[] = [];
    const sends = Array.from({ length: 1_810 }, () => limiter.takeWithin('thread-a', THREAD_LIMITS).then(() => times.push(Date.now())));
    let otherAt: number | undefined;
    void limiter.takeWithin('thread-b', THREAD_LIMITS).then(() => (otherAt = Date.now()));
    await vi.advanceTimersByTimeAsync(0);
    // Another thread has its own allowance.
    expect(otherAt).toBe(0);
    expect(times).toHaveLength(7);
    await vi.runAllTimersAsync();
    await Promise.all(sends);

    expect(times).toHaveLength(1_810);
    for (const { limit, ms } of [
      { limit: 7, ms: 1_000 },
      { limit: 8, ms: 2_000 },
      { limit: 60, ms: 30_000 },
      { limit: 1_800, ms: 3_600_000 },
    ]) {
      // limit + 1 sends never fall within one window.
      const crowded = times.findIndex((t, i) => i + limit < times.length && times[i + limit]! - t < ms);
      expect(crowded, `more than ${limit} in ${ms} ms`).toBe(-1);
    }
    // And no slower than the limits need: the 8th a second later, the 9th after 2 s, the 61st after 30 s, the 1,801st after the hour.
    expect(times[7]).toBe(1_000);
    expect(times[8]).toBe(2_000);
    expect(times[60]).toBe(30_000);
    expect(times[1_799]).toBeLessThan(3_600_000);
    expect(times[1_800]).toBe(3_600_000);
  });

  it('lets a reply take the next free place ahead of the sends queued for the thread', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(fakeClock());
    const order: string[] = [];
    const queued = Array.from({ length: 10 }, (_, i) => limiter.takeWithin('thread-a', THREAD_LIMITS).then(() => order.push(`send ${i}`)));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toHaveLength(7);
    const reply = limiter.takeFirst('thread-a', THREAD_LIMITS).then(() => order.push('reply'));
    await vi.runAllTimersAsync();
    await Promise.all([...queued, reply]);
    expect(order.slice(7)).toEqual(['reply', 'send 7', 'send 8', 'send 9']);
  });

  it('leaves a margin past each window, as Teams counts a request when it arrives', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(fakeClock(), 250);
    const times: number[] = [];
    const sends = Array.from({ length: 9 }, () => limiter.takeWithin('thread-a', THREAD_LIMITS).then(() => times.push(Date.now())));
    await vi.runAllTimersAsync();
    await Promise.all(sends);
    expect(times.slice(6)).toEqual([0, 1_250, 2_250]);
  });

  it('sends nothing to a thread Teams asked to wait (Retry-After), and the rest of the threads go on', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(fakeClock());
    await limiter.takeWithin('thread-a', THREAD_LIMITS);
    limiter.pause('thread-a', 7_000);
    const at: Record<string, number> = {};
    const a = limiter.takeWithin('thread-a', THREAD_LIMITS).then(() => (at.a = Date.now()));
    const b = limiter.takeWithin('thread-b', THREAD_LIMITS).then(() => (at.b = Date.now()));
    await vi.runAllTimersAsync();
    await Promise.all([a, b]);
    expect(at).toEqual({ a: 7_000, b: 0 });
  });

  it('leaves room for replies sent at once: they count within the windows, and the waiting sends come after', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(fakeClock());
    for (let i = 0; i < 7; i++) limiter.note('thread-a', THREAD_LIMITS);
    let at: number | undefined;
    const waiting = limiter.takeWithin('thread-a', THREAD_LIMITS).then(() => (at = Date.now()));
    await vi.advanceTimersByTimeAsync(0);
    expect(at).toBeUndefined();
    await vi.runAllTimersAsync();
    await waiting;
    expect(at).toBe(1_000);
  });
});
