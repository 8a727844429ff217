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
  /** The run count: when the workers generate, the blocks end there. */
  runs: number;
}

/**
 * Runs per block when the workers generate: each block starts with fast-check skipping to
 * its first run (about half a microsecond a run), so blocks grow with the run count to keep
 * that under a few percent of the runs' own cost; small enough to share the runs evenly.
 */
export function blockSize(runs: number): number {
  return Math.max(8, Math.ceil(runs / 256));
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
  // Runs sent and not yet folded, oldest first, with their actions (onRun reports them); a
  // worker that generates sends them back with the judgement.
  const waiting: { runIndex: number; generated?: readonly A[] }[] = [];
  const judged = new Map<number, RunJudgement>();
  let failureIndex: number | undefined;
  const onJudgement = (judgement: RunJudgement): void => {
    judged.set(judgement.runIndex, judgement);
    while (waiting.length > 0 && judged.has(waiting[0].runIndex)) {
      const next = waiting.shift() as (typeof waiting)[number];
      const folded = judged.get(next.runIndex) as RunJudgement;
      judged.delete(next.runIndex);
      if (failureIndex !== undefined) continue;
      hooks.fold(folded, next.generated ?? ((folded.generated ?? []) as readonly A[]));
      if (folded.status === 'fail') failureIndex = folded.runIndex;
    }
  };
  await pool.startProperty(hooks.job, onJudgement);
  if (hooks.job.generation) {
    // The workers generate: this thread only deals out blocks of run indices, in order,
    // until the run count, the first failure or the end of the time share.
    const size = blockSize(hooks.runs);
    for (let block = 0, start = 0; start < hooks.runs; block++, start += size) {
      if (failureIndex !== undefined) break;
      const count = Math.min(size, hooks.runs - start);
      const runs: number[] = [];
      for (let runIndex = start; runIndex < start + count; runIndex++)
        if (hooks.owned(runIndex)) runs.push(runIndex);
      if (runs.length === 0) continue;
      if (hooks.startsNoMore()) break;
      for (const runIndex of runs) waiting.push({ runIndex });
      await pool.submitBlock(block, start, count, runs);
    }
    await pool.drain();
    return { ...(failureIndex === undefined ? {} : { failureIndex }), interrupted: false };
  }
  // A known failure, or the time share spent, ends the generation; that check's result is
  // not used (the failure is shrunk by the caller, and endOnFailure leaves it unshrunk here).
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
