import { clearLine, cursorTo } from 'node:readline';
import cliProgress from 'cli-progress';
import { isCiEnvironment } from './ci-mode.ts';
import type { LogOutput } from './log-output.ts';

export interface ProgressConditions {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  ci: boolean;
  json: boolean;
  wanted: boolean;
}

/**
 * A bar only for a person watching a terminal: not when output is piped or parsed (--json),
 * not in CI (logs would fill with redraws), and not when turned off with --no-progress.
 */
export function shouldShowProgress(c: ProgressConditions): boolean {
  return c.wanted && c.stdoutIsTTY && c.stderrIsTTY && !c.ci && !c.json && !isCiEnvironment(c.env);
}

export interface CampaignProgress {
  property(name: string): void;
  run(update: { actions: number; failed: boolean }): void;
  /**
   * Takes the bar off and gives the terminal back as it was: cursor shown, line wrap on.
   * Synchronous and idempotent, so a signal handler may call it at any moment; nothing is
   * drawn after it.
   */
  stop(): void;
}

/** What the bar changes on a terminal, undone: show the cursor (DECTCEM), wrap lines (DECAWM). */
export const TERMINAL_RESTORE = '\x1B[?25h\x1B[?7h';
/** Line wrap on (DECAWM) for a log line written while the bar is up, then off again for the bar. */
const WRAP_ON = '\x1B[?7h';
const WRAP_OFF = '\x1B[?7l';

/**
 * Runs done of the runs planned, the budget left, failures and actions per second, redrawn on
 * stderr. The clock is passed in so the figures are the campaign's own.
 */
export function createProgressBar(options: {
  stream: NodeJS.WritableStream;
  /** Runs planned over the whole campaign (this shard's share of them). */
  totalRuns: number;
  timeBudgetMs: number;
  now: () => number;
  /** Log lines written here while the bar is up go above it (clear the bar, write, redraw). */
  logs?: LogOutput;
}): CampaignProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream,
      format: ' {bar} {value}/{total} runs | {failures} failed | {left} left | {rate} actions/s | {property}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 20,
      fps: 8,
      noTTYOutput: false,
      // Redrawn on every frame: a line written above it is never left without the bar below.
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = options.now();
  let done = 0;
  let actions = 0;
  let failures = 0;
  let current = '';
  let begun = false;
  let stopped = false;
  let releaseLogs: (() => void) | undefined;
  const payload = () => {
    const elapsed = options.now() - started;
    const left = Math.max(0, options.timeBudgetMs - elapsed);
    return {
      failures,
      left: Number.isFinite(left) ? `${Math.ceil(left / 1000)}s` : 'no cap',
      rate: elapsed > 0 ? Math.round((actions / elapsed) * 1000) : 0,
      property: current,
    };
  };
  return {
    property(name) {
      if (stopped) return;
      current = name;
      if (!begun) {
        bar.start(options.totalRuns, done, payload());
        begun = true;
        const stream = options.stream;
        releaseLogs = options.logs?.keepAbove({
          clear() {
            cursorTo(stream, 0);
            clearLine(stream, 0);
            stream.write(WRAP_ON);
          },
          redraw() {
            stream.write(WRAP_OFF);
            bar.render();
          },
        });
      }
      bar.update(done, payload());
    },
    run(update) {
      if (stopped) return;
      done++;
      actions += update.actions;
      if (update.failed) failures++;
      if (begun) bar.update(done, payload());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (!begun) return;
      releaseLogs?.();
      try {
        bar.stop();
      } finally {
        // cli-progress restores them only if its redraw timer is still set; a stop from a
        // signal handler must leave the terminal usable whatever state the bar is in.
        const tty = (options.stream as { isTTY?: boolean }).isTTY === true;
        if (tty) options.stream.write(TERMINAL_RESTORE);
      }
    },
  };
}
