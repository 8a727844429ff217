import type { FaultKind } from '../faults/fault.ts';
import type { Capability } from '../model/capabilities.ts';
import type { PropertySettings } from '../model/property.ts';
import type { RunJudgement } from './run-judgement.ts';

/** What a pool's workers need to judge one property's runs as the campaign would. */
export interface PropertyJob {
  property: string;
  /** The property's invariants, by name (each worker looks them up in its own domain pack). */
  invariants: readonly string[];
  settings: PropertySettings;
  checkEveryStep: boolean;
  checkDeterminism: boolean;
  /** Read each run's exercised surface items. */
  exercised: boolean;
  /** Send each run's recorded events back (the campaign streams them to its sink). */
  record: boolean;
  /**
   * Measure each judged run with the domain's report hook (the worker's own pack's
   * `report.measure`) and send the measures back in its judgement. Absent: nothing measured.
   */
  measure?: boolean;
  /**
   * Set when the workers generate the runs themselves (the property is the pack's own, found
   * by name): what its generator is built from, and the seed fast-check draws from.
   */
  generation?: {
    seed: number;
    maxActions: number;
    faults: readonly FaultKind[];
    /** The target's capabilities (GenerationContext.capabilities); absent: everything. */
    capabilities?: readonly Capability[];
    /** The system's configuration, plain data (GenerationContext.config); absent: the domain's default. */
    config?: unknown;
  };
}

/**
 * The job of a single saved run judged again as it is (a replay, a corpus file): the property's
 * invariants and settings, nothing generated, recorded, measured or checked twice.
 */
export function savedRunJob(
  property: string,
  invariants: readonly { name: string }[],
  settings: PropertySettings,
): PropertyJob {
  return {
    property,
    invariants: invariants.map((i) => i.name),
    settings,
    checkEveryStep: false,
    checkDeterminism: false,
    exercised: false,
    record: false,
  };
}

/** A worker that crashed: which one, on which run, and why. Its other runs went to its replacement. */
export interface WorkerCrash {
  worker: number;
  property: string;
  /** The run it was executing, reported with an unknown verdict. */
  runIndex: number | null;
  error: string;
}

/**
 * A run dealt to a worker and never started: the property's time share was spent before its
 * turn came (RunPool.cut). It is not a run of the campaign, and nothing is folded for it.
 */
export interface SkippedRun {
  runIndex: number;
  skipped: true;
}

/** What comes back for each run sent: its judgement, or word that it was skipped. */
export type RunSettled = RunJudgement | SkippedRun;

export function isSkipped(settled: RunSettled): settled is SkippedRun {
  return 'skipped' in settled && settled.skipped === true;
}

/**
 * Runs exploring sequences in parallel, on targets of their own. A run (or a block of runs)
 * goes to whichever worker has room for it: a run's judgement depends on the run alone, never
 * on which worker judged it. Judgements come back in completion order and the campaign folds
 * them in generation order, so the merged result is the sequential one.
 */
export interface RunPool<A> {
  readonly size: number;
  /**
   * Starts a property once the previous one's runs are all settled. Every run sent is
   * settled exactly once: judged, or skipped after a cut.
   */
  startProperty(job: PropertyJob, onJudgement: (settled: RunSettled) => void): Promise<void>;
  /** Sends one run to a worker with room for it; resolves once a worker has room for another. */
  submit(runIndex: number, actions: readonly A[]): Promise<void>;
  /**
   * Whether its workers can generate this property's runs (it is the pack's own, unchanged):
   * generation then leaves the campaign's thread too.
   */
  generates(property: string): boolean;
  /**
   * Sends block number `block` (runs `start` to `start + count - 1` in generation order) to a
   * worker with room for it (the one holding the fewest); it generates them (fast-check's path
   * to `start`, so each is the value a sequential campaign generates) and judges those listed in
   * `runs`. Resolves once a worker has room for another block.
   */
  submitBlock(block: number, start: number, count: number, runs: readonly number[]): Promise<void>;
  /**
   * The property's time share is spent: each worker finishes the run it is on and skips every
   * run of this property queued behind it (each reported as a SkippedRun), so the property
   * ends within one run per worker, whatever was dealt. Undone by the next startProperty.
   */
  cut(): void;
  /** Resolves once every submitted run is settled; rejects when the pool cannot go on. */
  drain(): Promise<void>;
  /** Crashes so far, in the order they happened. */
  crashes(): readonly WorkerCrash[];
}
