import type { RunPool } from './run-pool.ts';

/**
 * A campaign told to stop (CampaignOptions.stop) lets the runs in flight finish; told to
 * abandon them (CampaignOptions.abandon), it stops waiting for them: what they would have
 * said is dropped. The work itself goes on in the background until its target is disposed;
 * its outcome, error included, is ignored.
 */
export class RunAbandoned extends Error {
  constructor() {
    super('the run was abandoned: the campaign was stopped and stopped waiting for it');
    this.name = 'RunAbandoned';
  }
}

export function isAbandoned(error: unknown): error is RunAbandoned {
  return error instanceof RunAbandoned;
}

/**
 * `start()`'s promise, unless `signal` aborts first: then a RunAbandoned rejection. Nothing is
 * started once it has aborted.
 */
export function untilAbandoned<T>(start: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return start();
  if (signal.aborted) return Promise.reject(new RunAbandoned());
  const work = start();
  return new Promise<T>((resolve, reject) => {
    const abandon = (): void => {
      work.catch(() => undefined);
      reject(new RunAbandoned());
    };
    signal.addEventListener('abort', abandon, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abandon);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abandon);
        reject(error);
      },
    );
  });
}

/** `start()`'s promise, or nothing once `signal` aborts: for waits whose end is all that matters. */
async function orAbandoned(start: () => Promise<void>, signal: AbortSignal): Promise<void> {
  try {
    await untilAbandoned(start, signal);
  } catch (error) {
    if (!isAbandoned(error)) throw error;
  }
}

/**
 * A pool that stops being waited on once `signal` aborts: submitting and draining return at
 * once, and what settles later is dropped, so the campaign folds nothing more and winds up
 * with what it has. The workers go on until the pool is cut or closed.
 */
export function abandonablePool<A>(pool: RunPool<A>, signal: AbortSignal): RunPool<A> {
  type OnSettled = Parameters<RunPool<A>['startProperty']>[1];
  return {
    size: pool.size,
    startProperty: (job, onSettled: OnSettled) =>
      orAbandoned(
        () =>
          pool.startProperty(job, (settled) => {
            if (!signal.aborted) onSettled(settled);
          }),
        signal,
      ),
    submit: (runIndex, actions) => orAbandoned(() => pool.submit(runIndex, actions), signal),
    generates: (property) => pool.generates(property),
    submitBlock: (block, start, count, runs) =>
      orAbandoned(() => pool.submitBlock(block, start, count, runs), signal),
    cut: () => pool.cut(),
    drain: () => orAbandoned(() => pool.drain(), signal),
    crashes: () => pool.crashes(),
  };
}
