import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';
import { packShakedown, ROOT, run, STEP_TIMEOUT_MS, show } from '../support/pack-tarball.ts';

/**
 * shakedown as a user gets it: `npm pack` (its prepack script compiles it), the tarball
 * installed into projects of their own, and what a user does there. In a CommonJS project: an
 * adapter that imports only `shakedown` and `shakedown/trading`, and the installed CLI running a
 * campaign through it and replaying the failure it saved from another directory. In an ESM
 * project with the repo's Vitest: test files that use `shakedown/vitest` (`campaignTests`,
 * `replayTest`), run by `npx vitest run` there. Nothing here asserts a duration.
 *
 * The tarball is packed once (packing compiles the whole package, the costliest step here) and
 * installed once, with Vitest, into an ESM project; the CommonJS project is a package of its own
 * inside it (its own package.json, "type": "commonjs"), whose modules resolve `shakedown` from
 * the install above them, as in a workspace. What was a second install (7-8 s of CPU measured) proved
 * nothing the first does not: where a project's files sit is the module type's business, not
 * npm's. The repo is copied into a staging folder first (sources, manifests, docs; node_modules
 * linked), so packing builds there and leaves the working tree alone
 * (test/support/pack-tarball.ts). The install resolves the tarball's dependencies from npm's
 * cache (`--prefer-offline`); pointing at the repo's node_modules instead would not test what
 * `npm install` does.
 */
const tempDir = tempDirs('shakedown-package-');
// Packing builds (tsc) and installing may take a while on a loaded machine; neither hangs.
const SETUP_TIMEOUT_MS = 600_000;
const VITEST_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }
).version;

/**
 * The adapter a user would write: the reference venue embedded in-process with a planted bug
 * that its options name. `options()` reads the bug from the environment; a replay passes the
 * recorded options back, so it reproduces without that environment.
 */
const ADAPTER = `import type { TargetFactory } from 'shakedown';
import { tradingPack } from 'shakedown';
import { BUG_NAMES, type TradingAction, type TradingClientEvent } from 'shakedown/trading';

export interface WrappedOptions {
  bug: string | null;
}

export function options(): WrappedOptions {
  return { bug: process.env.WRAPPED_VENUE_BUG ?? null };
}

export default async function wrapped(
  given: WrappedOptions = options(),
): Promise<TargetFactory<TradingAction, TradingClientEvent>> {
  const bugs = given.bug === null ? [] : [given.bug];
  for (const bug of bugs)
    if (!(BUG_NAMES as readonly string[]).includes(bug)) throw new Error('unknown planted bug ' + bug);
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs, seed: 1 });
  return {
    name: 'wrapped-reference' + (given.bug === null ? '' : '+' + given.bug),
    create: () => inner.create(),
  };
}
`;

/** The same sound venue in each module format, from both kinds of folder: each must load and pass. */
const IMPORTING = `import { tradingPack } from 'shakedown';
import { defaultExchangeConfig } from 'shakedown/trading';
export default async () => {
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
  return { name: 'formats-' + defaultExchangeConfig().sandboxPrefix, create: () => inner.create() };
};
`;
const REQUIRING = `const { tradingPack } = require('shakedown');
const { defaultExchangeConfig } = require('shakedown/trading');
module.exports = async () => {
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
  return { name: 'formats-' + defaultExchangeConfig().sandboxPrefix, create: () => inner.create() };
};
`;
const FORMATS: Record<string, string> = {
  // The project is "type": "commonjs".
  'formats/cjs/adapter.ts': IMPORTING,
  'formats/cjs/adapter.cts': IMPORTING,
  'formats/cjs/adapter.mts': IMPORTING,
  'formats/cjs/adapter.js': REQUIRING,
  'formats/cjs/adapter.mjs': IMPORTING,
  // A folder whose package.json says "type": "module".
  'formats/esm/adapter.ts': IMPORTING,
  'formats/esm/adapter.js': IMPORTING,
  'formats/esm/adapter.cts': IMPORTING,
};

/** The reference venue with a planted bug, two properties: both catch it. */
const BUGGY = `import { describe } from 'vitest';
import { campaignTests } from 'shakedown/vitest';

describe('the reference venue, overfilling', () => {
  campaignTests({ bugs: ['overfill'], properties: ['trading-venue', 'order-lifecycle'], runs: 20 });
});
`;

