import { it } from 'vitest';
import { fuzzMutatedDescriptors, fuzzRandomDescriptors } from '../support/hid-fuzz.ts';
import { fuzzCount, fuzzSeed, report } from './fuzz-run.ts';

it('random descriptors', async () => {
  const seed = fuzzSeed(0x1);
  await report('descriptors_random', seed, () => fuzzRandomDescriptors(seed, fuzzCount(0.5)));
});

it('mutated real descriptors', async () => {
  const seed = fuzzSeed(0x2);
  await report('descriptors_mutated', seed, () => fuzzMutatedDescriptors(seed, fuzzCount(0.5)));
});
