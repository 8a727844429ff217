import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default leaves a core free, which is one file at a time on two cores; most
    // files wait on child processes and sockets, so two at a time halves the suite's wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
