import { Subscription, VirtualAction, VirtualTimeScheduler } from 'rxjs';

interface Queued {
  delay: number;
  index: number;
}

/** The fields of an AsyncAction that its unsubscribe clears (rxjs types them protected). */
interface ActionFields {
  scheduler: VirtualTimeScheduler | null;
  work: unknown;
  state: unknown;
  pending: boolean;
  id: unknown;
  delay: number | null;
}

/** Where `self` goes in a queue sorted by time, then scheduling index (the first place not before it). */
function placeOf(actions: readonly Queued[], self: Queued): number {
  let lo = 0;
  let hi = actions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = actions[mid];
    if (other.delay < self.delay || (other.delay === self.delay && other.index < self.index)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
    actions.splice(placeOf(actions, self), 0, self);
    return 1;
  }

  /**
   * AsyncAction's unsubscribe, with the action found in the queue by its place rather than by
   * a scan of the whole queue (a request's timeout is cancelled this way once it is answered).
   */
  override unsubscribe(): void {
    if (this.closed) return;
    const fields = this as unknown as ActionFields;
    const scheduler = fields.scheduler;
    if (scheduler !== null && fields.pending) {
      const actions = scheduler.actions as unknown as Queued[];
      const self = this as unknown as Queued;
      let at = placeOf(actions, self);
      if (actions[at] !== self) at = actions.indexOf(self);
      if (at >= 0) actions.splice(at, 1);
    }
    fields.work = null;
    fields.state = null;
    fields.scheduler = null;
    fields.pending = false;
    // VirtualAction's recycleAsyncId gives undefined: what AsyncAction.unsubscribe leaves.
    if (fields.id != null) fields.id = undefined;
    fields.delay = null;
    Subscription.prototype.unsubscribe.call(this);
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
