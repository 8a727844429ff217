import { describe, expect, it } from 'vitest';
import { defaultWorkers, resolveWorkerCount } from '../../src/cli/worker-count.ts';

const inproc = { kind: 'inproc' } as const;
const embedded = { kind: 'embedded-ws' } as const;

describe('the worker count', () => {
  it('defaults to one worker per two cores in-process and one per core over a socket, one at least', () => {
    expect([1, 2, 3, 4, 8].map((cores) => defaultWorkers('inproc', cores))).toEqual([1, 1, 1, 2, 4]);
    expect([1, 2, 3, 4, 8].map((cores) => defaultWorkers('embedded-ws', cores))).toEqual([1, 2, 3, 4, 8]);
    expect(defaultWorkers('module', 4)).toBe(4);
    const resolved = (spec: typeof inproc | typeof embedded, cores: number) =>
      resolveWorkerCount({ flag: undefined, env: {}, spec, plannedRuns: 1_000, cores });
    expect(resolved(inproc, 2)).toBe(1);
    expect(resolved(inproc, 8)).toBe(4);
    expect(resolved(embedded, 2)).toBe(2);
  });

  it('takes what is asked (the flag before SHAKEDOWN_WORKERS), never more than the runs', () => {
    const count = (flag: number | undefined, env: NodeJS.ProcessEnv, plannedRuns = 1_000) =>
      resolveWorkerCount({ flag, env, spec: inproc, plannedRuns, cores: 2 });
    expect(count(2, {})).toBe(2);
    expect(count(undefined, { SHAKEDOWN_WORKERS: '3' })).toBe(3);
    expect(count(1, { SHAKEDOWN_WORKERS: '3' })).toBe(1);
    expect(count(8, {}, 5)).toBe(5);
    expect(resolveWorkerCount({ flag: undefined, env: {}, spec: embedded, plannedRuns: 1, cores: 8 })).toBe(
      1,
    );
  });
});
