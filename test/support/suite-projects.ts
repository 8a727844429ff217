import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which test files share a worker process (the `shared` project, `isolate: false`) and which get
 * a fresh one each (the `isolated` project, Vitest's default). Sharing saves each file the import
 * of the code under test (about 2.7 s of CPU for a file that loads the trading domain, 0.85 s
 * for a tiny one): the shared worker loads a module once for all the files it runs.
 *
 * A file is eligible when it is a pure, in-process unit test: no child process, worker thread or
 * server; no write to process.env, process.chdir, globalThis or other process-wide state; no
 * vi.mock, spy or fake timers; and it does not rely on module-level state of the code under test
 * being fresh (caches that only memoize a pure result are fine). It should also be short (under
 * about 8 s in CI): the shared project runs last and fills the suite's tail, where a long file
 * would leave the other worker idle.
 *
 * A new test lands in the isolated project unless it is in one of the pure folders below; a new
 * file in a pure folder that breaks the rules above must be added to ISOLATED_EXCEPTIONS.
 * test/support/suite-projects.test.ts checks the lists against the files on disk.
 */

/** Pure folders: `dir/**` is the folder and its subfolders, `dir/*` its own files only. */
export const SHARED_FOLDERS: readonly string[] = [
  'test/core/coverage/**',
  'test/core/diff/**',
  'test/core/faults/**',
  'test/core/latency/**',
  'test/core/replay/**',
  'test/core/report/**',
  'test/core/runner/**',
  'test/core/sequencer/**',
  'test/core/shard/**',
  'test/core/soak/**',
  'test/domains/bots/*',
  'test/domains/feeds/**',
  'test/domains/trading/**',
  'test/exchange/config/**',
  'test/exchange/engine/**',
  'test/exchange/gateway/**',
  'test/exchange/journal/**',
  'test/feeds-proxy/**',
  'test/invariants/**',
];

/** Pure files in folders that are not pure as a whole (the CLI's, the campaigns', ...). */
export const SHARED_FILES: readonly string[] = [
  'test/adapter-kit/book-library-target.test.ts',
  'test/campaign/capabilities.test.ts',
  'test/campaign/check-every-step.test.ts',
  'test/campaign/factory-required.test.ts',
  'test/campaign/scenarios-venue-modes.test.ts',
  'test/campaign/slo.test.ts',
  'test/cli/execution-isolation.test.ts',
  'test/cli/help.test.ts',
  'test/cli/progress-bar.test.ts',
  'test/core/public-entry.test.ts',
  'test/domains/bots/process/control-channel.test.ts',
  'test/house/counter-core.test.ts',
  'test/house/registry.test.ts',
  'test/readme/markdown-doctest.test.ts',
  'test/readme/summary-regressions.test.ts',
  'test/support/suite-projects.test.ts',
  'test/vitest-integration/test-bodies.test.ts',
];

/** Files in the pure folders that stay isolated, and why. */
export const ISOLATED_EXCEPTIONS: Readonly<Record<string, string>> = {
  'test/core/replay/replay-adapter.test.ts': 'process.chdir',
  'test/core/report/junit-report.test.ts': 'heavy; a venue on a socket',
  'test/core/report/summary-schema.test.ts': 'heavy; a child process',
  'test/core/runner/interleave-pool.test.ts': 'heavy; worker threads',
  'test/domains/trading/preflight/preflight-command.test.ts': 'heavy; a server',
  'test/domains/trading/preflight/sandbox-preflight.test.ts': 'heavy; servers',
  'test/domains/trading/transport/load-target-module.test.ts':
    'imports throwaway modules from temp dirs; sets a global',
  'test/domains/trading/transport/ws-dialer.test.ts': 'servers',
  'test/domains/trading/transport/ws-target-factories.test.ts': 'a server',
  'test/domains/trading/ws-concurrency.test.ts': 'heavy; a server',
  'test/feeds-proxy/ws-server.test.ts': 'a server',
};

/** Every test file under `root`/test, as a posix path relative to `root`, sorted. */
export function testFiles(root: string): string[] {
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .map((file) => `test/${file.split('\\').join('/')}`)
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
}

function inFolder(file: string, pattern: string): boolean {
  if (pattern.endsWith('/**')) return file.startsWith(pattern.slice(0, -2));
  const dir = pattern.slice(0, -1);
  return file.startsWith(dir) && !file.slice(dir.length).includes('/');
}

/** Whether a test file (posix, relative to the root) runs in the shared project. */
export function sharesProcess(file: string): boolean {
  if (Object.hasOwn(ISOLATED_EXCEPTIONS, file)) return false;
  return SHARED_FILES.includes(file) || SHARED_FOLDERS.some((pattern) => inFolder(file, pattern));
}

/** The test files of each project. */
export function suiteProjects(root: string): { shared: string[]; isolated: string[] } {
  const files = testFiles(root);
  return { shared: files.filter(sharesProcess), isolated: files.filter((f) => !sharesProcess(f)) };
}
