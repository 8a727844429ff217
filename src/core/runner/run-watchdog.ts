import { RunHung, timeoutReason } from './run-hang.ts';

/**
 * A wall-clock bound on one run on real time, with the timer injected (the CLI passes
 * setTimeout; the core never reads the clock itself). Virtual runs are bounded by a count of
 * scheduler steps instead (settle.ts), so they hang or not the same on every machine.
 */
export interface RunWatchdog {
  timeoutMs: number;
  /** Calls `fn` after `ms`; returns its cancel. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface ArmedWatchdog {
  /** Aborts once the time is up, its reason a sentence saying so; absent without a watchdog. */
  signal?: AbortSignal;
  disarm(): void;
}

/** Starts the watchdog's timer for one run (or for stopping its target). */
export function armWatchdog(watchdog: RunWatchdog | undefined): ArmedWatchdog {
  if (watchdog === undefined) return { disarm: () => {} };
  const controller = new AbortController();
  const cancel = watchdog.setTimer(watchdog.timeoutMs, () =>
    controller.abort(timeoutReason(watchdog.timeoutMs)),
  );
  return { signal: controller.signal, disarm: cancel };
}

/** `work`, unless `signal` aborts first: then a RunHung with its reason. */
export function untilTimedOut<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new RunHung(String(signal.reason)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RunHung(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
