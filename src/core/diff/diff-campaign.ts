import fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import type { RunEvidence } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import type { Property } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import { DEFAULT_SHRINK_ATTEMPTS } from '../runner/shrink-attempts.ts';
import { type Divergence, firstDivergence } from './first-divergence.ts';
import { type NormalizeOptions, normalizeTimeline } from './normalized-timeline.ts';
import { runLockstep } from './run-lockstep.ts';

/** One side of the comparison: a name for messages (`inproc`, `ws+overfill`) and its targets. */
export interface DiffSide<A> {
  name: string;
  factory: TargetFactory<A>;
}

export interface DiffOptions<A extends ActionBase> {
  /** Whose generator makes the sequences (its invariants are not checked: the other side is the oracle). */
  property: Property<A>;
  left: DiffSide<A>;
  right: DiffSide<A>;
  clients: readonly string[];
  projection: Projection;
  /** The domain's say on what must match (session streams, volatile fields and ids). */
  normalize: NormalizeOptions;
  describeAction(action: A): string;
  describeEvent?(event: unknown): string;
  seed: number;
  runs: number;
  maxActions: number;
  /** The systems' configuration, for the generator (GenerationContext.config); opaque here. */
  generationConfig?: unknown;
  /** Quiet window after the last reply before each side's final state is read. */
  quietMs: number;
  /** Wall-clock budget for generating and running sequences (shrinking has its own bound). */
  timeBudgetMs: number;
  /**
   * Shrink candidates compared, at most (default DEFAULT_SHRINK_ATTEMPTS, runner/shrink-attempts.ts; a
   * caller with a real-time side passes fewer): a count, so the same seed shrinks to the same
   * sequence on any machine.
   */
  shrinkAttempts?: number;
  /** A wall-clock cap on shrinking, on top of the count: only when the user asks for one. */
  shrinkBudgetMs?: number;
  /** The wall clock, injected: only the budgets read it. */
  now: () => number;
  /**
   * Stops early (the CLI aborts it on SIGINT or SIGTERM): no sequence starts after it, shrinking
   * ends at the smallest divergence found so far, and the result is interrupted.
   */
  stop?: AbortSignal;
}

export interface DiffFound<A> {
  seed: number;
  /** fast-check's path to the shrunk sequence (with the seed, it regenerates it). */
  path: string;
  /** Which generated sequence diverged first (0-based). */
  runIndex: number;
  shrinks: number;
  actions: A[];
  divergence: Divergence;
  /** Both sides' evidence of the shrunk sequence, run once more. */
  left: RunEvidence<A>;
  right: RunEvidence<A>;
  /**
   * False when the sequence, run once more, agreed: one side is not deterministic on it. The
   * divergence and evidence are then those of the run that diverged.
   */
  reproduced: boolean;
}

export interface DiffResult<A> {
  /** Sequences run on both sides before the first divergence (shrinking not counted). */
  runs: number;
  actions: number;
  /** True when the time budget, not the run count, ended the campaign. */
  interrupted: boolean;
  found?: DiffFound<A>;
}

interface Comparison<A> {
  divergence: Divergence | undefined;
  left: RunEvidence<A>;
  right: RunEvidence<A>;
}

/**
 * Differential testing: the same generated sequences against two targets, in lockstep, their
 * normalized timelines compared; the first sequence that makes them differ is shrunk by
 * fast-check to a smallest one that still does, and run once more on both sides for the
 * evidence. Faults are off: a fault acts on one side's links only, so both sides would not
 * take the same inputs.
 */
