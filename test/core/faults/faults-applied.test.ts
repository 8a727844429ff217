import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Target, TargetFactory } from '../../../src/core/model/target.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/** The in-process venue, except that its process is gone: a kill finds nothing to kill. */
function noProcessFactory(): TargetFactory<TradingAction> {
  const inner = inprocTargetFactory() as unknown as TargetFactory<TradingAction>;
  return {
    name: 'no-process',
    faultKinds: inner.faultKinds,
    async create() {
      const target = (await inner.create()) as Target<TradingAction>;
      return {
        ...target,
        inject: (fault, client, step) =>
          fault.type === 'process'
            ? of({
                status: 'fail' as const,
                code: 'SHK_FAULT_NO_PROCESS',
                message: 'no venue process to kill',
              })
            : target.inject!(fault, client, step),
      };
    },
  };
}

const options = {
  clients: tradingPack.clients,
  projection: tradingPack.projection,
  invariants: [],
  settings: DEFAULT_SETTINGS,
};

describe('faults.applied', () => {
  it('fails a run whose kill found no process, naming the step and the reason', async () => {
    const actions: TradingAction[] = [
      {
        kind: 'fault',
        client: 'venue',
        gapMs: 0,
        fault: { type: 'process', effect: 'crash_restart', downMs: 10 },
      },
    ];
    const report = await executeRun(noProcessFactory(), actions, options);
    expect(report.verdict.status).toBe('fail');
    const [violation] = report.verdict.status === 'fail' ? report.verdict.violations : [];
    expect(violation.invariant).toBe('faults.applied');
    expect(violation.steps).toEqual([0]);
    expect(violation.message).toContain('SHK_FAULT_NO_PROCESS');
  });

  it('fails a run with a fault it cannot read, and passes one whose faults all applied', async () => {
    const broken = [
      { kind: 'fault', client: 'maker', gapMs: 0, fault: { type: 'frame', effect: 'explode' } },
    ] as unknown as TradingAction[];
    const bad = await executeRun(inprocTargetFactory() as never, broken, options);
    expect(bad.verdict.status === 'fail' && bad.verdict.violations[0].message).toContain('SHK_FAULT_INVALID');

    const fine: TradingAction[] = [
      {
        kind: 'fault',
        client: 'venue',
        gapMs: 0,
        fault: { type: 'process', effect: 'crash_restart', downMs: 10 },
      },
    ];
    expect((await executeRun(inprocTargetFactory() as never, fine, options)).verdict).toEqual({
      status: 'pass',
    });
  });
});
