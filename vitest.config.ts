import { defineConfig } from 'vitest/config';

// Native audio must never load inside a worker-thread pool (realtime.md F4): use forks.
// Realtime suites share one jackd and run one file at a time.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
