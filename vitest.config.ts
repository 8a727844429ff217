import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Backstops for a hung test, not bounds any test relies on: a file shares the machine with
    // another here and with whatever else runs beside the suite (CI adds two busy loops).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves a core free, which is one file at a time on two cores; most
    // files wait on child processes and sockets, so two at a time halves the suite's wall time.
    // Three at a time was tried on a clean clone beside CI's busy loops: the suite took longer
    // (646 s against 586-628 s), the heaviest files (the README's commands, the packed package)
    // twice as long, and the soak's warm-up no longer reached its plateau in 15 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
