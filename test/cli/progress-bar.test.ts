import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogOutput } from '../../src/cli/log-output.ts';
import { createLogger } from '../../src/cli/logger.ts';
import { createProgressBar, shouldShowProgress } from '../../src/cli/progress-bar.ts';

/** A terminal stand-in: everything written to it, in order. */
function fakeTty(): { stream: NodeJS.WritableStream & { isTTY: true }; text: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    {
      isTTY: true as const,
      columns: 160,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    },
  );
  return { stream, text: () => text };
}

/** Clear the line the cursor is on: cursor to column 1 (CHA), erase the whole line (EL 2). */
const CLEAR_LINE = '\x1B[1G\x1B[2K';

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

  it('a log line written while the bar is up clears the bar, goes above it, and the bar is drawn again below', () => {
    const tty = fakeTty();
    const logs = new LogOutput(tty.stream);
    const logger = createLogger({ level: 'info', format: 'json', output: logs });
    const bar = createProgressBar({
      stream: tty.stream,
      totalRuns: 20,
      timeBudgetMs: 60_000,
      now: () => 0,
      logs,
    });
    bar.property('trading-venue');
    const before = tty.text().length;
    expect(tty.text()).toContain('0/20 runs');
    logger.warn('a worker restarted');
    const written = tty.text().slice(before);
    const line = written.indexOf('{"level":40');
    expect(line).toBeGreaterThan(-1);
    // The bar's line is cleared first: the log line starts at column 1 of an empty line...
    expect(written.slice(0, line)).toContain(CLEAR_LINE);
    const logLine = written.slice(line, written.indexOf('\n', line) + 1);
    expect(logLine).toContain('"msg":"a worker restarted"');
    expect(logLine).not.toContain('runs |');
    // ...and the bar comes back on the line below it.
    expect(written.slice(line + logLine.length)).toContain('0/20 runs');
    bar.stop();
    // Once the bar is gone, a log line is written as it is, with nothing around it.
    const after = tty.text().length;
    logger.info('campaign done');
    expect(tty.text().slice(after)).toMatch(/^\{"level":30,.*"msg":"campaign done"\}\n$/);
  });

  it('pretty log lines go above the bar too', () => {
    const tty = fakeTty();
    const logs = new LogOutput(tty.stream);
    const logger = createLogger({ level: 'info', format: 'pretty', output: logs });
    const bar = createProgressBar({
      stream: tty.stream,
      totalRuns: 5,
      timeBudgetMs: 60_000,
      now: () => 0,
      logs,
    });
    bar.property('order-lifecycle');
    const before = tty.text().length;
    logger.info({ workers: 2 }, 'workers started');
    const written = tty.text().slice(before);
    const line = written.indexOf('workers started');
    expect(line).toBeGreaterThan(-1);
    expect(written.slice(0, line)).toContain(CLEAR_LINE);
    // The pretty text (its fields on lines of their own) ends with a newline; the bar is below it.
    expect(written.slice(line, written.lastIndexOf('\n'))).toMatch(/workers.*: .*2/);
    expect(written.slice(written.lastIndexOf('\n'))).toContain('0/5 runs');
    bar.stop();
  });
});