export async function runDiffCampaign<A extends ActionBase>(options: DiffOptions<A>): Promise<DiffResult<A>> {
  const started = options.now();
  let runs = 0;
  let actions = 0;
  let runIndex = 0;
  let firstFailureAt: number | undefined;
  let shrinking = false;
  let shrinkAttempts = 0;
  const shrinkLimit = options.shrinkAttempts ?? DEFAULT_SHRINK_ATTEMPTS;
  const shrinkBudgetMs = options.shrinkBudgetMs;
  let outOfTime = false;
  let fatal: { error: unknown } | undefined;
  // fast-check's counterexample is the last sequence that failed: its comparison, kept.
  let lastFailure: Comparison<A> | undefined;

  const compare = async (list: readonly A[]): Promise<Comparison<A>> => {
    const lockstep = { clients: options.clients, projection: options.projection, quietMs: options.quietMs };
    const left = await runLockstep(options.left.factory, list, lockstep);
    const right = await runLockstep(options.right.factory, list, lockstep);
    const divergence = firstDivergence(
      normalizeTimeline(left, options.normalize),
      normalizeTimeline(right, options.normalize),
      {
        left: options.left.name,
        right: options.right.name,
        describeStep: (step) => {
          const action = list[step];
          return action ? `step ${step} (${options.describeAction(action)})` : `step ${step}`;
        },
        ...(options.describeEvent ? { describeEvent: options.describeEvent } : {}),
      },
    );
    return { divergence, left, right };
  };

  const predicate = fc.asyncProperty(
    options.property.actions({
      seed: options.seed,
      maxActions: options.maxActions,
      faults: [],
      ...(options.generationConfig === undefined ? {} : { config: options.generationConfig }),
    }),
    async (generated) => {
      // A target that broke (unreachable, stuck) ends the campaign; fast-check must not
      // shrink towards the error as if it were a divergence.
      if (fatal) return true;
      if (options.stop?.aborted) {
        if (shrinking || outOfTime) return true;
        // Stopped before any divergence. fast-check has no "stop here" and would generate every
        // run left: one induced failure ends the generation at once. It is no divergence
        // (lastFailure stays unset), and every shrink candidate after it passes.
        outOfTime = true;
        return false;
      }
      // Past the shrink attempts (or a shrink budget the user gave) every candidate "passes",
      // which ends shrinking at the smallest divergence found so far.
      if (shrinking) {
        if (shrinkAttempts >= shrinkLimit) return true;
        if (shrinkBudgetMs !== undefined && options.now() - (firstFailureAt ?? 0) > shrinkBudgetMs)
          return true;
        shrinkAttempts++;
      }
      // Budget checked before a run starts (fast-check's own limit would abandon a run in
      // flight, which would go on using the targets meanwhile).
      if (!shrinking && (outOfTime || options.now() - started >= options.timeBudgetMs)) {
        outOfTime = true;
        return true;
      }
      let compared: Comparison<A>;
      try {
        compared = await compare(generated);
      } catch (error) {
        fatal = { error };
        return true;
      }
      if (!shrinking) {
        runs++;
        actions += generated.length;
        if (compared.divergence) runIndex = runs - 1;
      }
      if (!compared.divergence) return true;
      lastFailure = compared;
      if (!shrinking && shrinkBudgetMs !== undefined) firstFailureAt = options.now();
      shrinking = true;
      return false;
    },
  );
  // No fast-check time limit: runs stop at the budget above and shrinking at its count (a
  // limit on fast-check's own clock would cut shrinking by the machine's speed).
  const result = await fc.check(predicate, { seed: options.seed, numRuns: options.runs });
  if (fatal) throw fatal.error;
  const interrupted = outOfTime || result.interrupted;
  if (!result.failed || !result.counterexample || !lastFailure) return { runs, actions, interrupted };
  const shrunk = result.counterexample[0] as A[];
  const again = await compare(shrunk);
  // Diverged once, agrees now: still reported (one side is not deterministic on this
  // sequence), with the evidence of the run that diverged.
  const shown = again.divergence ? again : lastFailure;
  return {
    runs,
    actions,
    interrupted,
    found: {
      seed: result.seed,
      path: result.counterexamplePath ?? '',
      runIndex,
      shrinks: result.numShrinks,
      actions: shrunk,
      divergence: shown.divergence as Divergence,
      left: shown.left,
      right: shown.right,
      reproduced: again.divergence !== undefined,
    },
  };
}
