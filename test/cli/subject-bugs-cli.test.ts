import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRID_BOT_BUG_INFO } from '../../src/domains/bots/grid-bot-bugs.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-subject-bugs-');
const cli = (args: readonly string[], env: Record<string, string> = {}) =>
  shakedown(args, { timeoutMs: 120_000, env: { GRID_BOT_BUGS: '', ...env } });
const BOT = './examples/grid-bot/bot.ts';

/** The bug each property proves best (its own area), so each campaign stays small. */
const PROPERTY_OF: Record<string, string> = {
  no_boot_reconciliation: 'ghost-fills',
  random_client_ids: 'rate-limits',
  retry_at_once_after_429: 'rate-limits',
  state_without_checksum: 'corrupted-state',
  breaker_not_persisted: 'volatility',
  fills_applied_twice_after_resync: 'ghost-fills',
};

describe("the grid bot's planted bugs through the CLI (in process, --runs 200)", () => {
  it.each(GRID_BOT_BUG_INFO.map((b) => [b.name, b.invariant]))(
    'catches %s (GRID_BOT_BUGS) with %s, and saves a replay',
    (bug, invariant) => {
      const out = tempDir();
      const property = PROPERTY_OF[bug] ?? 'bot-under-fire';
      const run = cli(
        ['run', '--subject', BOT, '--property', property, '--seed', '1', '--runs', '200', '--out', out],
        { GRID_BOT_BUGS: bug },
      );
      expect(run.status, run.stderr + run.stdout).toBe(1);
      expect(run.stdout).toContain(`[${invariant}]`);
      expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    },
  );
});
