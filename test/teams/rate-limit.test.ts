import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/teams/rate-limit.js';

describe('the send rate limiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through at once, then spaces sends at the rate, per key, in order', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const limiter = new RateLimiter(() => clock);
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
});
