import fc from 'fast-check';
import { type SchedulerAction, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';

/**
 * The in-process run's scheduler inserts each action at its place and takes a cancelled one
 * out by its place, instead of rxjs's sort on every schedule and scan on every cancel. Order is
 * everything on virtual time (a seed replays byte for byte), so it must run exactly what rxjs's
 * VirtualTimeScheduler runs, in the same order, at the same times, whatever the interleaving of
 * schedules, cancels (before, while and after an action runs) and reschedules from inside an
 * action, including many at the same instant.
 */

type Op =
  | { op: 'schedule'; delay: number; label: number }
  | { op: 'cancel'; which: number }
  /** When it runs, action `which` schedules another (`delay` later) and cancels `cancel`. */
  | { op: 'chain'; which: number; delay: number; cancel: number }
  /** When it runs, action `which` reschedules itself `delay` later, `times` more times. */
  | { op: 'repeat'; which: number; delay: number; times: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('schedule' as const), delay: fc.nat(6), label: fc.nat(999) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), which: fc.nat(40) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('chain' as const),
      which: fc.nat(40),
      delay: fc.nat(4),
      cancel: fc.nat(40),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('repeat' as const),
      which: fc.nat(40),
      delay: fc.nat(3),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

/** What ran, as `label@time`, for a list of ops on a scheduler; then the queue is run out. */
function play(ops: readonly Op[], scheduler: VirtualTimeScheduler): string[] {
  const ran: string[] = [];
  const handles: Subscription[] = [];
  const onRun = new Map<number, (() => void)[]>();
  let labels = 0;
  const schedule = (delay: number, label: number): void => {
    const index = handles.length;
    handles.push(
      scheduler.schedule(() => {
        ran.push(`${label}@${scheduler.now()}`);
        for (const hook of onRun.get(index) ?? []) hook();
      }, delay),
    );
  };
  for (const o of ops) {
    if (o.op === 'schedule') schedule(o.delay, o.label);
    else if (o.op === 'cancel') handles[o.which % Math.max(1, handles.length)]?.unsubscribe();
    else if (o.op === 'chain') {
      const which = o.which % Math.max(1, handles.length);
      const hooks = onRun.get(which) ?? [];
      hooks.push(() => {
        schedule(o.delay, 1000 + labels++);
        handles[o.cancel % handles.length]?.unsubscribe();
      });
      onRun.set(which, hooks);
    } else {
      let left = o.times;
      scheduler.schedule(
        function (this: SchedulerAction<number>, n?: number) {
          ran.push(`repeat${o.which}#${n}@${scheduler.now()}`);
          if (left-- > 0) this.schedule((n ?? 0) + 1, o.delay);
        },
        o.delay,
        0,
      );
    }
  }
  scheduler.flush();
  return ran;
}

describe('SortedVirtualTimeScheduler', () => {
  it('runs what rxjs VirtualTimeScheduler runs, in the same order, at the same times', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const expected = play(ops, new VirtualTimeScheduler(undefined, Number.POSITIVE_INFINITY));
        expect(play(ops, new SortedVirtualTimeScheduler())).toEqual(expected);
      }),
      { numRuns: 400, seed: 20261207 },
    );
  });

  it('leaves nothing of a cancelled action in its queue, whenever it is cancelled', () => {
    const scheduler = new SortedVirtualTimeScheduler();
    const a = scheduler.schedule(() => undefined, 5);
    const b = scheduler.schedule(() => undefined, 5);
    const c = scheduler.schedule(() => undefined, 1);
    expect(scheduler.actions).toHaveLength(3);
    b.unsubscribe();
    expect(scheduler.actions).toEqual([c, a]);
    b.unsubscribe();
    expect(scheduler.actions).toEqual([c, a]);
    expect(b.closed).toBe(true);
    scheduler.flush();
    // Cancelling what already ran changes nothing.
    a.unsubscribe();
    expect(scheduler.actions).toHaveLength(0);
    expect(a.closed).toBe(true);
  });
});
