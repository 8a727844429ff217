import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { suiteProjects } from './test/support/suite-projects.ts';

// Which files share a worker process and why: test/support/suite-projects.ts.
const { shared } = suiteProjects(import.meta.dirname);

export default defineConfig({
  test: {
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
    // Vitest's default sequencer queues the files project by project, by name ("isolated"
    // first), each project's largest first when no earlier durations are cached (a clean clone).
    // So the many short shared files come last and fill the idle worker while the last
    // isolated file ends. A custom sequencer starting the known-heavy files first was weighed
    // by replaying CI's per-file times on two workers: largest-first then the shared files ends
    // both workers within 0.1 s of each other, heaviest-first the same, so it is not worth a list
    // of file times that goes stale.
    projects: [
      {
        extends: true,
        test: {
          name: 'isolated',
          // Every test file that is not shared: a new file lands here unless it is in a pure folder.
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...shared],
        },
      },
      {
        extends: true,
        test: {
          name: 'shared',
          include: shared,
          // One worker process runs file after file, the modules under test loaded once.
          isolate: false,
        },
      },
    ],
  },
});
