import { countFaults, type FaultCounts, faultRecordsOf } from '../faults/fault-record.ts';
import type { ActionBase } from '../model/action.ts';
import type { Operation, RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Verdict } from '../model/invariant.ts';
import type { DomainMeasures } from '../report/domain-measures.ts';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import type { RunReport } from './execute-run.ts';
import { failureSignature } from './failure-signature.ts';

/**
 * One invariant's report on one run: `checked` is how many things it examined (0: nothing to
 * check), or null when the invariant does not report it. Only invariants that were judged
 * appear: a run that broke down judged none.
 */
export interface InvariantCheck {
  name: string;
  checked: number | null;
}

/**
 * What a campaign keeps of one exploring run: its verdict and what the tallies read. Plain
 * data, so a worker thread can send it back, and the campaign folds it the same way whichever
 * thread ran it.
 */
export interface RunJudgement {
  /** The run's place in generation order. */
  runIndex: number;
  /** How many actions it ran. */
  actions: number;
  status: Verdict['status'];
  /** Set when the status is unknown: which checker (or `run`, `worker`) and why. */
  unknown?: { invariant: string; error: string };
  /** Set when it failed or hung: which failure it is (failure-signature.ts), for --keep-going. */
  signature?: string;
  faults: FaultCounts;
  /** The operations, for the latency tally (a worker sends only the fields it reads). */
  operations: readonly Operation[];
  /** Surface items the run exercised. */
  exercised: readonly string[];
  /** Its recorded events, when a worker ran it and the campaign records (a sink). */
  events?: readonly RecordedEvent[];
  /** The run's actions, when a worker generated them (the campaign reports them with onRun). */
  generated?: readonly unknown[];
  /** What each invariant judged on it had to check (absent: none judged, as after a crash). */
  invariants?: readonly InvariantCheck[];
  /**
   * What the domain measured on it (DomainPack.report.measure), plain data. Absent when the
   * campaign measures nothing, and for a run that hung or whose verdict is unknown: such a
   * run's evidence is cut short or untrusted, and it adds nothing to the campaign's figures.
   */
  measures?: DomainMeasures;
}

/**
 * The judgement of a run whose execution threw (not a ShakedownError, which ends the campaign):
 * a failing run, as fast-check takes a throwing predicate on the campaign's thread; the
 * campaign's shrinking meets the same error again. Used by every pool, so a run that throws
 * counts alike on whichever thread or lane ran it.
 */
export function thrownRunJudgement(runIndex: number, actions: number): RunJudgement {
  return { runIndex, actions, status: 'fail', faults: {}, operations: [], exercised: [] };
}

export interface JudgementOptions<A> {
  exercised?: (evidence: RunEvidence<A>) => Iterable<string>;
  /** Keep only what crosses a thread: the operation fields the latency tally reads. */
  slim?: boolean;
  /** The run's client names, made alike in a failure's signature (failure-signature.ts). */
  clients?: readonly string[];
  /** The domain's measure of one run (DomainPack.report.measure): read off a judged run's evidence. */
  measure?: (evidence: RunEvidence<A>) => DomainMeasures;
}

export function judgementOf<A extends ActionBase>(
  runIndex: number,
  report: RunReport<A>,
  options: JudgementOptions<A> = {},
): RunJudgement {
  const { verdict, evidence } = report;
  const history = evidence.history as readonly Operation[];
  const signature = failureSignature(verdict, options.clients);
  return {
    runIndex,
    actions: report.actions.length,
    status: verdict.status,
    ...(verdict.status === 'unknown'
      ? { unknown: { invariant: verdict.invariant, error: verdict.error } }
      : {}),
    ...(signature === undefined ? {} : { signature }),
    faults: countFaults(faultRecordsOf(evidence.extra)),
    operations: options.slim ? history.map(slimOperation) : history,
    exercised: options.exercised ? [...options.exercised(evidence)] : [],
    invariants: report.results.map((r) => ({ name: r.name, checked: r.checked ?? null })),
    ...(options.measure && measured(verdict.status)
      ? { measures: measureRun(options.measure, evidence, runIndex) }
      : {}),
  };
}

/**
 * The domain's measure of one run. Its hook throwing is a fault of the domain's code, not of
 * the run: it ends the campaign (SHK_MEASURE_FAILED) rather than pass for the run's failure.
 */
function measureRun<A>(
  measure: (evidence: RunEvidence<A>) => DomainMeasures,
  evidence: RunEvidence<A>,
  runIndex: number,
): DomainMeasures {
  try {
    return measure(evidence);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ShakedownError(
      'SHK_MEASURE_FAILED',
      `the domain's report hook could not measure run ${runIndex}: ${reason}`,
      {
        exitCode: EXIT.unreachable,
        context: { runIndex },
      },
    );
  }
}

/** Only a run that was judged to the end (passed or failed) is measured. */
function measured(status: Verdict['status']): boolean {
  return status === 'pass' || status === 'fail';
}

/** An operation cut down to what LatencyTally.recordOperations reads. */
function slimOperation(op: Operation): Operation {
  const { kind, expectRefusal } = (op.action ?? {}) as { kind?: unknown; expectRefusal?: unknown };
  return {
    step: op.step,
    client: op.client,
    action: expectRefusal === true ? { kind, expectRefusal } : { kind },
    invokedAt: op.invokedAt,
    ...(op.completedAt === undefined ? {} : { completedAt: op.completedAt }),
    ...(op.reply ? { reply: { status: op.reply.status } as Operation['reply'] } : {}),
  };
}
