import type { TargetFactory } from '../core/model/target.ts';
import {
  collectOwnedResources,
  killOwnedChildren,
  removeOwnedDirs,
} from '../core/process/owned-resources.ts';

/** The exit code of a command stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;
/** How long the runs in flight get to finish after the first signal before they are abandoned. */
export const INTERRUPT_GRACE_MS = 2_000;
/** How long each clean-up step (closing workers, stopping a venue) may take once interrupted. */
export const CLEANUP_BOUND_MS = 2_000;

export type InterruptSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * SIGINT and SIGTERM for a long command (run, soak, diff, replay), turned into inputs the core
 * reads: the first signal aborts `stop` (start nothing new), and `graceMs` later `abandon`
 * (stop waiting for what is in flight); the command then cleans up, writes what it has and
 * exits 130. A second signal exits at once: the terminal restored, every child process
 * shakedown started (in any thread) killed and its temp directories removed, synchronously.
 */
export interface Interrupt {
  readonly stop: AbortSignal;
  readonly abandon: AbortSignal;
  /** The first signal received, if any. */
  readonly signal: InterruptSignal | undefined;
  readonly interrupted: boolean;
  /**
   * Runs `hook` synchronously at the first signal (and before an immediate exit): e.g. the
   * progress bar giving the terminal back. Returns a function that removes it.
   */
  onSignal(hook: () => void): () => void;
  /**
   * `work` awaited as usual, but once interrupted, waited for at most CLEANUP_BOUND_MS (its
   * failure then ignored): a clean-up step never holds an interrupted command up for long.
   */
  bounded<T>(work: Promise<T> | undefined): Promise<T | undefined>;
  /**
   * The command is done. Not interrupted: the handlers go, and a later signal gets Node's
   * default again. Interrupted: they stay (a second signal still exits at once), and the
   * process exits shortly if something left over would keep it alive.
   */
  dispose(): void;
}

/** What the interrupt touches of the process, injected by tests. */
export interface InterruptHost {
  on(signal: InterruptSignal, listener: (signal: InterruptSignal) => void): unknown;
  off(signal: InterruptSignal, listener: (signal: InterruptSignal) => void): unknown;
  write(line: string): void;
  /** Ends the process at once with this code (process.exit). */
  exit(code: number): void;
  /** Kills every child and removes every temp directory shakedown owns, synchronously. */
  killOwned(): void;
  setTimeout(fn: () => void, ms: number): { unref?: () => unknown };
  clearTimeout(timer: unknown): void;
}

export interface InterruptOptions {
  /** The command's name, for the messages: `shakedown run: SIGINT: ...`. */
  command: string;
  graceMs?: number;
  cleanupMs?: number;
  host?: InterruptHost;
}

const processHost = (): InterruptHost => ({
  on: (signal, listener) => process.on(signal, listener),
  off: (signal, listener) => process.off(signal, listener),
  write: (line) => {
    process.stderr.write(line);
  },
  exit: (code) => process.exit(code),
  killOwned: () => {
    killOwnedChildren();
    removeOwnedDirs();
  },
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
});

export function installInterrupt(options: InterruptOptions): Interrupt {
  const host = options.host ?? processHost();
  if (options.host === undefined) collectOwnedResources();
  const graceMs = options.graceMs ?? INTERRUPT_GRACE_MS;
  const cleanupMs = options.cleanupMs ?? CLEANUP_BOUND_MS;
  const stop = new AbortController();
  const abandon = new AbortController();
  const hooks = new Set<() => void>();
  let first: InterruptSignal | undefined;
  let installed = true;

  const runHooks = (): void => {
    for (const hook of [...hooks]) {
      try {
        hook();
      } catch {
        // A hook that fails must not stand between the user and the exit.
      }
    }
  };

  const onSignalReceived = (signal: InterruptSignal): void => {
    if (first !== undefined) {
      runHooks();
      host.write(`shakedown ${options.command}: ${signal} again: exiting at once\n`);
      host.killOwned();
      host.exit(EXIT_INTERRUPTED);
      return;
    }
    first = signal;
    runHooks();
    host.write(
      `shakedown ${options.command}: ${signal}: stopping; the runs in flight get ${graceMs} ms, then the partial results are written (${signal === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} exits at once)\n`,
    );
    stop.abort();
    // Never what keeps the process alive: a command done within the grace has nothing to abandon.
    host.setTimeout(() => abandon.abort(), graceMs).unref?.();
  };

  for (const signal of SIGNALS) host.on(signal, onSignalReceived);

  return {
    stop: stop.signal,
    abandon: abandon.signal,
    get signal() {
      return first;
    },
    get interrupted() {
      return first !== undefined;
    },
    onSignal(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    async bounded<T>(work: Promise<T> | undefined): Promise<T | undefined> {
      if (work === undefined) return undefined;
      let timer: unknown;
      let armed: (() => void) | undefined;
      const cut = new Promise<'cut'>((resolve) => {
        armed = () => {
          timer = host.setTimeout(() => resolve('cut'), cleanupMs);
        };
        if (stop.signal.aborted) armed();
        else stop.signal.addEventListener('abort', armed, { once: true });
      });
      try {
        const settled = await Promise.race([
          work.then(
            (value) => ({ value }),
            (error: unknown) => {
              // Once interrupted a clean-up failure is not worth more than the partial results.
              if (stop.signal.aborted) return 'cut' as const;
              throw error;
            },
          ),
          cut,
        ]);
        return settled === 'cut' ? undefined : settled.value;
      } finally {
        if (armed) stop.signal.removeEventListener('abort', armed);
        if (timer !== undefined) host.clearTimeout(timer);
      }
    },
    dispose() {
      if (!installed) return;
      if (first === undefined) {
        installed = false;
        hooks.clear();
        for (const signal of SIGNALS) host.off(signal, onSignalReceived);
        return;
      }
      // Interrupted: the results are written. Whatever is left (a worker that would not close,
      // a socket) must not keep the process alive: it goes, and the exit hooks clean up.
      host.setTimeout(() => host.exit(EXIT_INTERRUPTED), cleanupMs).unref?.();
    },
  };
}

/**
 * Runs a command under an interrupt: its exit code, or 130 once a signal came. An error
 * thrown after a signal (a worker torn down under a run, say) is reported on one line and is
 * still an interruption.
 */
export async function withInterrupt(
  command: string,
  body: (interrupt: Interrupt) => Promise<number>,
  options: Omit<InterruptOptions, 'command'> = {},
): Promise<number> {
  const interrupt = installInterrupt({ command, ...options });
  try {
    const code = await body(interrupt);
    return interrupt.interrupted ? EXIT_INTERRUPTED : code;
  } catch (error) {
    if (!interrupt.interrupted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    (options.host ?? processHost()).write(`shakedown ${command}: after ${interrupt.signal}: ${message}\n`);
    return EXIT_INTERRUPTED;
  } finally {
    interrupt.dispose();
  }
}

/**
 * The factory, with one turn of the event loop before each target it makes. An in-process
 * campaign on virtual time runs wholly in promise jobs and would never let the loop hear a
 * signal; this turn, once per run, does (a signal is then heard within one run). The
 * campaign's results are the same: virtual time does not see it.
 */
export function yieldingBetweenRuns<A, E, R, S>(
  factory: TargetFactory<A, E, R, S>,
): TargetFactory<A, E, R, S> {
  const create: TargetFactory<A, E, R, S>['create'] = async (run) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return factory.create(run);
  };
  return new Proxy(factory, {
    get(target, property) {
      if (property === 'create') return create;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
