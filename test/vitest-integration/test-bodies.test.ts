import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSeed } from '../../src/vitest/resolve-seed.ts';
import { runCampaignTest } from '../../src/vitest/run-campaign-test.ts';
import { runReplayTest } from '../../src/vitest/run-replay-test.ts';
import {
  campaignTestTimeout,
  checkCampaignTestOptions,
  replayTestTimeout,
} from '../../src/vitest/vitest-options.ts';
import { tempDirs } from '../support/cli.ts';

/**
 * `shakedown/vitest` from its sources, in this process: the bodies its tests run (a campaign, a
 * replay), the seed, the timeouts, and that registering imports nothing heavy. The package as a
 * user installs it, under a Vitest of its own, is in test/package/pack-and-install.test.ts. No
 * timing is asserted.
 */
const tempDir = tempDirs('shakedown-vitest-bodies-');
const SRC = join(import.meta.dirname, '../../src');

function logger(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

async function failureOf(body: Promise<void>): Promise<Error> {
  try {
    await body;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the test body to fail');
}

/** A factory of the user's own: the reference venue built without bugs, made when a test runs. */
const soundVenue = async () => {
  const { tradingPack } = await import('../../src/domains/trading/trading-pack.ts');
  const inner = await tradingPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1 });
  return { name: 'sound-venue', create: () => inner.create() };
};

describe('the body of a campaign test', () => {
  it('fails a planted bug with the violations, the shrunk actions and the replay file; its replay fails the same way', async () => {
    const replays = tempDir();
    const { lines, log } = logger();
    const error = await failureOf(
      runCampaignTest(
        'trading-venue',
        { properties: ['trading-venue'], bugs: ['overfill'], seed: 1, runs: 20, replays },
        {
          log,
          rerun: { file: 'test/venue.test.ts', test: 'trading-venue' },
        },
      ),
    );
    expect(error.name).toBe('ShakedownFailure');
    expect(lines[0]).toBe(
      'shakedown trading-venue: seed 1 (option); rerun: SHAKEDOWN_SEED=1 npx vitest run test/venue.test.ts -t trading-venue',
    );
    const saved = readdirSync(replays);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^trading-venue-1-[0-9a-f]{8}\.json$/);
    const file = join(replays, saved[0]);
    const replay = JSON.parse(readFileSync(file, 'utf8'));
    expect(replay).toMatchObject({
      property: 'trading-venue',
      target: 'inproc',
      seed: 1,
      bugs: ['overfill'],
    });
    const violation = replay.violations[0];
    expect(violation.invariant).toBe('orders.quantities');
    expect(error.message).toContain('shakedown trading-venue failed (seed 1, run 0, shrunk');
    expect(error.message).toContain(`[orders.quantities] ${violation.message}`);
    expect(error.message).toContain('shrunk actions:\n  0: ');
    expect(error.message).toContain(`replay file: ${file}`);
    expect(error.message).toContain(
      'rerun: SHAKEDOWN_SEED=1 npx vitest run test/venue.test.ts -t trading-venue',
    );

    const replayed = await failureOf(runReplayTest(file, {}, logger()));
    expect(replayed.message).toContain('trading-venue still fails (seed 1');
    expect(replayed.message).toContain(`[orders.quantities] ${violation.message}`);
    // Against a sound venue it no longer fails: the regression test passes.
    const fixed = logger();
    await runReplayTest(file, { target: soundVenue }, fixed);
    expect(fixed.lines.join('\n')).toContain('no longer fails against sound-venue');
  });

  it('passes against the sound venue, and saves nothing', async () => {
    const replays = tempDir();
    const { lines, log } = logger();
    await runCampaignTest(
      'trading-venue',
      { properties: ['trading-venue'], seed: 1, runs: 5, replays },
      { log },
    );
    expect(lines[1]).toMatch(/^shakedown trading-venue: passed, 5 runs, \d+ actions$/);
    expect(readdirSync(replays)).toEqual([]);
  });

  it('names an unknown property, bug or target instead of running', async () => {
    const options = { properties: ['nope'] };
    expect((await failureOf(runCampaignTest('nope', options, logger()))).message).toMatch(
      /property "nope" is not one of the trading pack's \(trading-venue, /,
    );
    expect(
      (await failureOf(runCampaignTest('trading-venue', { ...options, bugs: ['no-such-bug'] }, logger())))
        .message,
    ).toMatch(/unknown planted bug no-such-bug; known: .*overfill/);
    expect(
      (
        await failureOf(
          runCampaignTest('trading-venue', { ...options, bugs: ['overfill'], target: soundVenue }, logger()),
        )
      ).message,
    ).toContain(`planted bugs build the reference venue ('inproc' or 'ws'), not "sound-venue"`);
  });
});

describe('the seed, the timeouts and the options', () => {
  it('takes SHAKEDOWN_SEED first, then the option, then the clock', () => {
    expect(resolveSeed(7, { SHAKEDOWN_SEED: '42' })).toEqual({ seed: 42, source: 'SHAKEDOWN_SEED' });
    expect(resolveSeed(7, { SHAKEDOWN_SEED: '' })).toEqual({ seed: 7, source: 'option' });
    expect(resolveSeed(undefined, {}, () => 2 ** 31 + 5)).toEqual({ seed: 5, source: 'clock' });
    expect(() => resolveSeed(7, { SHAKEDOWN_SEED: '1e3' })).toThrow(
      /SHAKEDOWN_SEED="1e3": expected an integer/,
    );
    expect(() => resolveSeed(7, { SHAKEDOWN_SEED: String(2 ** 31) })).toThrow(/SHAKEDOWN_SEED/);
  });

  it('sets each test timeout from the budget, or the run timeout for a replay', () => {
    expect(campaignTestTimeout({})).toBe(90_000);
    expect(campaignTestTimeout({ timeBudgetMs: 5_000 })).toBe(40_000);
    expect(campaignTestTimeout({ timeBudgetMs: 5_000, timeout: 1_000 })).toBe(1_000);
    expect(replayTestTimeout({})).toBe(90_000);
    expect(replayTestTimeout({ runTimeoutMs: 1_000 })).toBe(31_000);
  });

  it('refuses malformed options when the tests are registered', () => {
    expect(() => checkCampaignTestOptions({ properties: [] })).toThrow(/at least one property/);
    expect(() => checkCampaignTestOptions({ properties: ['a', 'a'] })).toThrow(/"a" is listed twice/);
    expect(() => checkCampaignTestOptions({ properties: ['a'], runs: 0 })).toThrow(
      /`runs` must be a positive/,
    );
    expect(() => checkCampaignTestOptions({ properties: ['a'], seed: -1 })).toThrow(
      /`seed` must be an integer/,
    );
  });
});

describe('registering tests', () => {
  it('imports nothing but vitest, node and its own light modules (the runner loads in the test body)', () => {
    const seen = new Set<string>();
    const outside = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      // Static imports and re-exports, `import type` aside (erased); dynamic import() is lazy.
      for (const match of text.matchAll(/^(?:import|export)(?!\s+type\s)[^;]*?from\s+'([^']+)';/gms)) {
        const spec = match[1];
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else outside.add(spec);
      }
    };
    visit(join(SRC, 'vitest.ts'));
    const local = [...seen].map((f) => f.slice(SRC.length + 1)).sort();
    expect(local).toEqual([
      'vitest.ts',
      'vitest/campaign-tests.ts',
      'vitest/replay-tests.ts',
      'vitest/resolve-seed.ts',
      'vitest/vitest-options.ts',
    ]);
    expect([...outside].sort()).toEqual(['node:fs', 'node:path', 'node:url', 'vitest']);
  });
});
