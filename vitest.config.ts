import { defineConfig } from 'vitest/config';

// Three groups. unit: fakes only, fast. integration: the Node core against a real Kamailio and
// sipp. e2e: the web host, real Kamailio and Debian's Chromium. `npm test` runs all three inside a
// network namespace that has only loopback (test/in-netns.sh).
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
