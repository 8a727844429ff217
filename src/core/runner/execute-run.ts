import { isFaultAction } from '../faults/fault.ts';
import { faultsApplied } from '../faults/faults-applied.ts';
import type { ActionBase } from '../model/action.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant, Verdict } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { PropertySettings } from '../model/property.ts';
import type { TargetFactory } from '../model/target.ts';
import { EXIT, isShakedownError } from '../shakedown-error.ts';
import { checkInvariants, type InvariantResult } from './check-invariants.ts';
import { runActions } from './run-actions.ts';
import { settle } from './settle.ts';

export interface RunReport<A> {
  actions: A[];
  evidence: RunEvidence<A>;
  verdict: Verdict;
  results: InvariantResult[];
}

/** The options every run of a property shares. */
export interface ExecuteOptions {
  clients: readonly string[];
  projection: Projection;
  invariants: readonly Invariant[];
  settings: PropertySettings;
  sink?: (event: RecordedEvent) => void;
}

/** One action list, start to finish, on a fresh target from the factory; then the invariants. */
export async function executeRun<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  options: ExecuteOptions,
): Promise<RunReport<A>> {
  const target = await factory.create();
  try {
    let evidence: RunEvidence<A>;
    try {
      evidence = (await settle(
        target as never,
        runActions(target, actions, {
          clients: options.clients,
          projection: options.projection,
          quietMs: options.settings.quietMs,
          ...(options.sink ? { sink: options.sink } : {}),
        }),
      )) as RunEvidence<A>;
    } catch (error) {
      // A run that broke down (a client could not log in, the venue never came back) proves
      // nothing either way: its verdict is unknown, with the reason. Errors that say the
      // target cannot be used at all still end the campaign.
      if (isShakedownError(error) && error.exitCode !== EXIT.failed) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return {
        actions: [...actions],
        evidence: {
          actions: [...actions],
          history: [],
          events: [],
          projections: {},
          snapshot: undefined,
          extra: {},
        },
        verdict: { status: 'unknown', invariant: 'run', error: reason },
        results: [],
      };
    }
    // A run with faults also checks that each was applied (core, whatever the property names).
    const invariants = hasFaults(actions) ? [...options.invariants, faultsApplied] : options.invariants;
    const { verdict, results } = checkInvariants(evidence, invariants);
    return { actions: [...actions], evidence, verdict, results };
  } finally {
    await settle(target as never, target.stop());
  }
}

/**
 * Checks the invariants after every step: the state "after step k" is the state a fresh target
 * reaches from the first k actions once quiet, so each prefix runs on its own target (cheap
 * in-process, and exact: actions are pipelined, so a live run has no such instant). Stops at
 * the first prefix that breaks an invariant and says after which step.
 */
export async function executeEveryStep<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  options: ExecuteOptions,
): Promise<RunReport<A>> {
  let report: RunReport<A> | undefined;
  for (let k = 1; k <= actions.length; k++) {
    report = await executeRun(factory, actions.slice(0, k), options);
    if (report.verdict.status === 'fail') {
      const step = k - 1;
      const violations = report.verdict.violations.map((v) => ({
        ...v,
        message: `after step ${step}: ${v.message}`,
      }));
      return { ...report, verdict: { status: 'fail', violations } };
    }
    if (report.verdict.status === 'unknown') return report;
  }
  return report ?? executeRun(factory, actions, options);
}

/** Whether a run's actions include faults (a run with faults is replayed with them). */
export function hasFaults(actions: readonly ActionBase[]): boolean {
  return actions.some(isFaultAction);
}
