import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-subject-cli-');
const cli = (args: readonly string[], env: Record<string, string> = {}, cwd?: string) =>
  shakedown(args, { timeoutMs: 120_000, env: { GRID_BOT_BUGS: '', ...env }, ...(cwd ? { cwd } : {}) });
const BOT = './examples/grid-bot/bot.ts';

describe('shakedown run --subject, end to end (in process)', () => {
  // The README runs the same campaign with --runs 200 (test/readme/readme.test.ts: exit 0); a
  // campaign of the bot waits on its timers, so here a few runs of every property are enough to
  // show the runs counted and nothing saved (10 each: 30 cost a third more CPU, for nothing
  // this test reads).
  it('passes the clean grid bot: --seed 1 --runs 10, every property', () => {
    const out = tempDir();
    const run = cli(['run', '--subject', BOT, '--seed', '1', '--runs', '10', '--out', out]);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('passed: 60 runs');
    expect(readdirSync(out)).toEqual([]);
  });

  it('saves a failure found with --bug that replays (exit 1) and replays into a fresh subject with a convergence verdict', () => {
    const out = tempDir();
    const args = ['--subject', BOT, '--bug', 'fills_applied_twice_after_resync'];
    const run = cli([
      'run',
      ...args,
      '--property',
      'ghost-fills',
      '--seed',
      '1',
      '--runs',
      '200',
      '--out',
      out,
    ]);
    expect(run.status, run.stderr + run.stdout).toBe(1);
    const [name] = readdirSync(out);
    const file = join(out, name ?? 'missing');
    const replay = cli(['replay', file]);
    expect(replay.status, replay.stderr + replay.stdout).toBe(1);
    expect(replay.stdout).toContain('[bots.reconciliation]');
    // The fresh subject folds the venue's events without the double count: it does not reach the live belief.
    const inOrder = cli(['replay', file, '--events-only']);
    expect(inOrder.stdout).toMatch(/into a fresh subject: (converged|diverged) \(in-order, \d+ events\)/);
    // Exit 0 converged, 1 diverged.
    expect(inOrder.status).toBe(inOrder.stdout.includes(': diverged (') ? 1 : 0);
    const shuffled = cli(['replay', file, '--events-only', '--shuffle', '--seed', '3']);
    expect(shuffled.stdout).toMatch(
      /into a fresh subject: (converged|diverged) \(shuffled seed 3, \d+ events\)/,
    );
    expect([0, 1]).toContain(shuffled.status);
    if (shuffled.status === 1) expect(shuffled.stdout).toContain('first differing field: positions.');
  });

  it('says clearly when the subject cannot be replayed into (no consume)', () => {
    // The keeper (test/domains/bots/fixtures) has no consume(): its saved failure has nothing to feed.
    const out = tempDir();
    const run = cli(
      [
        'run',
        '--subject',
        './test/domains/bots/fixtures/keeper-subject.ts',
        '--bug',
        'never_redials',
        '--property',
        'bot-under-fire',
        '--invariants',
        'bots.reconnects',
        '--seed',
        '1',
        '--runs',
        '100',
        '--out',
        out,
      ],
      {},
    );
    expect(run.status, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toContain('[bots.reconnects]');
    const [name] = readdirSync(out);
    const replay = cli(['replay', join(out, name ?? 'missing'), '--events-only']);
    // The keeper has no consume(): said clearly, a usage error.
    expect(replay.status, replay.stderr + replay.stdout).toBe(2);
    expect(replay.stderr).toContain('has no consume(event)');
  });

  it("takes --bug names the subject module declares (not the grid bot's), and refuses others by name", () => {
    const out = tempDir();
    const wrong = cli([
      'run',
      '--subject',
      './test/domains/bots/fixtures/keeper-subject.ts',
      '--bug',
      'overfill',
      '--out',
      out,
    ]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown name "overfill"; one of: never_redials');
  });

  it('run --no-replays exits 1, not 13, when it finds a failure (default --out in the working directory)', () => {
    const cwd = tempDir();
    const run = cli(
      [
        'run',
        '--subject',
        join(process.cwd(), BOT),
        '--bug',
        'no_boot_reconciliation',
        '--property',
        'ghost-fills',
        '--seed',
        '1',
        '--runs',
        '200',
        '--no-replays',
      ],
      {},
      cwd,
    );
    expect(run.status, run.stderr + run.stdout).toBe(1);
    expect(readdirSync(join(cwd, 'replays')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('diff --subject --against-subject: the same bot agrees with itself, a buggy one diverges (shrunk, saved)', () => {
    const out = tempDir();
    const same = cli([
      'diff',
      '--subject',
      BOT,
      '--against-subject',
      BOT,
      '--property',
      'volatility',
      '--seed',
      '3',
      '--runs',
      '20',
      '--out',
      out,
    ]);
    expect(same.status, same.stderr + same.stdout).toBe(0);
    expect(same.stdout).toContain('no divergence');
    const differ = cli([
      'diff',
      '--subject',
      BOT,
      '--against-subject',
      BOT,
      '--against-bug',
      'breaker_not_persisted',
      '--property',
      'volatility',
      '--seed',
      '1',
      '--runs',
      '100',
      '--out',
      out,
    ]);
    expect(differ.status, differ.stderr + differ.stdout).toBe(1);
    expect(differ.stdout).toMatch(/divergence between .* shrunk to \d+ actions/);
    expect(differ.stdout).toContain('differs');
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });
});
