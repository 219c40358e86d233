// The retry schedule: 0.5, 1 s, then capped at 2 s, each with ±20 % jitter; the cap plus the
// jitter keep re-registration within 3 s of a server's return.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../main/core/sip/backoff.ts';
import { defaultTiming } from '../../../main/core/timing.ts';

const policy = { initialMs: defaultTiming.retryInitialMs, maxMs: defaultTiming.retryMaxMs, jitter: defaultTiming.retryJitter };

describe('backoffDelay', () => {
  it('doubles from 0.5 s and stops at the 2 s cap (no jitter at the midpoint)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10, 100].map((n) => backoffDelay(n, policy, () => 0.5));
    expect(delays).toEqual([500, 1000, 2000, 2000, 2000, 2000, 2000, 2000]);
  });

  it('jitters by ±20 %', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(400);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(600);
    expect(backoffDelay(9, policy, () => 0)).toBe(1600);
    expect(backoffDelay(9, policy, () => 0.999999)).toBe(2400);
  });

  it('never exceeds 2.4 s, however long the outage, so a returning server is seen within 3 s', () => {
    for (let n = 1; n < 10_000; n += 37) {
      const d = backoffDelay(n, policy, Math.random);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(2400);
    }
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, policy, () => 0.5)).toBe(2000);
  });

  it('treats nonsense attempt counts as the first attempt and a broken random source as its bounds', () => {
    expect(backoffDelay(0, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(-3, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(Number.NaN, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(1, policy, () => 7)).toBe(600);
    expect(backoffDelay(1, policy, () => -7)).toBe(400);
  });
});