/** The sound venue: a pack property by name, and a property of the user's own on a factory of theirs. */
const CLEAN = `import { describe } from 'vitest';
import { tradingPack, type Property } from 'shakedown';
import type { TradingAction } from 'shakedown/trading';
import { campaignTests } from 'shakedown/vitest';

const venue = tradingPack.properties.find((p) => p.name === 'trading-venue')!;
const shortMix: Property<TradingAction> = { ...venue, name: 'short-mix', settings: { ...venue.settings, maxActions: 10 } };
const myVenue = async () => {
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
  return { name: 'my-venue', create: () => inner.create() };
};

describe('the reference venue, sound', () => {
  campaignTests({ properties: ['trading-venue'], seed: 1, runs: 10, timeBudgetMs: 20_000 });
  campaignTests({ target: myVenue, properties: [shortMix], seed: 2, runs: 10 });
  campaignTests({ target: './adapter.ts', properties: ['order-lifecycle'], seed: 3, runs: 5 });
});
`;

/** An adapter module in TypeScript, the kind `shakedown run --target ./adapter.ts` takes. */
const MODULE_ADAPTER = `import { tradingPack } from 'shakedown';

export function options() {
  return { venue: 'reference' };
}

export default async (given: { venue: string }) => {
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
  return { name: 'module-' + given.venue, create: () => inner.create() };
};
`;

const replayFile = (saved: string): string => `import { describe } from 'vitest';
import { replayTest, replayTests } from 'shakedown/vitest';

describe('saved failures', () => {
  replayTest(${JSON.stringify(saved)});
  replayTests('replays');
});
`;

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

let work = '';
let tarball = '';
let packed: string[] = [];
/** The ESM project with its own Vitest, where `shakedown/vitest` is used: the tarball is installed here. */
let project = '';
/** The CommonJS project the CLI runs in: a package of its own inside `project`. */
let cjsProject = '';
/** The installed CLI. */
let cli = '';

