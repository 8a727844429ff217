import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';
import { packShakedown, ROOT, run, STEP_TIMEOUT_MS, show } from '../support/pack-tarball.ts';

/**
 * `shakedown/vitest` as a user meets it: the packed tarball and the repo's Vitest installed into a
 * project of their own, test files there that use `campaignTests` and `replayTest`, and
 * `npx vitest run` in that project. The tarball is packed once for the file. Nothing here asserts
 * a duration.
 */
const tempDir = tempDirs('shakedown-vitest-');
const SETUP_TIMEOUT_MS = 600_000;
const VITEST_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }
).version;

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
const ADAPTER = `import { tradingPack } from 'shakedown';

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

describe('shakedown/vitest in a project that installed the packed tarball', () => {
  let project = '';
  // Vitest in a Vitest: the outer run's own variables would steer the inner one.
  const env = (more: Record<string, string> = {}): Record<string, string | undefined> => ({
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
        env: env(more),
      },
    );
  const results = (): Record<string, string> =>
    Object.fromEntries(
      (JSON.parse(readFileSync(join(project, 'results.json'), 'utf8')) as JsonReport).testResults.flatMap(
        (file) => file.assertionResults.map((test) => [test.title, test.status]),
      ),
    );

  beforeAll(async () => {
    const work = tempDir();
    const { tarball, files } = await packShakedown(work);
    expect(files).toContain('dist/src/vitest.js');
    expect(files).toContain('docs/vitest.md');
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'my-venue-tests', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
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
    writeFileSync(join(project, 'buggy.test.ts'), BUGGY);
    writeFileSync(join(project, 'clean.test.ts'), CLEAN);
    writeFileSync(join(project, 'adapter.ts'), ADAPTER);
  }, SETUP_TIMEOUT_MS);

  it('registers without loading the runner: the entry imports only vitest, node and its own light files', () => {
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
    'passes a sound venue: a pack property by name, a property of its own on a factory of its own, a TypeScript adapter module',
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
    'fails a planted bug with its violation and replay file, one property under -t, the seed from SHAKEDOWN_SEED; the saved file replays as a failing test',
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
    'type-checks the test files against the declarations it ships',
    async () => {
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
              skipLibCheck: true,
              typeRoots: [join(ROOT, 'node_modules/@types')],
              types: ['node'],
            },
            files: ['adapter.ts', 'buggy.test.ts', 'clean.test.ts', 'replay.test.ts'].filter((f) =>
              existsSync(join(project, f)),
            ),
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
