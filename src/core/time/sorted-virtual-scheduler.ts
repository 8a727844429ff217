import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

interface Queued {
  delay: number;
  index: number;
}

/**
 * RxJS's VirtualAction re-sorts the whole action queue on every schedule. A run keeps a
 * pending timeout per request and a delivery per message in flight, so that sort dominates
 * long virtual runs. This action inserts itself at its place instead (same order: time, then
 * scheduling index), which is all the scheduler needs.
 */
class SortedVirtualAction<T> extends VirtualAction<T> {
  protected override requestAsyncId(scheduler: VirtualTimeScheduler, _id?: unknown, delay = 0): 1 {
    const self = this as unknown as Queued;
    self.delay = scheduler.frame + delay;
    const actions = scheduler.actions as unknown as Queued[];
    let lo = 0;
    let hi = actions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = actions[mid];
      if (other.delay < self.delay || (other.delay === self.delay && other.index < self.index)) lo = mid + 1;
      else hi = mid;
    }
    actions.splice(lo, 0, self);
    return 1;
  }
}

/** A VirtualTimeScheduler with O(log n) scheduling; behaviour is otherwise RxJS's own. */
export class SortedVirtualTimeScheduler extends VirtualTimeScheduler {
  constructor() {
    super(SortedVirtualAction as unknown as typeof VirtualAction, Number.POSITIVE_INFINITY);
  }

  /**
   * Runs scheduled work in time order until `done()` holds, the queue is empty, or virtual time
   * would pass `untilFrame`. Unlike flush(), it stops once the answer is in: clients with a
   * heartbeat always have something scheduled, so a queue that never empties is normal.
   * Returns whether `done()` holds.
   */
  runUntil(done: () => boolean, untilFrame = Number.POSITIVE_INFINITY): boolean {
    const actions = this.actions as unknown as (VirtualAction<unknown> & Queued)[];
    while (!done()) {
      const action = actions[0];
      if (action === undefined || action.delay > untilFrame) return done();
      actions.shift();
      this.frame = action.delay;
      const error = action.execute(action.state, action.delay);
      if (error) {
        for (const left of actions.splice(0)) left.unsubscribe();
        throw error;
      }
    }
    return true;
  }
}
