import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time even on 2 cores (Vitest's default is cores - 1 = one): most files
    // wait on PostgreSQL, Chromium or a loopback server part of the time, and each store is
    // isolated (its own in-memory DuckDB or PostgreSQL schema), so the suite takes ~25 min alone.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
