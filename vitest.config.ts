import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Backstops for a hung test, not bounds any test relies on: a file shares the machine with
    // two others here and with whatever else runs beside the suite (CI adds two busy loops).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves a core free, which is one file at a time on two cores. Most files
    // wait more than they compute (on child processes, sockets, a soak's duration, a run
    // timeout): measured alone, a file keeps 0.2 to 0.7 of a core busy. So at least three files
    // at a time, whatever the core count, for their waits to overlap; no verdict depends on
    // how much CPU a file gets.
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});
