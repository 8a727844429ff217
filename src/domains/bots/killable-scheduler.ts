import { type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

/**
 * The run's scheduler as one subject instance sees it: everything the instance schedules is
 * tracked, so killing it (SIGKILL in-process) cancels every timer it had and ignores any it
 * tries to set afterwards. Time is the run's.
 */
export class KillableScheduler implements SchedulerLike {
  private readonly live = new Set<Subscription>();
  private dead = false;

  constructor(private readonly inner: SchedulerLike) {}

  now(): number {
    return this.inner.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay?: number, state?: T): Subscription {
    if (this.dead) return Subscription.EMPTY;
    const tracked = this.inner.schedule(
      function (this: SchedulerAction<T>, value?: T) {
        work.call(this, value as T);
      },
      delay,
      state,
    );
    this.live.add(tracked);
    tracked.add(() => this.live.delete(tracked));
    return tracked;
  }

  get killed(): boolean {
    return this.dead;
  }

  /** Cancels every pending timer of the instance; later schedules do nothing. */
  kill(): void {
    this.dead = true;
    for (const sub of [...this.live]) sub.unsubscribe();
    this.live.clear();
  }
}
