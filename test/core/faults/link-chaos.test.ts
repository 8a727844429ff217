import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameDirection, FrameFault, ResponseFault } from '../../../src/core/faults/fault.ts';
import { faultProblem } from '../../../src/core/faults/fault-problem.ts';
import { FaultLog } from '../../../src/core/faults/fault-record.ts';
import { type FrameHooks, LinkChaos } from '../../../src/core/faults/link-chaos.ts';
import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';

type Frame = { id: number; request?: boolean };
const hooks: FrameHooks<Frame> = {
  text: (f) => JSON.stringify(f),
  requestId: (f) => (f.request ? String(f.id) : undefined),
  responseId: (f) => (f.request ? undefined : String(f.id)),
  forge: (id, fault) => ({ id: Number(id), forged: fault.effect }) as Frame,
  label: (f) => `frame#${f.id}`,
};

function link() {
  const scheduler = new SortedVirtualTimeScheduler();
  const log = new FaultLog();
  const out: { direction: FrameDirection; frame: Frame | string; at: number }[] = [];
  const chaos = new LinkChaos<Frame>({
    client: 'c',
    scheduler,
    log,
    hooks,
    deliver: (direction, frame) => out.push({ direction, frame, at: scheduler.now() }),
  });
  const ids = (direction: FrameDirection) =>
    out
      .filter((o) => o.direction === direction)
      .map((o) => (typeof o.frame === 'string' ? o.frame : o.frame.id));
  return { scheduler, log, out, chaos, ids };
}

const frameFault = (effect: FrameFault['effect'], extra: Partial<FrameFault> = {}): FrameFault => ({
  type: 'frame',
  effect,
  direction: 'from_target',
  count: 1,
  ...extra,
});

describe('LinkChaos', () => {
  it('is transparent with nothing armed: every frame, in order, in the same instant', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<FrameDirection>('to_target', 'from_target'), { maxLength: 200 }),
        (dirs) => {
          const l = link();
          for (const [i, d] of dirs.entries()) l.chaos.pass(d, { id: i });
          expect(l.out.map((o) => (o.frame as Frame).id)).toEqual(dirs.map((_, i) => i));
          expect(l.log.size).toBe(0);
        },
      ),
    );
  });

  it('drops exactly `count` frames one way, labels them lost, and leaves the other way alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 10 }), (count, extra) => {
        const l = link();
        l.chaos.arm(frameFault('drop', { count }), 3);
        for (let i = 0; i < count + extra; i++) {
          l.chaos.pass('from_target', { id: i });
          l.chaos.pass('to_target', { id: 100 + i });
        }
        expect(l.ids('from_target')).toEqual(Array.from({ length: extra }, (_, i) => count + i));
        expect(l.ids('to_target')).toHaveLength(count + extra);
        const [record] = l.log.list();
        expect(record).toMatchObject({ step: 3, kind: 'frame.drop', hits: count });
        expect(record.lost).toEqual(Array.from({ length: count }, (_, i) => `frame#${i}`));
      }),
    );
  });

  it('delays a frame and keeps later frames behind it (one ordered stream)', () => {
    const l = link();
    l.chaos.arm(frameFault('delay', { delayMs: 50, jitterMs: 0 }), 0);
    l.chaos.pass('from_target', { id: 1 });
    l.chaos.pass('from_target', { id: 2 });
    expect(l.out).toHaveLength(0);
    l.scheduler.flush();
    expect(l.out.map((o) => [(o.frame as Frame).id, o.at])).toEqual([
      [1, 50],
      [2, 50],
    ]);
  });

  it('reorders: a held frame goes out after k later ones, or after the hold limit', () => {
    const l = link();
    l.chaos.arm(frameFault('reorder', { holdFor: 2 }), 0);
    for (let i = 1; i <= 4; i++) l.chaos.pass('from_target', { id: i });
    expect(l.ids('from_target')).toEqual([2, 3, 1, 4]);
    const lone = link();
    lone.chaos.arm(frameFault('reorder', { holdFor: 3 }), 0);
    lone.chaos.pass('from_target', { id: 1 });
    lone.scheduler.flush();
    expect(lone.out.map((o) => o.at)).toEqual([100]);
  });

  it('duplicates, truncates and garbles; damaged frames never parse', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom<'truncate' | 'garble'>('truncate', 'garble'), (seed, effect) => {
        const l = link();
        l.chaos.arm(frameFault(effect, { seed }), 0);
        l.chaos.pass('from_target', { id: 123456, request: false });
        const text = l.out[0].frame;
        expect(typeof text).toBe('string');
        expect(() => JSON.parse(text as string)).toThrow();
      }),
    );
    const d = link();
    d.chaos.arm(frameFault('duplicate'), 0);
    d.chaos.pass('from_target', { id: 7 });
    expect(d.ids('from_target')).toEqual([7, 7]);
  });

  it('answers the nth request itself (429), or replaces the answer after the effect (5xx)', () => {
    const l = link();
    const r429: ResponseFault = { type: 'response', effect: 'reject_429', nth: 2, count: 1, retryAfterMs: 9 };
    l.chaos.arm(r429, 0);
    l.chaos.pass('to_target', { id: 1, request: true });
    l.chaos.pass('to_target', { id: 2, request: true });
    expect(l.ids('to_target')).toEqual([1]);
    expect(l.out.at(-1)).toMatchObject({ direction: 'from_target', frame: { id: 2, forged: 'reject_429' } });

    const after = link();
    after.chaos.arm({ type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true }, 0);
    after.chaos.pass('to_target', { id: 5, request: true });
    after.chaos.pass('from_target', { id: 5 });
    expect(after.ids('to_target')).toEqual([5]);
    expect(after.out.at(-1)?.frame).toMatchObject({ id: 5, forged: 'error_5xx' });
  });

  it('half-open swallows everything both ways until cleared', () => {
    const l = link();
    l.chaos.blackhole(4);
    l.chaos.pass('to_target', { id: 1 });
    l.chaos.pass('from_target', { id: 2 });
    expect(l.out).toHaveLength(0);
    expect(l.log.list()[0]).toMatchObject({ kind: 'connection.half_open', hits: 2, step: 4 });
    l.chaos.clear();
    l.chaos.pass('to_target', { id: 3 });
    expect(l.ids('to_target')).toEqual([3]);
  });
});

describe('faultProblem', () => {
  it('accepts every generated kind of fault and names the field of a broken one', () => {
    expect(faultProblem({ type: 'frame', effect: 'drop', direction: 'to_target', count: 1 })).toBeUndefined();
    expect(faultProblem({ type: 'clock', effect: 'jump', ms: -5 })).toBeUndefined();
    expect(faultProblem({ type: 'frame', effect: 'explode', direction: 'to_target', count: 1 })).toMatch(
      /^effect/,
    );
    expect(faultProblem({ type: 'frame', effect: 'drop', direction: 'sideways', count: 1 })).toMatch(
      /^direction/,
    );
    expect(faultProblem({ type: 'process', effect: 'pause', downMs: 'x' })).toMatch(/^downMs/);
    expect(faultProblem({ type: 'connection', effect: 'flap', downMs: 1, times: -1 })).toMatch(/^times/);
    expect(faultProblem({ type: 'nope' })).toMatch(/^type/);
    expect(faultProblem(null)).toBe('must be an object');
  });
});
