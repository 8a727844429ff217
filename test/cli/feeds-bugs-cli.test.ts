import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedsPropertyForBug } from '../../src/domains/feeds/property-for-bug.ts';
import { FEEDS_PLANTED_BUGS } from '../../src/feeds-proxy/index.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-feeds-bugs-cli-');
const cli = (args: readonly string[]) => shakedown(args, { timeoutMs: 60_000 });

/**
 * One planted bug per part of the proxy (continuity, breaker, sessions, upstream control) through
 * the real CLI; test/campaign/feeds-planted-bugs.test.ts proves every bug in process, found,
 * shrunk and replayed, at a fraction of the cost of two CLI starts each.
 */
const THROUGH_THE_CLI = new Set([
  'gap_on_failover',
  'breaker_ignores_recovery_timeout',
  'responses_to_wrong_client',
  'kill_silently_misses',
]);

/**
 * Planted bugs of the reference proxy through the real CLI: `run --domain feeds --bug B`
 * on the property that provokes it exits 1, names the invariant the catalogue pairs it with and
 * saves the shrunk run; `replay FILE`, with neither --domain nor --bug (the file names both),
 * reproduces the same violation. Bounded by the run count.
 */
describe('shakedown run --domain feeds --bug, then replay', () => {
  const bugs = FEEDS_PLANTED_BUGS.filter((b) => THROUGH_THE_CLI.has(b.name));
  it('picks bugs the proxy really has', () => expect(bugs).toHaveLength(THROUGH_THE_CLI.size));
  it.each(bugs.map((b) => [b.name, b.invariant, feedsPropertyForBug(b)] as const))(
    '--bug %s exits 1 naming %s, and its saved replay reproduces it without --domain',
    (bug, invariant, property) => {
      const out = tempDir();
      const run = cli([
        'run',
        '--domain',
        'feeds',
        '--bug',
        bug,
        '--property',
        property,
        '--seed',
        '1',
        '--runs',
        '200',
        '--out',
        out,
      ]);
      expect(run.status, run.stderr + run.stdout).toBe(1);
      expect(run.stdout).toContain(`[${invariant}]`);
      const saved = readdirSync(out);
      expect(saved).toHaveLength(1);
      const replay = cli(['replay', join(out, saved[0] as string)]);
      expect(replay.status, replay.stderr + replay.stdout).toBe(1);
      expect(replay.stdout).toContain(`of ${property}`);
      expect(replay.stdout).toContain(`[${invariant}]`);
    },
    60_000,
  );
});
