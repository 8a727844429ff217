import fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import type { RunEvidence } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import type { Property } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import { runScenario } from '../scenario/run-scenario.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { type Divergence, firstDivergence } from './first-divergence.ts';
import { type NormalizeOptions, normalizeTimeline } from './normalized-timeline.ts';

export interface DiffOptions<A extends ActionBase> {
  property: Property<A>;
  left: { name: string; factory: TargetFactory<A> };
  right: { name: string; factory: TargetFactory<A> };
  clients: readonly string[];
  projection: Projection;
  normalize: NormalizeOptions;
  describeAction(action: A): string;
  seed: number;
  runs: number;
  maxActions: number;
  timeBudgetMs: number;
  shrinkBudgetMs: number;
  now: () => number;
}

export interface DiffFound<A> {
  seed: number;
  path: string;
  runIndex: number;
  shrinks: number;
  actions: A[];
  divergence: Divergence;
  left: RunEvidence<A>;
  right: RunEvidence<A>;
}

export interface DiffResult<A> {
  runs: number;
  actions: number;
  interrupted: boolean;
  found?: DiffFound<A>;
}

/**
 * Sends each action only once the previous one is answered. Two clients' requests sent in one
 * instant may reach a networked venue in either order, which is not a divergence; in lockstep
 * both targets see the same inputs in the same order, so their outputs must match.
 */
function lockstep<A extends ActionBase>(actions: readonly A[]): Scenario<A> {
  return {
    name: 'diff',
    source: 'diff',
    description: 'the generated actions, one at a time',
    tags: [],
    steps: actions.map((action) => ({
      kind: 'send' as const,
      action: { ...action, gapMs: 0 },
      expect: 'any' as const,
    })),
  };
}

/**
 * Differential testing: the same generated sequences against two targets, their normalized
 * timelines compared, and the first sequence that makes them differ shrunk (fast-check) to a
 * smallest one that still does. Faults are off: a fault acts on one target's links only.
 */
export async function runDiffCampaign<A extends ActionBase>(options: DiffOptions<A>): Promise<DiffResult<A>> {
  const started = options.now();
  let runs = 0;
  let actions = 0;
  let firstFailureAt: number | undefined;
  let outOfTime = false;
  const compare = async (list: readonly A[]) => {
    const run = (factory: TargetFactory<A>) =>
      runScenario(factory, lockstep(list), {
        clients: options.clients,
        projection: options.projection,
        invariants: [],
      });
    const left = await run(options.left.factory);
    const right = await run(options.right.factory);
    const divergence = firstDivergence(
      normalizeTimeline(left.evidence, options.normalize),
      normalizeTimeline(right.evidence, options.normalize),
      {
        left: options.left.name,
        right: options.right.name,
        describeStep: (i) => `step ${i} (${list[i] ? options.describeAction(list[i] as A) : '?'})`,
      },
    );
    return { divergence, left: left.evidence, right: right.evidence };
  };
  const predicate = fc.asyncProperty(
    options.property.actions({ seed: options.seed, maxActions: options.maxActions, faults: [] }),
    async (generated) => {
      if (firstFailureAt !== undefined && options.now() - firstFailureAt > options.shrinkBudgetMs)
        return true;
      if (firstFailureAt === undefined && (outOfTime || options.now() - started >= options.timeBudgetMs)) {
        outOfTime = true;
        return true;
      }
      const { divergence } = await compare(generated);
      if (firstFailureAt === undefined) {
        runs++;
        actions += generated.length;
      }
      if (divergence) {
        firstFailureAt ??= options.now();
        return false;
      }
      return true;
    },
  );
  const result = await fc.check(predicate, {
    seed: options.seed,
    numRuns: options.runs,
    interruptAfterTimeLimit: options.timeBudgetMs + options.shrinkBudgetMs + 60_000,
    markInterruptAsFailure: false,
  });
  const interrupted = outOfTime || result.interrupted;
  if (!result.failed || !result.counterexample) return { runs, actions, interrupted };
  const shrunk = result.counterexample[0] as A[];
  const again = await compare(shrunk);
  if (!again.divergence) return { runs, actions, interrupted };
  return {
    runs,
    actions,
    interrupted,
    found: {
      seed: result.seed,
      path: result.counterexamplePath ?? '',
      runIndex: Math.max(0, result.numRuns - 1),
      shrinks: result.numShrinks,
      actions: shrunk,
      divergence: again.divergence,
      left: again.left,
      right: again.right,
    },
  };
}
