import { EmptyError, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Target } from '../model/target.ts';
import { RunHung } from './run-hang.ts';

const MAX_VIRTUAL_MS = 24 * 3600 * 1000;

/**
 * Scheduled actions a virtual run may execute before it counts as hung: a count, so the same
 * run hangs (or not) on any machine. A run of the reference venue takes 150 on average and
 * under 3,000 at most (40 actions, every fault kind); a target that reschedules for ever at
 * the same instant (which a bound on virtual time alone never ends) reaches this in a second.
 */
export const MAX_VIRTUAL_STEPS = 1_000_000;

export interface SettleOptions {
  /** Bound on a virtual run's scheduled actions (default MAX_VIRTUAL_STEPS). */
  maxSteps?: number;
  /**
   * On real time, the run's watchdog: once aborted (its reason a string saying why), the work
   * is unsubscribed and settle throws RunHung. Virtual time is bounded by the step count.
   */
  signal?: AbortSignal;
}

/** A virtual scheduler (rxjs's VirtualTimeScheduler, from whichever copy of rxjs): it can be flushed. */
function isFlushable(scheduler: SchedulerLike): scheduler is SchedulerLike & { flush(): void } {
  return typeof (scheduler as { flush?: unknown }).flush === 'function';
}

interface QueuedAction {
  delay: number;
  state: unknown;
  execute(state: unknown, delay: number): unknown;
  unsubscribe(): void;
}

/** A VirtualTimeScheduler's own queue (sorted by time, then order): it can be run step by step. */
function queueOf(scheduler: SchedulerLike): { actions: QueuedAction[]; frame: number } | undefined {
  const candidate = scheduler as unknown as { actions?: unknown; frame?: unknown };
  return Array.isArray(candidate.actions) && typeof candidate.frame === 'number'
    ? (candidate as { actions: QueuedAction[]; frame: number })
    : undefined;
}

/**
 * Runs a virtual scheduler's work in time order until `done()` holds: what stopped it. Stops
 * at the answer (heartbeats keep the queue busy for ever), at an empty queue, past a day of
 * virtual time, or after `maxSteps` actions.
 */
function runBounded(
  scheduler: { actions: QueuedAction[]; frame: number },
  done: () => boolean,
  untilFrame: number,
  maxSteps: number,
): 'done' | 'drained' | 'day' | 'steps' {
  const actions = scheduler.actions;
  let steps = 0;
  while (!done()) {
    const action = actions[0];
    if (action === undefined) return 'drained';
    if (action.delay > untilFrame) return 'day';
    if (steps++ >= maxSteps) return 'steps';
    actions.shift();
    scheduler.frame = action.delay;
    const error = action.execute(action.state, action.delay);
    if (error) {
      for (const left of actions.splice(0)) left.unsubscribe();
      throw error;
    }
  }
  return 'done';
}

const STUCK: Record<'drained' | 'day' | 'steps', (maxSteps: number) => string> = {
  drained: () => 'virtual time ran out of work before the run ended: an answer that never came',
  day: () => 'a day of virtual time passed without the run ending',
  steps: (maxSteps) => `the virtual scheduler ran ${maxSteps} actions without the run ending`,
};

/**
 * Runs an Observable on a target's scheduler to its single value. On a virtual scheduler the
 * scheduler is run until the value is there, within a bound counted in scheduled actions:
 * virtual time never waits on the outside world, so a run that does not end within it (the
 * queue empty, or still busy past the bound) hung, and settle throws RunHung. On real time it
 * waits, until the watchdog (`signal`) says the run hung.
 */
export async function settle<T>(
  target: Target<never, unknown, unknown, unknown>,
  work: Observable<T>,
  options: SettleOptions = {},
): Promise<T> {
  // By its shape, not instanceof: an adapter's VirtualTimeScheduler may come from its own copy of rxjs.
  if (!(target.virtual && isFlushable(target.scheduler))) return onRealTime(work, options.signal);
  const scheduler = target.scheduler;
  let result: { value: T } | undefined;
  let failure: { error: unknown } | undefined;
  const sub = work.subscribe({
    next: (value) => {
      result ??= { value };
    },
    error: (error: unknown) => {
      failure = { error };
    },
  });
  const finished = (): boolean => result !== undefined || failure !== undefined;
  const queue = queueOf(scheduler);
  const maxSteps = options.maxSteps ?? MAX_VIRTUAL_STEPS;
  let stopped: ReturnType<typeof runBounded>;
  try {
    if (queue) stopped = runBounded(queue, finished, scheduler.now() + MAX_VIRTUAL_MS, maxSteps);
    else {
      scheduler.flush();
      stopped = finished() ? 'done' : 'drained';
    }
  } finally {
    sub.unsubscribe();
  }
  if (failure) throw failure.error;
  if (!result) throw new RunHung(STUCK[stopped === 'done' ? 'drained' : stopped](maxSteps));
  return result.value;
}

/** The work's first value on real time, or RunHung once `signal` aborts (the work unsubscribed). */
function onRealTime<T>(work: Observable<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(new RunHung(String(signal.reason)));
  return new Promise<T>((resolve, reject) => {
    let sub: Subscription | undefined;
    let done = false;
    const onAbort = (): void => {
      finish();
      reject(new RunHung(String(signal?.reason)));
    };
    const finish = (): void => {
      done = true;
      signal?.removeEventListener('abort', onAbort);
      sub?.unsubscribe();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    sub = work.subscribe({
      next: (value) => {
        if (done) return;
        finish();
        resolve(value);
      },
      error: (error: unknown) => {
        if (done) return;
        finish();
        reject(error);
      },
      complete: () => {
        if (done) return;
        finish();
        reject(new EmptyError());
      },
    });
    // It answered while subscribing: the subscription is only now known.
    if (done) sub.unsubscribe();
  });
}
