import { describe, expect, it } from 'vitest';
import { PoolSignal } from '../../../src/core/runner/pool-signal.ts';

describe('PoolSignal', () => {
  it('ends every wait at the next wake, and only then', async () => {
    const signal = new PoolSignal();
    const woken: number[] = [];
    const waits = [1, 2].map((n) => signal.changed().then(() => woken.push(n)));
    await Promise.resolve();
    expect(woken).toEqual([]);
    signal.wake();
    await Promise.all(waits);
    expect(woken).toEqual([1, 2]);
    signal.throwIfFailed();
  });

  it('keeps the first failure, ends the waits, and throws it from then on', async () => {
    const signal = new PoolSignal();
    const wait = signal.changed();
    signal.fail(new Error('first'));
    signal.fail(new Error('second'));
    await wait;
    expect(signal.failure?.message).toBe('first');
    expect(() => signal.throwIfFailed()).toThrow('first');
  });
});
