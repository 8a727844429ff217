import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliResult, shakedownAsync, tempDirs } from '../support/cli.ts';

/**
 * `run`, `replay`, `soak` and `diff` are each split in two: the registration (options, help,
 * argument parsers: `<name>-command.ts`) and the action (`<name>-action.ts`, the runner, the
 * workers, the reporters), loaded with a dynamic import once commander has accepted the line. So
 * a usage error costs the start of the CLI and the domain, never the load of the runner.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const COMMANDS = join(ROOT, 'src/cli/commands');
const tempDir = tempDirs('shakedown-lazy-');

/**
 * The files a module loads through its static imports (`import ... from`, `export ... from`, a bare
 * `import '...'`; type-only ones are erased), transitively
 * within the checkout, and the packages it imports. Dynamic `import()` calls are not followed:
 * that is what keeps an action out of its command's registration.
 */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(
      /^(?:import|export)\s+(type\s)?(?:[^;'"]*?from\s*)?['"]([^'"]+)['"]/gm,
    )) {
      if (match[1]) continue;
      const specifier = match[2];
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...seen].map((file) => relative(ROOT, file)).sort(), packages: [...packages].sort() };
}

/** What a registration must never load: the runner, the workers, the reporters, the actions. */
const HEAVY_FILES = [
  'src/core/runner/campaign.ts',
  'src/core/workers/worker-pool.ts',
  'src/core/soak/soak-loop.ts',
  'src/core/diff/diff-campaign.ts',
  'src/cli/print-summary.ts',
  'src/cli/commands/run-action.ts',
  'src/cli/commands/replay-action.ts',
  'src/cli/commands/soak-action.ts',
  'src/cli/commands/diff-action.ts',
];
const HEAVY_PACKAGES = ['fast-check', 'rxjs', 'pino', 'pino-pretty', 'xmlbuilder2', 'cli-progress'];

/** Each command, and one heavy module its action loads (so the walk is seen to reach it there). */
const SPLIT = [
  { name: 'run', heavy: 'src/core/runner/campaign.ts' },
  { name: 'replay', heavy: 'src/core/runner/campaign.ts' },
  { name: 'soak', heavy: 'src/core/soak/soak-loop.ts' },
  { name: 'diff', heavy: 'src/core/diff/diff-campaign.ts' },
] as const;

describe('each command registers without its action', () => {
  it.each(SPLIT)(
    '$name: the registration imports only light modules, the action the heavy ones',
    ({ name, heavy }) => {
      const registration = staticGraph(join(COMMANDS, `${name}-command.ts`));
      for (const file of HEAVY_FILES) expect(registration.files).not.toContain(file);
      // commander and Node's own modules only: no fast-check, rxjs, pino... (HEAVY_PACKAGES).
      for (const pkg of registration.packages) expect(pkg).toMatch(/^(commander$|node:)/);
      // The action is reached by a dynamic import in the handler, and nowhere statically.
      expect(readFileSync(join(COMMANDS, `${name}-command.ts`), 'utf8')).toContain(
        `await import('./${name}-action.ts')`,
      );
      // The walk does see the heavy part where it is: the check above is not vacuous.
      const action = staticGraph(join(COMMANDS, `${name}-action.ts`));
      expect(action.files).toContain(heavy);
      expect(action.packages.some((pkg) => HEAVY_PACKAGES.includes(pkg))).toBe(true);
    },
  );
});

/**
 * The real CLI with a loader hook that records every module it resolves
 * (test/support/lazy-load-trace.mjs), as the trace's `src/...` and package names.
 */
async function traced(args: readonly string[]): Promise<{ result: CliResult; loaded: Set<string> }> {
  const trace = join(tempDir(), 'trace.txt');
  const hook = pathToFileURL(join(ROOT, 'test/support/lazy-load-trace.mjs')).href;
  const result = await shakedownAsync(args, {
    env: {
      LAZY_LOAD_TRACE: trace,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(),
    },
    timeoutMs: 120_000,
  });
  const loaded = new Set<string>();
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (!line.startsWith('file:')) continue;
    const path = relative(ROOT, new URL(line).pathname);
    loaded.add(path);
    const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (pkg) loaded.add(pkg[1]);
  }
  return { result, loaded };
}

describe.concurrent('a usage error is reported before the action loads', () => {
  it('run --bogus and diff --runs 0: exit 2, one SHK_USAGE line, and no runner, worker or reporter loaded', async () => {
    const [run, diff] = await Promise.all([traced(['run', '--bogus']), traced(['diff', '--runs', '0'])]);
    expect(run.result.status, run.result.stderr).toBe(2);
    expect(run.result.stderr).toBe("shakedown: SHK_USAGE: unknown option '--bogus' (see --help)\n");
    expect(diff.result.status, diff.result.stderr).toBe(2);
    expect(diff.result.stderr).toMatch(/^shakedown: SHK_USAGE: .*--runs/);
    for (const { loaded } of [run, diff]) {
      // The command's registration was loaded (the trace sees the CLI's sources)...
      expect([...loaded].some((path) => /^src\/cli\/commands\/(run|diff)-command\.ts$/.test(path))).toBe(
        true,
      );
      // ...and nothing of its action.
      for (const file of HEAVY_FILES) expect(loaded).not.toContain(file);
      for (const pkg of ['pino', 'xmlbuilder2', 'cli-progress']) expect(loaded).not.toContain(pkg);
    }
  });

  it('a line commander accepts loads the action: replay of a missing file reaches the runner, then fails', async () => {
    const { result, loaded } = await traced(['replay', join(tempDir(), 'missing.json')]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^shakedown: SHK_REPLAY_UNREADABLE: /);
    expect(loaded).toContain('src/cli/commands/replay-action.ts');
    expect(loaded).toContain('src/core/runner/campaign.ts');
  });
});
