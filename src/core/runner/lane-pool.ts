import type { ActionBase } from '../model/action.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { TargetFactory } from '../model/target.ts';
import type { DomainMeasures } from '../report/domain-measures.ts';
import { isShakedownError } from '../shakedown-error.ts';
import type { ExecuteOptions } from './execute-run.ts';
import { judgeRun } from './judge-run.ts';
import { PoolSignal } from './pool-signal.ts';
import { judgementOf, type RunJudgement, thrownRunJudgement } from './run-judgement.ts';
import type { PropertyJob, RunPool, RunSettled, WorkerCrash } from './run-pool.ts';
import type { RunWatchdog } from './run-watchdog.ts';

/**
 * Builds lane `lane`'s target factory: a namespace of its own (its own venue, server, process or
 * URL), so that a run on one lane never sees another lane's runs. Called once per lane, on the
 * lane's first run; the pool disposes of what it built when it closes.
 */
export type LaneFactory<A> = (lane: number) => TargetFactory<A> | Promise<TargetFactory<A>>;

export interface LanePoolOptions<A> {
  /** Runs at once, each on its own lane. */
  lanes: number;
  laneFactory: LaneFactory<A>;
  clients: readonly string[];
  projection: Projection;
  /** Every invariant a property may name (a job names its own, looked up here). */
  invariants: readonly Invariant[];
  describeAction?: (action: A) => string;
  /** The surface items a run exercised (read when the job asks for them). */
  exercised?: (evidence: RunEvidence<A>) => Iterable<string>;
  /** The domain's measure of one run (read when the job asks for it). */
  measure?: (evidence: RunEvidence<A>) => DomainMeasures;
  /** Bounds each run on the wall clock (--run-timeout): a run still going then is judged `hang`. */
  watchdog?: RunWatchdog;
}

interface Lane<A> {
  index: number;
  factory?: Promise<TargetFactory<A>>;
}

/**
 * Up to `lanes` runs at once in this thread, each on a lane of its own: for targets whose runs
 * are bound by waiting (real sockets, generated gaps, quiet windows), not by CPU. Each run is
 * judged exactly as the campaign's thread judges it (judgeRun, then judgementOf: its
 * invariants, faults, latency, surface, measures and, when the campaign records, its events),
 * and the judgements go back in completion order; exploreInPool folds them in generation order
 * and drops those after the first failure, so the result is the one runs made one at a time
 * give, as long as a run's verdict depends only on its own lane. The main thread generates
 * (generates() is false) and shrinks on its own factory.
 *
 * A run is started as soon as a lane is free; submit() waits for one. A cut starts no more
 * runs: the ones in flight finish (nothing is queued behind them to skip).
 */
export class LanePool<A extends ActionBase> implements RunPool<A> {
  readonly size: number;
  private readonly lanes: Lane<A>[];
  private readonly free: Lane<A>[];
  private job: PropertyJob | undefined;
  private execute: ExecuteOptions | undefined;
  private onSettled: (settled: RunSettled) => void = () => {};
  private inFlight = 0;
  private isCut = false;
  private closed = false;
  private readonly signal = new PoolSignal();
  /** The most runs ever in flight at once (a test reads it: the lanes were used). */
  private peak = 0;

  constructor(private readonly options: LanePoolOptions<A>) {
    if (!Number.isInteger(options.lanes) || options.lanes < 1)
      throw new RangeError(`a lane pool needs a whole number of lanes >= 1, got ${options.lanes}`);
    this.size = options.lanes;
    this.lanes = Array.from({ length: options.lanes }, (_, index) => ({ index }));
    this.free = [...this.lanes];
  }

  async startProperty(job: PropertyJob, onJudgement: (settled: RunSettled) => void): Promise<void> {
    await this.drain();
    this.job = job;
    this.execute = this.executeOptionsOf(job);
    this.onSettled = onJudgement;
    this.isCut = false;
  }

