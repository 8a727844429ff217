import { firstValueFrom, type Observable, VirtualTimeScheduler } from 'rxjs';
import type { Target } from '../model/target.ts';
import { ShakedownError } from '../shakedown-error.ts';
import { SortedVirtualTimeScheduler } from '../time/sorted-virtual-scheduler.ts';

const MAX_VIRTUAL_MS = 24 * 3600 * 1000;

/**
 * Runs an Observable on a target's scheduler to its single value. On a virtual scheduler the
 * scheduler is flushed and the value must be there when the flush returns: virtual time never
 * waits on the outside world, so anything else is a stuck run, reported as such.
 */
export async function settle<T>(
  target: Target<never, unknown, unknown, unknown>,
  work: Observable<T>,
): Promise<T> {
  if (!(target.virtual && target.scheduler instanceof VirtualTimeScheduler)) return firstValueFrom(work);
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
  if (scheduler instanceof SortedVirtualTimeScheduler) {
    // Stops at the answer: heartbeats keep the queue busy forever. A day of virtual time is stuck.
    scheduler.runUntil(() => result !== undefined || failure !== undefined, scheduler.now() + MAX_VIRTUAL_MS);
  } else scheduler.flush();
  sub.unsubscribe();
  if (failure) throw failure.error;
  if (!result) {
    throw new ShakedownError(
      'SHK_RUN_STUCK',
      'the run did not finish in virtual time (nothing left to schedule)',
      {
        exitCode: 1,
      },
    );
  }
  return result.value;
}
