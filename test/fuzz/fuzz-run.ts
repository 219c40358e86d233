// The size and seed of a fuzz run, from the environment, and the printed line.
import { expect } from 'vitest';
import { formatOutcome, type FuzzOutcome } from '../support/hid-fuzz.ts';

export function fuzzCount(share: number): number {
  const total = Number(process.env.HOOKSWITCH_FUZZ_COUNT ?? 1_000_000);
  if (!Number.isInteger(total) || total <= 0) throw new Error(`HOOKSWITCH_FUZZ_COUNT must be a positive integer, not ${String(process.env.HOOKSWITCH_FUZZ_COUNT)}`);
  return Math.max(1, Math.round(total * share));
}

/** A fixed default, so a failure replays; set HOOKSWITCH_FUZZ_SEED to explore further. */
export function fuzzSeed(salt: number): number {
  const seed = Number(process.env.HOOKSWITCH_FUZZ_SEED ?? 20261124);
  return (seed ^ salt) >>> 0;
}

export async function report(name: string, seed: number, run: () => FuzzOutcome | Promise<FuzzOutcome>): Promise<void> {
  const started = performance.now();
  const outcome = await run();
  console.log(`${formatOutcome(name, outcome, performance.now() - started)} seed=${seed}`);
  for (const failure of outcome.failures) console.log(`FUZZ failure: ${failure}`);
  expect(outcome.failures).toEqual([]);
}
