import { isFaultAction } from '../faults/fault.ts';
import { faultsApplied } from '../faults/faults-applied.ts';
import type { ActionBase } from '../model/action.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant, Verdict } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { PropertySettings } from '../model/property.ts';
import type { Target, TargetFactory } from '../model/target.ts';
import { EXIT, isShakedownError } from '../shakedown-error.ts';
import { checkInvariants, type InvariantResult } from './check-invariants.ts';
import { runActions } from './run-actions.ts';
import { hangVerdict, isRunHung } from './run-hang.ts';
import { armWatchdog, type RunWatchdog, untilTimedOut } from './run-watchdog.ts';
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
  /**
   * Bounds a run on real time by the wall clock (--run-timeout): past it the run is dropped
   * and its verdict is `hang`. A virtual run is bounded by its scheduler steps instead.
   */
  watchdog?: RunWatchdog;
  /** Bound on a virtual run's scheduled actions (settle.ts; default MAX_VIRTUAL_STEPS). */
  maxVirtualSteps?: number;
  /** Told each step as its action goes out (a worker shares it with the thread that may kill it). */
  onStep?: (step: number) => void;
  /** Words an action for a hang's message (the domain pack's describeAction). */
  describeAction?: (action: never) => string;
}

/** One action list, start to finish, on a fresh target from the factory; then the invariants. */
export async function executeRun<A extends ActionBase>(
  factory: TargetFactory<A>,
  actions: readonly A[],
  options: ExecuteOptions,
): Promise<RunReport<A>> {
  let lastStep: number | null = null;
  const hung = (reason: string): RunReport<A> => ({
    actions: [...actions],
    evidence: noEvidence(actions),
    verdict: hangVerdict(reason, lastStep, actions, options.describeAction as ((a: A) => string) | undefined),
    results: [],
  });
  const watch = armWatchdog(options.watchdog);
  const creating = factory.create({ actions });
  let target: Target<A>;
  try {
    target = await untilTimedOut(creating, watch.signal);
  } catch (error) {
    watch.disarm();
    if (!isRunHung(error)) throw error;
    // Made too late: it is stopped when it comes, and nothing waits for it.
    creating.then((late) => stopTarget(late, options.watchdog)).catch(() => undefined);
    return hung(error.reason);
  }
  // Virtual time is bounded by a count of steps, the same on every machine: not by the clock.
  if (target.virtual) watch.disarm();
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
          onStep: (step) => {
            lastStep = step;
            options.onStep?.(step);
          },
        }),
        {
          ...(watch.signal ? { signal: watch.signal } : {}),
          ...(options.maxVirtualSteps === undefined ? {} : { maxSteps: options.maxVirtualSteps }),
        },
      )) as RunEvidence<A>;
    } catch (error) {
      // A run that never ended (no answer, a scheduler that never drained): a failure, `hang`.
      if (isRunHung(error)) return hung(error.reason);
      // A run that broke down (a client could not log in, the venue never came back) proves
      // nothing either way: its verdict is unknown, with the reason. Errors that say the
      // target cannot be used at all still end the campaign.
      if (isShakedownError(error) && error.exitCode !== EXIT.failed) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return {
        actions: [...actions],
        evidence: noEvidence(actions),
        verdict: { status: 'unknown', invariant: 'run', error: reason },
        results: [],
      };
    }
    // A run with faults also checks that each was applied (core, whatever the property names).
    const invariants = hasFaults(actions) ? [...options.invariants, faultsApplied] : options.invariants;
    const { verdict, results } = checkInvariants(evidence, invariants);
    return { actions: [...actions], evidence, verdict, results };
  } finally {
    watch.disarm();
    await stopTarget(target, options.watchdog);
  }
}

/** The evidence of a run that left none (it broke down, or hung): its actions only. */
function noEvidence<A>(actions: readonly A[]): RunEvidence<A> {
  return { actions: [...actions], history: [], events: [], projections: {}, snapshot: undefined, extra: {} };
}

/**
 * Stops a run's target, within the watchdog's bound of its own: a target that hung may never
 * answer its stop either, and is then left to itself.
 */
async function stopTarget<A>(target: Target<A>, watchdog: RunWatchdog | undefined): Promise<void> {
  const watch = armWatchdog(target.virtual ? undefined : watchdog);
  try {
    await settle(target as never, target.stop(), watch.signal ? { signal: watch.signal } : {});
  } catch (error) {
    if (!isRunHung(error)) throw error;
  } finally {
    watch.disarm();
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
    if (report.verdict.status !== 'pass') return report;
  }
  return report ?? executeRun(factory, actions, options);
}

/** Whether a run's actions include faults (a run with faults is replayed with them). */
export function hasFaults(actions: readonly ActionBase[]): boolean {
  return actions.some(isFaultAction);
}
