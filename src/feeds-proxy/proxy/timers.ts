import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The scheduler work one owner started, so that all of it can be cancelled at once (a proxy
 * that crashes leaves no timer behind).
 */
export class Timers {
  private readonly pending = new Set<Subscription>();
  private stopped = false;

  constructor(readonly scheduler: SchedulerLike) {}

  now(): number {
    return this.scheduler.now();
  }

  /** Runs `work` after `delayMs`; returns a cancel function. Nothing runs once stopped. */
  after(delayMs: number, work: () => void): () => void {
    if (this.stopped) return () => {};
    const subscription = this.scheduler.schedule(
      () => {
        this.pending.delete(subscription);
        if (!this.stopped) work();
      },
      Math.max(0, delayMs),
    );
    if (!subscription.closed) this.pending.add(subscription);
    return () => {
      subscription.unsubscribe();
      this.pending.delete(subscription);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const subscription of this.pending) subscription.unsubscribe();
    this.pending.clear();
  }

  get count(): number {
    return this.pending.size;
  }
}
