import { defineConfig } from 'vitest/config';

// `npm run fuzz`: a million descriptors (half random, half mutated from the real fixtures) and a
// million reports through the headset controller. Prints `FUZZ` lines; fails on any contract
// violation, never on time. HOOKSWITCH_FUZZ_COUNT and HOOKSWITCH_FUZZ_SEED change the run.
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 1_800_000,
    disableConsoleIntercept: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
