/**
 * What a run pool's waiting calls wait on (submit waiting for room, drain for the last run):
 * a change of the pool's state, told by `wake()`, or its first failure, after which every wait
 * ends and `throwIfFailed()` throws it. Shared by the worker pool and the lane pool.
 */
export class PoolSignal {
  private waiters: (() => void)[] = [];
  private firstFailure: Error | undefined;

  /** The pool's first failure, once it has one. */
  get failure(): Error | undefined {
    return this.firstFailure;
  }

  /** Records the pool's failure (the first one stays) and ends every wait. */
  fail(error: Error): void {
    this.firstFailure ??= error;
    this.wake();
  }

  throwIfFailed(): void {
    if (this.firstFailure) throw this.firstFailure;
  }

  /** Resolves at the next `wake()` (or failure): the caller then looks at the state again. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Tells every waiting call that the state changed. */
  wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
