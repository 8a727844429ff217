import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-subject-process-');
/** Over WebSocket through the chaos proxy, killed and restarted: real clock, so few runs and few shrinks. */
const cli = (args: readonly string[]) =>
  shakedown(['run', '--subject', 'node examples/grid-bot/main.js', '--seed', '1', ...args], {
    timeoutMs: 150_000,
    env: { GRID_BOT_BUGS: '' },
  });

describe('shakedown run --subject "node examples/grid-bot/main.js" (the process form)', () => {
  it('passes clean: ghost fills while it is killed and restarted', () => {
    const out = tempDir();
    const run = cli(['--property', 'ghost-fills', '--runs', '2', '--out', out, '--log-level', 'warn']);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('pass  ghost-fills: 2 runs');
    expect(readdirSync(out)).toEqual([]);
  }, 150_000);

  it('catches no_boot_reconciliation with bots.reconciliation (at most 6 runs)', () => {
    const out = tempDir();
    const run = cli([
      '--property',
      'ghost-fills',
      '--bug',
      'no_boot_reconciliation',
      '--runs',
      '6',
      '--shrink-attempts',
      '2',
      '--out',
      out,
      '--log-level',
      'warn',
    ]);
    expect(run.status, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toContain('[bots.reconciliation]');
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  }, 150_000);
});
