import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, shouldShowProgress } from '../../src/cli/progress-bar.ts';

const tty = { stdoutIsTTY: true, stderrIsTTY: true, env: {}, ci: false, json: false, wanted: true };

describe('the progress bar', () => {
  it('shows only for a person at a terminal: not piped, not in CI, not with --json or --no-progress', () => {
    expect(shouldShowProgress(tty)).toBe(true);
    expect(shouldShowProgress({ ...tty, stdoutIsTTY: false })).toBe(false);
    expect(shouldShowProgress({ ...tty, stderrIsTTY: false })).toBe(false);
    expect(shouldShowProgress({ ...tty, ci: true })).toBe(false);
    expect(shouldShowProgress({ ...tty, env: { CI: 'true' } })).toBe(false);
    expect(shouldShowProgress({ ...tty, env: { CI: 'false' } })).toBe(true);
    expect(shouldShowProgress({ ...tty, json: true })).toBe(false);
    expect(shouldShowProgress({ ...tty, wanted: false })).toBe(false);
  });

  it('draws runs done of planned, failures, budget left and actions per second', () => {
    let text = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    );
    let now = 0;
    const bar = createProgressBar({ stream, totalRuns: 20, timeBudgetMs: 60_000, now: () => now });
    bar.property('trading-venue');
    now = 2000;
    bar.run({ actions: 40, failed: false });
    bar.run({ actions: 60, failed: true });
    bar.property('order-lifecycle');
    bar.stop();
    expect(text).toContain('2/20 runs');
    expect(text).toContain('1 failed');
    expect(text).toContain('58s left');
    expect(text).toContain('50 actions/s');
    expect(text).toContain('order-lifecycle');
  });
});
