import type { RunReport } from './execute-run.ts';
import type { PropertyJob } from './run-pool.ts';

/**
 * Judges one sequence where a run can be killed: a worker thread of its own
 * (core/workers/worker-judge.ts). A run still going at the run timeout, even one stuck in a
 * synchronous loop inside the target, has its thread terminated and is reported as a hang; the
 * next run gets a fresh thread. A campaign whose target is an adapter module sends there every
 * run it would otherwise execute on its own thread: shrink candidates, the counterexample's
 * final run.
 */
export interface IsolatedJudge<A> {
  /** The run judged as judgeRun judges it, the verdict `hang` if it never ended. */
  judge(job: PropertyJob, actions: readonly A[]): Promise<RunReport<A>>;
}
