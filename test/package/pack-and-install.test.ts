import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';
import { packShakedown, ROOT, run, STEP_TIMEOUT_MS, show } from '../support/pack-tarball.ts';

/**
 * shakedown as a user gets it: `npm pack` (its prepack script compiles it), the tarball
 * installed into a CommonJS project of its own, an adapter there that imports only `shakedown`
 * and `shakedown/trading`, and the installed CLI running a campaign through it and replaying
 * the failure it saved from another directory. Nothing here asserts a duration.
 *
 * The repo is copied into a staging folder first (sources, manifests, docs; node_modules linked),
 * so packing builds there and leaves the working tree alone (test/support/pack-tarball.ts). The install resolves the
 * tarball's dependencies from npm's cache (`--prefer-offline`): about 6 s measured, cold cache
 * or warm; pointing at the repo's node_modules instead would not test what `npm install` does.
 */
const tempDir = tempDirs('shakedown-package-');
// Packing builds (tsc) and installing may take a while on a loaded machine; neither hangs.
const SETUP_TIMEOUT_MS = 600_000;

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

describe('the package npm pack makes', () => {
  let work = '';
  let project = '';
  let tarball = '';
  let packed: string[] = [];
  let cli = '';
  const env = (): Record<string, string> => ({
    SHAKEDOWN_LOCK_DIR: join(work, 'locks'),
    SHAKEDOWN_WORKERS: '1',
  });

  beforeAll(async () => {
    work = tempDir();
    ({ tarball, files: packed } = await packShakedown(work));

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'my-venue-tests', version: '1.0.0', private: true, type: 'commonjs' }, null, 2)}\n`,
    );
    const install = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
      { cwd: project },
    );
    expect(install.code, show(install)).toBe(0);
    cli = join(project, 'node_modules', '.bin', 'shakedown');
  }, SETUP_TIMEOUT_MS);

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

  it(
    'finds a planted bug through a TypeScript adapter in a CommonJS project, and replays it from elsewhere',
    async () => {
      writeFileSync(join(project, 'adapter.ts'), ADAPTER);
      const found = await run(
        cli,
        ['run', '--target', './adapter.ts', '--property', 'trading-venue', '--seed', '1', '--runs', '20'],
        { cwd: project, env: { ...env(), WRAPPED_VENUE_BUG: 'overfill' } },
      );
      expect(found.code, show(found)).toBe(1);
      expect(found.stdout).toMatch(/FAIL\s+trading-venue/);
      const saved = readdirSync(join(project, 'replays'));
      expect(saved).toHaveLength(1);
      const file = join(project, 'replays', saved[0]);
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
        env: env(),
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
        mkdirSync(join(project, path, '..'), { recursive: true });
        writeFileSync(join(project, path), source);
      }
      writeFileSync(join(project, 'formats/esm/package.json'), '{ "type": "module" }\n');
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
            { cwd: project, env: env() },
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
        expect(readdirSync(join(project, folder)).filter((name) => name.startsWith('.'))).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'type-checks an adapter against the declarations it ships',
    async () => {
      writeFileSync(join(project, 'adapter.ts'), ADAPTER);
      writeFileSync(
        join(project, 'tsconfig.json'),
        `${JSON.stringify(
          {
            compilerOptions: {
              module: 'nodenext',
              moduleResolution: 'nodenext',
              target: 'es2022',
              strict: true,
              noEmit: true,
              skipLibCheck: false,
              typeRoots: [join(ROOT, 'node_modules/@types')],
              types: ['node'],
            },
            files: ['adapter.ts'],
          },
          null,
          2,
        )}\n`,
      );
      const checked = await run(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'],
        {
          cwd: project,
        },
      );
      expect(checked.code, show(checked)).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );
});