  async submit(runIndex: number, actions: readonly A[]): Promise<void> {
    this.signal.throwIfFailed();
    if (this.closed) throw new Error('the lane pool is closed');
    if (this.isCut) {
      this.onSettled({ runIndex, skipped: true });
      return;
    }
    while (!this.signal.failure && this.free.length === 0) await this.signal.changed();
    this.signal.throwIfFailed();
    // The lowest free lane: which lane runs which run does not change what it says.
    this.free.sort((a, b) => a.index - b.index);
    const lane = this.free.shift() as Lane<A>;
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    void this.runOn(lane, runIndex, actions).finally(() => {
      this.inFlight--;
      this.free.push(lane);
      this.signal.wake();
    });
  }

  generates(): boolean {
    return false;
  }

  submitBlock(): Promise<void> {
    return Promise.reject(new Error('a lane pool does not generate runs: the campaign sends each one'));
  }

  cut(): void {
    this.isCut = true;
  }

  async drain(): Promise<void> {
    while (!this.signal.failure && this.inFlight > 0) await this.signal.changed();
    this.signal.throwIfFailed();
  }

  crashes(): readonly WorkerCrash[] {
    return [];
  }

  /** The most runs that were ever in flight at once. */
  peakInFlight(): number {
    return this.peak;
  }

  /** Waits for the runs in flight (or not, when `abandon` says so), then disposes of every lane's factory. */
  async close(options: { wait?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (options.wait !== false) {
      while (this.inFlight > 0) await this.signal.changed();
    }
    const built = this.lanes.flatMap((lane) => (lane.factory ? [lane.factory] : []));
    await Promise.all(
      built.map(async (made) => {
        const factory = await made.catch(() => undefined);
        await factory?.dispose?.();
      }),
    );
  }

  private factoryOf(lane: Lane<A>): Promise<TargetFactory<A>> {
    lane.factory ??= Promise.resolve().then(() => this.options.laneFactory(lane.index));
    return lane.factory;
  }

  /** Runs and judges one sequence on `lane`, as the campaign's thread would, and settles it. */
  private async runOn(lane: Lane<A>, runIndex: number, actions: readonly A[]): Promise<void> {
    const job = this.job as PropertyJob;
    const execute = this.execute as ExecuteOptions;
    const onSettled = this.onSettled;
    const events: RecordedEvent[] = [];
    const options = job.record ? { ...execute, sink: (event: RecordedEvent) => events.push(event) } : execute;
    const { exercised, measure } = this.options;
    let judgement: RunJudgement;
    try {
      const factory = await this.factoryOf(lane);
      const report = await judgeRun(factory, actions, options, job);
      judgement = judgementOf(runIndex, report, {
        slim: true,
        clients: this.options.clients,
        ...(job.exercised && exercised ? { exercised } : {}),
        ...(job.measure && measure ? { measure } : {}),
      });
      if (job.record) judgement = { ...judgement, events };
    } catch (error) {
      // A target that cannot be used, or a measure that threw: the campaign cannot go on.
      if (isShakedownError(error) || !(error instanceof Error)) {
        this.signal.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // A run that threw is a failing run, as on the campaign's thread.
      judgement = thrownRunJudgement(runIndex, actions.length);
    }
    onSettled(judgement);
  }

  /** How a property's runs execute here: its invariants found by name. */
  private executeOptionsOf(job: PropertyJob): ExecuteOptions {
    const byName = new Map(this.options.invariants.map((i) => [i.name, i]));
    const { watchdog, describeAction } = this.options;
    if (job.measure && !this.options.measure)
      throw new Error('the campaign measures its runs and the lane pool was given no measure');
    return {
      clients: this.options.clients,
      projection: this.options.projection,
      invariants: job.invariants.map((name) => {
        const invariant = byName.get(name);
        if (!invariant) throw new Error(`property ${job.property} names an unknown invariant ${name}`);
        return invariant;
      }),
      settings: job.settings,
      ...(watchdog ? { watchdog } : {}),
      ...(describeAction ? { describeAction: describeAction as (action: never) => string } : {}),
    };
  }
}
