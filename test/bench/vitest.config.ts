import { defineConfig } from 'vitest/config';

// Benchmarks print `BENCH <name> <value> <unit>` lines; they assert nothing about speed.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    disableConsoleIntercept: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
