import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'agent/**/*.test.ts'],
    // better-sqlite3 is a native addon: run test files in forked processes, not worker threads.
    pool: 'forks',
    // The fuzz file runs 10,000 requests per database in one worker (bodies up to past 1 MB, lists of
    // 20,000 items): on a loaded CI run its worker grew to about 5 GB and exited before its PostgreSQL half.
    // The generator now makes at most one such list per body; this leaves room beyond V8's default heap.
    execArgv: ['--max-old-space-size=6144'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
