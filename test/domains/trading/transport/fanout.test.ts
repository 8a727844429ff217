import fc from 'fast-check';
import { Subject, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Fanout } from '../../../../src/domains/trading/transport/fanout.ts';

/**
 * Fanout replaces a Subject on the hot paths (a client's events, an in-process link's
 * messages): it must hand out exactly what a Subject hands out, to exactly the subscribers a
 * Subject would, whatever the interleaving of subscribes, unsubscribes, values and the end,
 * including a subscriber that subscribes or unsubscribes others while a value is handed out.
 */

type Step =
  | { op: 'subscribe' }
  | { op: 'unsubscribe'; which: number }
  | { op: 'next'; value: number }
  | { op: 'complete' }
  /** Subscriber `which`, on its next value, subscribes a new one and drops subscriber `drop`. */
  | { op: 'reentrant'; which: number; drop: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Step>({ op: 'subscribe' }) },
  { weight: 2, arbitrary: fc.nat(6).map((which): Step => ({ op: 'unsubscribe', which })) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 99 }).map((value): Step => ({ op: 'next', value })) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'complete' }) },
  {
    weight: 1,
    arbitrary: fc.record({ which: fc.nat(6), drop: fc.nat(6) }).map((r): Step => ({ op: 'reentrant', ...r })),
  },
);

interface Multicast {
  observable: Subject<number>['asObservable'] extends () => infer O ? O : never;
  next(value: number): void;
  complete(): void;
}

/** What each subscriber saw (values, then 'end'), for a list of steps on one multicast. */
function play(steps: readonly Step[], make: () => Multicast): string[][] {
  const source = make();
  const seen: string[][] = [];
  const subscriptions: Subscription[] = [];
  const hooks = new Map<number, { drop: number }>();
  const subscribe = (): void => {
    const index = seen.length;
    seen.push([]);
    subscriptions.push(
      source.observable.subscribe({
        next: (value) => {
          seen[index]?.push(String(value));
          const hook = hooks.get(index);
          if (hook) {
            hooks.delete(index);
            subscribe();
            subscriptions[hook.drop % subscriptions.length]?.unsubscribe();
          }
        },
        complete: () => seen[index]?.push('end'),
      }),
    );
  };
  for (const s of steps) {
    if (s.op === 'subscribe') subscribe();
    else if (s.op === 'unsubscribe')
      subscriptions[s.which % Math.max(1, subscriptions.length)]?.unsubscribe();
    else if (s.op === 'next') source.next(s.value);
    else if (s.op === 'complete') source.complete();
    else if (subscriptions.length > 0) hooks.set(s.which % subscriptions.length, { drop: s.drop });
  }
  return seen;
}

const subject = (): Multicast => {
  const s = new Subject<number>();
  return { observable: s.asObservable(), next: (v) => s.next(v), complete: () => s.complete() };
};
const fanout = (): Multicast => {
  const f = new Fanout<number>();
  return { observable: f.observable, next: (v) => f.next(v), complete: () => f.complete() };
};

describe('Fanout', () => {
  it('hands every subscriber what a Subject hands it, for any interleaving', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        expect(play(steps, fanout)).toEqual(play(steps, subject));
      }),
      { numRuns: 500 },
    );
  });

  it('completes a late subscriber at once and hands out nothing after the end', () => {
    const seen = play(
      [
        { op: 'subscribe' },
        { op: 'next', value: 1 },
        { op: 'complete' },
        { op: 'next', value: 2 },
        { op: 'subscribe' },
      ],
      fanout,
    );
    expect(seen).toEqual([['1', 'end'], ['end']]);
  });
});