/** A fresh project folder with a package.json of the given module type. */
function projectAt(dir: string, name: string, type: 'commonjs' | 'module'): string {
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, type }, null, 2)}\n`,
  );
  return dir;
}

beforeAll(async () => {
  work = tempDir();
  ({ tarball, files: packed } = await packShakedown(work));
  project = projectAt(join(work, 'project'), 'my-venue-tests', 'module');
  cjsProject = projectAt(join(project, 'commonjs'), 'my-venue-adapter', 'commonjs');
  const install = await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      tarball,
      `vitest@${VITEST_VERSION}`,
    ],
    { cwd: project },
  );
  expect(install.code, show(install)).toBe(0);
  cli = join(project, 'node_modules', '.bin', 'shakedown');
}, SETUP_TIMEOUT_MS);

describe('the package npm pack makes, installed in a project', () => {
  const cliEnv = (): Record<string, string> => ({
    SHAKEDOWN_LOCK_DIR: join(work, 'locks'),
    SHAKEDOWN_WORKERS: '1',
  });
  // Vitest in a Vitest: the outer run's own variables would steer the inner one.
  const vitestEnv = (more: Record<string, string> = {}): Record<string, string | undefined> => ({
    ...Object.fromEntries(
      Object.keys(process.env).flatMap((k) => (k.startsWith('VITEST') ? [[k, undefined]] : [])),
    ),
    NODE_OPTIONS: undefined,
    FORCE_COLOR: undefined,
    SHAKEDOWN_SEED: undefined,
    ...more,
  });
  const vitest = (args: readonly string[], more: Record<string, string> = {}) =>
    run(
      'npx',
      ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=results.json', ...args],
      {
        cwd: project,
        env: vitestEnv(more),
      },
    );
  const results = (): Record<string, string> =>
    Object.fromEntries(
      (JSON.parse(readFileSync(join(project, 'results.json'), 'utf8')) as JsonReport).testResults.flatMap(
        (file) => file.assertionResults.map((test) => [test.title, test.status]),
      ),
    );

  beforeAll(() => {
    writeFileSync(join(cjsProject, 'adapter.ts'), ADAPTER);
    writeFileSync(join(project, 'buggy.test.ts'), BUGGY);
    writeFileSync(join(project, 'clean.test.ts'), CLEAN);
    writeFileSync(join(project, 'adapter.ts'), MODULE_ADAPTER);
  });

  it('holds compiled JavaScript with declarations, the launcher and the docs, and no TypeScript source', () => {
    for (const file of [
      'package.json',
      'bin/shakedown.js',
      'bin/register-ts.mjs',
      'bin/ts-hooks.mjs',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/trading.js',
      'dist/src/trading.d.ts',
      'dist/src/cli/main.js',
      'dist/src/core/workers/campaign-worker.js',
      'dist/src/domains/trading/trading-pack.js',
      'docs/adapters.md',
      'docs/replay-format.md',
    ])
      expect(packed, file).toContain(file);
    const sources = packed.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    expect(packed.filter((path) => path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);
    // The relative imports of the compiled files name .js files.
    const index = readFileSync(join(project, 'node_modules/shakedown/dist/src/index.js'), 'utf8');
    expect(index).toMatch(/from ["']\.\/core\/runner\/campaign\.js["']/);
    expect(index).not.toMatch(/\.ts["']/);
    // rxjs is shared with the user's project rather than a copy of its own.
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/shakedown/package.json'), 'utf8'));
    expect(manifest.peerDependencies).toHaveProperty('rxjs');
    expect(existsSync(join(project, 'node_modules/rxjs/package.json'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/shakedown/node_modules/rxjs'))).toBe(false);
  });

  it('registers without loading the runner: the entry imports only vitest, node and its own light files', () => {
    expect(packed).toContain('dist/src/vitest.js');
    expect(packed).toContain('docs/vitest.md');
    const dist = join(project, 'node_modules/shakedown/dist/src');
    const seen = new Set<string>();
    const outside = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const match of readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/gm,
      )) {
        if (match[1].startsWith('.')) visit(resolve(dirname(file), match[1]));
        else outside.add(match[1]);
      }
    };
    visit(join(dist, 'vitest.js'));
    expect([...seen].map((f) => f.slice(dist.length + 1)).sort()).toEqual([
      'vitest.js',
      'vitest/campaign-tests.js',
      'vitest/replay-tests.js',
      'vitest/resolve-seed.js',
      'vitest/vitest-options.js',
    ]);
    expect([...outside].sort()).toEqual(['node:fs', 'node:path', 'node:url', 'vitest']);
    // The main entry never imports Vitest, an optional peer dependency.
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/shakedown/package.json'), 'utf8'));
    expect(manifest.peerDependenciesMeta).toEqual({ vitest: { optional: true } });
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).not.toMatch(/vitest/);
  });

  it(
    'finds a planted bug through a TypeScript adapter in a CommonJS project, and replays it from elsewhere',
    async () => {
      // The failure is found at run 0: --runs 20 is a ceiling, not work done.
      const found = await run(
        cli,
        ['run', '--target', './adapter.ts', '--property', 'trading-venue', '--seed', '1', '--runs', '20'],
        { cwd: cjsProject, env: { ...cliEnv(), WRAPPED_VENUE_BUG: 'overfill' } },
      );
      expect(found.code, show(found)).toBe(1);
      expect(found.stdout).toMatch(/FAIL\s+trading-venue/);
      const saved = readdirSync(join(cjsProject, 'replays'));
      expect(saved).toHaveLength(1);
      const file = join(cjsProject, 'replays', saved[0]);
      const replay = JSON.parse(readFileSync(file, 'utf8'));
      expect(replay).toMatchObject({
        version: 2,
        target: './adapter.ts',
        adapter: { path: '../adapter.ts', options: { bug: 'overfill' } },
      });

      // Another folder, no bug in the environment: the file finds its adapter next to it and
      // gives it the options it recorded, so the failure reproduces (exit 1).
      const elsewhere = join(work, 'elsewhere');
      mkdirSync(elsewhere);
      const replayed = await run(cli, ['replay', relative(elsewhere, file), '--json'], {
        cwd: elsewhere,
        env: cliEnv(),
      });
      expect(replayed.code, show(replayed)).toBe(1);
      expect(JSON.parse(replayed.stdout)).toMatchObject({ mode: 'execute', reproduced: true });
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'loads adapters written as .ts, .mts, .cts, .js and .mjs, from CommonJS and ESM folders alike',
    async () => {
      for (const [path, source] of Object.entries(FORMATS)) {
        mkdirSync(join(cjsProject, path, '..'), { recursive: true });
        writeFileSync(join(cjsProject, path), source);
      }
      writeFileSync(join(cjsProject, 'formats/esm/package.json'), '{ "type": "module" }\n');
      const results = await Promise.all(
        Object.keys(FORMATS).map(async (path) => {
          const out = join(work, 'out', path);
          const ran = await run(
            cli,
            [
              'run',
              '--target',
              `./${path}`,
              '--property',
              'trading-venue',
              '--seed',
              '1',
              '--runs',
              '2',
              '--max-actions',
              '10',
              '--out',
              out,
            ],
            { cwd: cjsProject, env: cliEnv() },
          );
          return { path, ran };
        }),
      );
      for (const { path, ran } of results) {
        expect(ran.code, `${path}\n${show(ran)}`).toBe(0);
        expect(ran.stdout, path).toMatch(/pass\s+trading-venue: 2 runs/);
      }
      // A TypeScript adapter in a CommonJS folder is compiled next to itself for as long as it
      // takes to import: nothing is left behind.
      for (const folder of ['formats/cjs', 'formats/esm'])
        expect(readdirSync(join(cjsProject, folder)).filter((name) => name.startsWith('.'))).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'passes a sound venue under Vitest: a pack property by name, a property of its own on a factory of its own, a TypeScript adapter module',
    async () => {
      const ran = await vitest(['clean.test.ts']);
      expect(ran.code, show(ran)).toBe(0);
      expect(results()).toEqual({
        'trading-venue': 'passed',
        'short-mix': 'passed',
        'order-lifecycle': 'passed',
      });
      expect(ran.stdout).toContain(
        'shakedown trading-venue: seed 1 (option); rerun: SHAKEDOWN_SEED=1 npx vitest run',
      );
      expect(ran.stdout).toMatch(/shakedown short-mix: passed, 10 runs/);
      expect(ran.stdout).toMatch(/shakedown order-lifecycle: passed, 5 runs/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'fails a planted bug under Vitest with its violation and replay file, one property under -t, the seed from SHAKEDOWN_SEED; the saved file replays as a failing test',
    async () => {
      const ran = await vitest(['buggy.test.ts', '-t', 'trading-venue'], { SHAKEDOWN_SEED: '1' });
      expect(ran.code, show(ran)).toBe(1);
      // -t: the other property is skipped, and did not run (it saved nothing).
      expect(results()).toEqual({ 'trading-venue': 'failed', 'order-lifecycle': 'skipped' });
      const saved = readdirSync(join(project, 'replays'));
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatch(/^trading-venue-1-[0-9a-f]{8}\.json$/);
      const path = `replays/${saved[0]}`;
      const replay = JSON.parse(readFileSync(join(project, path), 'utf8'));
      const violation = `[orders.quantities] ${replay.violations[0].message}`;
      // Vitest prints the tests' own output on stdout, and their errors on stderr.
      const output = ran.stdout + ran.stderr;
      expect(output).toContain('ShakedownFailure: shakedown trading-venue failed (seed 1, run 0');
      expect(output).toContain(violation);
      expect(output).toContain(`replay file: ${path}`);
      expect(ran.stdout).toContain('shakedown trading-venue: seed 1 (SHAKEDOWN_SEED)');

      writeFileSync(join(project, 'replay.test.ts'), replayFile(path));
      const replayed = await vitest(['replay.test.ts']);
      expect(replayed.code, show(replayed)).toBe(1);
      // replayTest(file), and replayTests('replays') found the same file.
      expect(results()).toEqual({ [`replay ${path}`]: 'failed' });
      const report = JSON.parse(readFileSync(join(project, 'results.json'), 'utf8')) as JsonReport;
      const tests = report.testResults.flatMap((f) => f.assertionResults);
      expect(tests).toHaveLength(2);
      for (const test of tests) expect(test.failureMessages.join('\n')).toContain(violation);
      expect(replayed.stdout + replayed.stderr).toContain(
        `shakedown replay ${path}: trading-venue still fails (seed 1`,
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'type-checks an adapter and the Vitest files against the declarations it ships',
    async () => {
      const tsconfig = (dir: string, skipLibCheck: boolean, files: string[]) =>
        writeFileSync(
          join(dir, 'tsconfig.json'),
          `${JSON.stringify(
            {
              compilerOptions: {
                module: 'nodenext',
                moduleResolution: 'nodenext',
                target: 'es2022',
                strict: true,
                noEmit: true,
                skipLibCheck,
                // TypeScript's own lib.*.d.ts are not the package's to prove (about 1.6 s of CPU).
                skipDefaultLibCheck: true,
                typeRoots: [join(ROOT, 'node_modules/@types')],
                types: ['node'],
              },
              files,
            },
            null,
            2,
          )}\n`,
        );
      // The adapter checks the shipped declarations themselves too (skipLibCheck false), with
      // the dependencies' they name; the test files skip the libraries' (Vitest's own
      // declarations are not the package's).
      writeFileSync(join(cjsProject, 'adapter.ts'), ADAPTER);
      tsconfig(cjsProject, false, ['adapter.ts']);
      tsconfig(
        project,
        true,
        ['adapter.ts', 'buggy.test.ts', 'clean.test.ts', 'replay.test.ts'].filter((f) =>
          existsSync(join(project, f)),
        ),
      );
      // One compiler for both projects (`tsc --build`, each with its options): the compiler and
      // Node's types load once rather than twice (about 1.7 s of CPU less). It reports every
      // project's errors and exits non-zero on any; --force: nothing counts as up to date.
      const checked = await run(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '--build', '--force', 'commonjs', '.'],
        { cwd: project },
      );
      expect(checked.code, show(checked)).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );
});
