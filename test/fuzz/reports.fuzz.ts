import { it } from 'vitest';
import { fuzzReports } from '../support/hid-fuzz.ts';
import { fuzzCount, fuzzSeed, report } from './fuzz-run.ts';

it('reports through the headset controller', async () => {
  const seed = fuzzSeed(0x3);
  await report('reports', seed, () => fuzzReports(seed, fuzzCount(1)));
});
