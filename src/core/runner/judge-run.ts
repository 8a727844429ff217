import type { ActionBase } from '../model/action.ts';
import type { TargetFactory } from '../model/target.ts';
import { type ExecuteOptions, executeEveryStep, executeRun, type RunReport } from './execute-run.ts';
import { determinismViolation, firstDifference } from './first-difference.ts';

/** How strictly a campaign judges each run. */
export interface JudgeOptions {
  /** Check the invariants after every step (each prefix on its own target). */
  checkEveryStep: boolean;
  /** Run a passing sequence again and fail on any difference in the recorded events. */
  checkDeterminism: boolean;
}

/**
 * One generated sequence run and judged, the same way on the campaign's thread and in a
 * worker: its invariants, and with checkDeterminism a second run that must record the same
 * events. The report's evidence is the first run's; only the verdict changes.
 */
export async function judgeRun<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  execute: ExecuteOptions,
  judge: JudgeOptions,
): Promise<RunReport<A>> {
  const report = judge.checkEveryStep
    ? await executeEveryStep(factory, actions, execute)
    : await executeRun(factory, actions, execute);
  if (report.verdict.status !== 'pass' || !judge.checkDeterminism) return report;
  const again = await executeRun(factory, actions, execute);
  const difference = firstDifference(report.evidence.events, again.evidence.events);
  if (!difference) return report;
  return { ...report, verdict: { status: 'fail', violations: [determinismViolation(difference)] } };
}
