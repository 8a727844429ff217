import { CoverageTally } from '../coverage/coverage-tally.ts';
import type { SurfaceId } from '../coverage/surface-registry.ts';
import { addFaultCounts, countFaults, type FaultCounts, faultRecordsOf } from '../faults/fault-record.ts';
import { LatencyTally } from '../latency/latency-tally.ts';
import type { ActionBase } from '../model/action.ts';
import type { RunEvidence } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';
import type { TargetFactory } from '../model/target.ts';
import type { CampaignResult, PropertyOutcome } from '../runner/campaign.ts';
import { violationsOf } from '../runner/run-hang.ts';
import { runScenario, type ScenarioRunOptions } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';

/**
 * Runs fixed scenarios one after another, each on a fresh target, and reports them as a
 * campaign whose "properties" are the scenarios (one run each): the summary, JUnit and the
 * reports then need nothing new. A step that did not hold is a violation named
 * `scenario.<name>`, listed with the invariants' own.
 */
export async function runScenarioCampaign<A extends ActionBase, E, V>(
  factory: TargetFactory<A, E>,
  scenarios: readonly Scenario<A, E, V>[],
  options: ScenarioRunOptions<E> & {
    seed: number;
    now: () => number;
    exercised?: (evidence: RunEvidence<A>) => Iterable<SurfaceId>;
    onScenario?: (name: string, passed: boolean) => void;
  },
): Promise<CampaignResult<A>> {
  const started = options.now();
  const outcomes: PropertyOutcome<A>[] = [];
  const coverage = new CoverageTally();
  const latency = new LatencyTally();
  const faults: FaultCounts = {};
  let actions = 0;
  for (const scenario of scenarios) {
    const began = options.now();
    const result = await runScenario(factory, scenario, options);
    const evidence = result.evidence;
    const fired = countFaults(faultRecordsOf(evidence.extra));
    addFaultCounts(faults, fired);
    const own = new LatencyTally();
    own.recordOperations(evidence.history);
    latency.merge(own);
    const exercised = [...(options.exercised?.(evidence) ?? [])];
    coverage.add(exercised);
    actions += evidence.actions.length;
    const violations: Violation[] = [
      ...(result.failure
        ? [
            {
              invariant: `scenario.${scenario.name}`,
              message: `step ${result.failure.step} (${result.failure.what}): ${result.failure.message}`,
              steps: [],
              events: [],
            },
          ]
        : []),
      ...violationsOf(result.verdict),
    ];
    const unknown =
      result.verdict.status === 'unknown'
        ? { invariant: result.verdict.invariant, error: result.verdict.error }
        : undefined;
    const failed = violations.length > 0;
    outcomes.push({
      property: scenario.name,
      seed: options.seed,
      runs: 1,
      actions: evidence.actions.length,
      durationMs: options.now() - began,
      passed: !failed && unknown === undefined,
      interrupted: false,
      ...(unknown ? { unknown } : {}),
      faultKinds: Object.keys(fired) as PropertyOutcome<A>['faultKinds'],
      faults: fired,
      requiredFaults: [],
      latency: own.toSummary(),
      slos: [],
      exercised,
      ...(failed
        ? {
            failure: {
              property: scenario.name,
              seed: options.seed,
              path: '',
              runIndex: 0,
              shrinks: 0,
              report: {
                actions: evidence.actions,
                evidence,
                verdict: { status: 'fail' as const, violations },
                results: [],
              },
            },
          }
        : {}),
    });
    options.onScenario?.(scenario.name, !failed);
  }
  return {
    seed: options.seed,
    runs: scenarios.length,
    actions,
    durationMs: options.now() - started,
    interrupted: false,
    properties: outcomes,
    faults,
    unfired: [],
    exercised: coverage.ids(),
    latency: latency.toSummary(),
  };
}
