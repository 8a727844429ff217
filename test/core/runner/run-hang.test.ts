import { asyncScheduler, NEVER, Observable, of, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ActionBase } from '../../../src/core/model/action.ts';
import type { Reply } from '../../../src/core/model/client.ts';
import type { Verdict } from '../../../src/core/model/invariant.ts';
import type { Target, TargetFactory } from '../../../src/core/model/target.ts';
import { DistinctFailures } from '../../../src/core/runner/distinct-failures.ts';
import { type ExecuteOptions, executeRun } from '../../../src/core/runner/execute-run.ts';
import {
  failureSignature,
  normalizeMessage,
  showsFailure,
} from '../../../src/core/runner/failure-signature.ts';
import { HANG_INVARIANT } from '../../../src/core/runner/run-hang.ts';
import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/** A target of one client whose `send` answers as `answer` says, on a virtual or the real clock. */
function factory(
  answer: (step: number, scheduler: SchedulerLike) => Observable<Reply>,
  virtual = true,
): TargetFactory<ActionBase> {
  return {
    name: 'fake',
    create: async (): Promise<Target<ActionBase>> => {
      const scheduler = virtual ? new SortedVirtualTimeScheduler() : asyncScheduler;
      return {
        name: 'fake',
        scheduler,
        virtual,
        open: (name) =>
          of({
            name,
            events$: NEVER,
            send: (_action: ActionBase, step: number) => answer(step, scheduler),
            close() {},
          }),
        snapshot: () => of({}),
        stop: () => of(undefined),
      };
    },
  };
}

const actions: ActionBase[] = [0, 1, 2].map(() => ({ kind: 'ping', client: 'c', gapMs: 1 }));
const options: ExecuteOptions = {
  clients: ['c'],
  projection: tradingPack.projection,
  invariants: [],
  settings: { maxActions: 10, requestTimeoutMs: 1000, quietMs: 5 },
  describeAction: ((action: ActionBase) => `${action.kind} by ${action.client}`) as (action: never) => string,
};
const ok = (): Observable<Reply> => of({ status: 'ok', result: null });

describe('a run that never ends', () => {
  it('on virtual time, an answer that never comes is a hang naming the last action sent', async () => {
    const report = await executeRun(
      factory((step) => (step === 1 ? NEVER : ok())),
      actions,
      options,
    );
    expect(report.verdict.status).toBe('hang');
    expect(report.verdict).toMatchObject({ status: 'hang', step: 2 });
    const [violation] = report.verdict.status === 'hang' ? report.verdict.violations : [];
    expect(violation?.invariant).toBe(HANG_INVARIANT);
    expect(violation?.message).toMatch(
      /an answer that never came.*the last action sent was step 2: ping by c/,
    );
  });

  it('on virtual time, a scheduler busy for ever at one instant hangs after its bound of steps (a count)', async () => {
    const spinning = (_step: number, scheduler: SchedulerLike): Observable<Reply> =>
      new Observable<Reply>(() => {
        const again = (): void => {
          scheduler.schedule(again, 0);
        };
        again();
      });
    const report = await executeRun(factory(spinning), actions, { ...options, maxVirtualSteps: 10_000 });
    expect(report.verdict.status).toBe('hang');
    expect(report.verdict.status === 'hang' && report.verdict.violations[0]?.message).toMatch(
      /ran 10000 actions without the run ending/,
    );
  });

  it('on real time, the watchdog ends a run that never answers, with the verdict hang', async () => {
    const setTimer = (ms: number, fn: () => void): (() => void) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    };
    const report = await executeRun(
      factory((step) => (step === 0 ? NEVER : ok()), false),
      actions,
      {
        ...options,
        watchdog: { timeoutMs: 50, setTimer },
      },
    );
    expect(report.verdict.status).toBe('hang');
    expect(report.verdict.status === 'hang' && report.verdict.violations[0]?.message).toMatch(
      /no end within the run timeout of 50 ms/,
    );
  });

  it('a run that ends in time is judged as ever', async () => {
    const report = await executeRun(
      factory(() => ok()),
      actions,
      options,
    );
    expect(report.verdict.status).toBe('pass');
  });
});

describe('distinct failures', () => {
  const fail = (invariant: string, message: string): Verdict => ({
    status: 'fail',
    violations: [{ invariant, message, steps: [], events: [] }],
  });

  it('a signature is the first violation with its numbers, ids and client names made alike', () => {
    expect(normalizeMessage('order O1 (maker, s1-0): filledQty 0.002 > qty 0.001', ['maker', 'taker'])).toBe(
      'order # (<client>, #): filledQty # > qty #',
    );
    expect(
      failureSignature(fail('orders.quantities', 'order O7 (taker, s3-2): filledQty 2 > qty 1'), ['taker']),
    ).toBe(
      failureSignature(fail('orders.quantities', 'order O1 (maker, s1-0): filledQty 0.002 > qty 0.001'), [
        'maker',
      ]),
    );
    expect(failureSignature(fail('a', 'x'))).not.toBe(failureSignature(fail('b', 'x')));
    expect(failureSignature({ status: 'hang', step: 2, violations: [] })).toBe(HANG_INVARIANT);
    expect(failureSignature({ status: 'pass' })).toBeUndefined();
    expect(showsFailure('orders.quantities: order #', fail('orders.quantities', 'other'))).toBe(true);
    expect(showsFailure('orders.quantities: order #', fail('funds.reserves', 'x'))).toBe(false);
    expect(showsFailure(HANG_INVARIANT, { status: 'hang', step: null, violations: [] })).toBe(true);
  });

  it('counts duplicates and is full at its max', () => {
    const failures = new DistinctFailures(2);
    expect(failures.note(3, 'a')).toBe(true);
    expect(failures.note(5, 'a')).toBe(false);
    expect(failures.full).toBe(false);
    expect(failures.note(8, 'b')).toBe(true);
    expect(failures.full).toBe(true);
    expect(failures.found).toEqual([
      { runIndex: 3, signature: 'a', duplicates: 1 },
      { runIndex: 8, signature: 'b', duplicates: 0 },
    ]);
    expect(failures.firstIndex).toBe(3);
  });
});
