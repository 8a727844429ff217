import fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import { GenerationStop } from './generation-stop.ts';
import type { RunJudgement } from './run-judgement.ts';
import type { PropertyJob, RunPool } from './run-pool.ts';

export interface ExploreHooks<A> {
  job: PropertyJob;
  /** Whether this machine's shard owns the run. */
  owned(runIndex: number): boolean;
  /** True once the property's share of the time budget is spent. */
  startsNoMore(): boolean;
  /** The next run's index in generation order. */
  nextIndex(): number;
  /** Folds one judged run into the property's tallies (called in generation order). */
  fold(judgement: RunJudgement, generated: readonly A[]): void;
}

export interface Explored {
  /** The first run, in generation order, that failed; absent when none did. */
  failureIndex?: number;
  /** fast-check's time backstop stopped the generation. */
  interrupted: boolean;
}

/**
 * The exploring half of a property's campaign, spread over a pool: fast-check generates on
 * this thread (so run i is the value a sequential campaign would generate), each run goes to
 * its worker, and the judgements are folded in generation order up to the first failure.
 * Runs judged after it are dropped, as a sequential campaign would never have started them.
 * Shrinking is the caller's: it needs the failure's place in the stream, not the workers.
 */
export async function exploreInPool<A extends ActionBase>(
  pool: RunPool<A>,
  arbitrary: fc.Arbitrary<A[]>,
  parameters: fc.Parameters<[A[]]>,
  hooks: ExploreHooks<A>,
): Promise<Explored> {
  // Runs sent and not yet folded, oldest first, with their actions (onRun reports them).
  const waiting: { runIndex: number; generated: readonly A[] }[] = [];
  const judged = new Map<number, RunJudgement>();
  let failureIndex: number | undefined;
  const onJudgement = (judgement: RunJudgement): void => {
    judged.set(judgement.runIndex, judgement);
    while (waiting.length > 0 && judged.has(waiting[0].runIndex)) {
      const next = waiting.shift() as (typeof waiting)[number];
      const folded = judged.get(next.runIndex) as RunJudgement;
      judged.delete(next.runIndex);
      if (failureIndex !== undefined) continue;
      hooks.fold(folded, next.generated);
      if (folded.status === 'fail') failureIndex = folded.runIndex;
    }
  };
  await pool.startProperty(hooks.job, onJudgement);
  // A known failure, or the time share spent, ends the generation; that check's result is
  // not used (the failure is shrunk by the caller). The caller passes endOnFailure, so the
  // induced failure is not shrunk either.
  const stop = new GenerationStop();
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (generated) => {
      if (failureIndex !== undefined) stop.request();
      if (stop.isRequested) return stop.answer();
      const runIndex = hooks.nextIndex();
      if (!hooks.owned(runIndex)) return true;
      if (hooks.startsNoMore()) {
        stop.request();
        return stop.answer();
      }
      waiting.push({ runIndex, generated });
      await pool.submit(runIndex, generated);
      return true;
    }),
    parameters,
  );
  await pool.drain();
  return {
    ...(failureIndex === undefined ? {} : { failureIndex }),
    // An induced stop is not fast-check's time limit.
    interrupted: result.interrupted,
  };
}
