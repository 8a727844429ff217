import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fanout } from '../../../src/domains/trading/transport/fanout.ts';

/**
 * Fanout.listen is the in-process run's direct path to a client's events and a link's messages:
 * a listener must get exactly what a subscriber to the Fanout's observable gets (the values
 * after it was added, none after it stopped, the end once), whatever the interleaving,
 * including listeners that add or stop others while a value is handed out.
 */

type Step =
  | { op: 'add' }
  | { op: 'stop'; which: number }
  | { op: 'next'; value: number }
  | { op: 'complete' }
  /** Listener `which`, on its next value, adds a new one and stops listener `drop`. */
  | { op: 'reentrant'; which: number; drop: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Step>({ op: 'add' }) },
  { weight: 2, arbitrary: fc.nat(6).map((which): Step => ({ op: 'stop', which })) },
  { weight: 5, arbitrary: fc.nat(99).map((value): Step => ({ op: 'next', value })) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'complete' }) },
  {
    weight: 1,
    arbitrary: fc.record({ which: fc.nat(6), drop: fc.nat(6) }).map((r): Step => ({ op: 'reentrant', ...r })),
  },
);

/** What each listener saw (values, then 'end'), adding them by `listen` or by subscribing. */
function play(steps: readonly Step[], direct: boolean): string[][] {
  const source = new Fanout<number>();
  const seen: string[][] = [];
  const stops: (() => void)[] = [];
  const hooks = new Map<number, { drop: number }>();
  const add = (): void => {
    const index = seen.length;
    seen.push([]);
    const next = (value: number): void => {
      seen[index]?.push(String(value));
      const hook = hooks.get(index);
      if (hook) {
        hooks.delete(index);
        add();
        stops[hook.drop % stops.length]?.();
      }
    };
    const complete = (): void => {
      seen[index]?.push('end');
    };
    if (direct) stops.push(source.listen(next, complete));
    else {
      const subscription = source.observable.subscribe({ next, complete });
      stops.push(() => subscription.unsubscribe());
    }
  };
  for (const s of steps) {
    if (s.op === 'add') add();
    else if (s.op === 'stop') stops[s.which % Math.max(1, stops.length)]?.();
    else if (s.op === 'next') source.next(s.value);
    else if (s.op === 'complete') source.complete();
    else hooks.set(s.which, { drop: s.drop });
  }
  return seen;
}

describe('Fanout.listen', () => {
  it('hands out exactly what subscribing to the observable hands out', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50 }), (steps) => {
        expect(play(steps, true)).toEqual(play(steps, false));
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });

  it('calls a listener added after the end with the end at once, and never with a value', () => {
    const source = new Fanout<number>();
    source.complete();
    const seen: string[] = [];
    source.listen(
      (value) => seen.push(String(value)),
      () => seen.push('end'),
    );
    source.next(1);
    expect(seen).toEqual(['end']);
  });
});
