// The delay before the next automatic registration attempt: 0.5 s, 1 s, 2 s, 4 s, then the cap,
// each with random jitter so that many phones behind one PBX do not retry in lockstep.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0.2 means the delay is scaled by a factor drawn from [0.8, 1.2]. */
  jitter: number;
}

/** `attempt` counts failed attempts in a row, from 1. `random` returns a number in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // The exponent is bounded so that a long outage cannot overflow to Infinity.
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  const factor = 1 - policy.jitter + 2 * policy.jitter * r;
  return Math.max(0, Math.round(base * factor));
}
