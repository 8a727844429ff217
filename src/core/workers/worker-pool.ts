import type { Worker } from 'node:worker_threads';
import type { TargetSpec } from '../model/domain-pack.ts';
import { PoolSignal } from '../runner/pool-signal.ts';
import { HANG_INVARIANT } from '../runner/run-hang.ts';
import type { RunJudgement } from '../runner/run-judgement.ts';
import type { PropertyJob, RunPool, RunSettled, WorkerCrash } from '../runner/run-pool.ts';
import { EXIT, type ExitCode, ShakedownError } from '../shakedown-error.ts';
import { InThreadWorker } from './in-thread-worker.ts';
import { spawnTsWorker } from './spawn-ts-worker.ts';
import { bundleStillThere, spawnBundledWorker, type WorkerBundle, workerBundleFor } from './worker-bundle.ts';
import type { FromWorker, PackReference, ToWorker, WorkerError, WorkerInit } from './worker-protocol.ts';

export interface WorkerPoolOptions {
  size: number;
  pack: PackReference;
  spec: TargetSpec;
  targetOptions: Record<string, unknown>;
  /** Runs in flight per worker: the one it runs and the next, already there when it is done. */
  depth?: number;
  /** Crashes one slot may have before the pool gives up (each gets a fresh worker). */
  maxCrashes?: number;
  /**
   * How a worker is started; the default loads campaign-worker.ts from a fresh bundle of it
   * when one serves the pack (worker-bundle.ts), else from the sources through the loader hooks.
   */
  spawn?: (init: WorkerInit) => Worker;
  /**
   * The last slot runs on the campaign's own thread (InThreadWorker) instead of a worker thread
   * of its own: one thread fewer to start and to warm up, and runs are judged from the first
   * moment, while the workers start. Only for targets whose runs cannot hang the thread (it
   * cannot be killed at the run timeout): the in-process venue on virtual time. Default: on
   * for an `inproc` target started by the pool itself (no `spawn`), off otherwise.
   */
  inThread?: boolean;
  /** Properties the workers generate themselves: the pack's own, by name, used unchanged. */
  generates?: readonly string[];
  /**
   * The run timeout (--run-timeout), timed on `setTimer` from when a worker starts a run: a
   * run still going then (a target that never answers, a thread stuck in a loop) has its worker
   * terminated and is judged `hang`; the runs queued behind it go to a fresh worker. Both or
   * neither: without them a run may take as long as it takes.
   */
  runTimeoutMs?: number;
  setTimer?: (ms: number, fn: () => void) => () => void;
}

interface Sent {
  runIndex: number;
  /** Kept until judged: a crash sends the queued ones again to the replacement. */
  actions?: readonly unknown[];
  /** The block it was generated in, when the worker generates (resent as a block). */
  block?: { start: number; count: number; last: boolean };
}

interface Slot {
  index: number;
  incarnation: number;
  worker: Worker;
  /** Runs sent and not judged, oldest first: the first is the one running. */
  inflight: Sent[];
  /** Blocks sent and not wholly judged. */
  blocks: number;
  /** Its thread has ended (crashed, or closed). */
  exited: boolean;
  crashes: number;
  /** Its worker has built its target factory: the runs it holds are being run. */
  ready: boolean;
  /** Terminated for a hang: what it still says or does is ignored, its exit is no crash. */
  killed: boolean;
  /** The run the watchdog times (the head of inflight), and how to disarm it. */
  watched?: { runIndex: number; disarm: () => void };
}

const WORKER_ENTRY = new URL('./campaign-worker.ts', import.meta.url);

/**
 * Worker threads, one target factory each, that judge a campaign's exploring runs. A crash is
 * data, not a lost run: the run the worker was executing is reported with an unknown verdict
 * (it is the suspect), the ones queued behind it go to a fresh worker in the same slot, and
 * the crash is listed in the result. A slot that keeps crashing ends the campaign.
 */
export class WorkerPool<A> implements RunPool<A> {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly options: Required<
    Omit<WorkerPoolOptions, 'spawn' | 'generates' | 'runTimeoutMs' | 'setTimer' | 'inThread'>
  > &
    Pick<WorkerPoolOptions, 'spawn' | 'generates' | 'runTimeoutMs' | 'setTimer' | 'inThread'>;
  private readonly crashList: WorkerCrash[] = [];
  private job: PropertyJob | undefined;
  /** Numbers the properties started: a cut names the one it ends. */
  private serial = 0;
  /** The property that was cut, if it is the current one. */
  private cutSerial = -1;
  /** The most runs ever sent and not settled, over all workers together. */
  private peak = 0;
  private onJudgement: (settled: RunSettled) => void = () => {};
  private readonly signal = new PoolSignal();
  private closing = false;

  private constructor(
    options: WorkerPoolOptions,
    /** Where its worker threads start from, when not from the sources (worker-bundle.ts). */
    private readonly bundle: WorkerBundle | undefined,
  ) {
    this.size = options.size;
    this.options = { depth: 8, maxCrashes: 3, ...options };
  }

  /**
   * Starts every worker and waits until each has built its target factory. With `inThread`,
   * waits only for the slot on this thread: the runs dealt to the worker threads wait in their
   * ports while they start, and one that cannot start fails the pool (its error is thrown by the
   * next submit, submitBlock or drain).
   */
  static async start<A>(options: WorkerPoolOptions): Promise<WorkerPool<A>> {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new ShakedownError('SHK_USAGE', `--workers: expected a whole number >= 1, got ${options.size}`);
    // Started by the pool itself, the worker threads load a bundle of the worker when a fresh one
    // serves the pack (a quarter of the CPU a start from the sources takes, and sooner at work).
    const bundle = options.spawn ? undefined : await workerBundleFor(options.pack.module, options.spec);
    const pool = new WorkerPool<A>(options, bundle);
    const ready = Array.from({ length: options.size }, (_, index) => pool.spawnSlot(index));
    const awaited = pool.inThread() ? ready.slice(-1) : ready;
    for (const starting of ready.slice(0, ready.length - awaited.length))
      starting.catch((error: Error) => pool.signal.fail(error));
    try {
      await Promise.all(awaited);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  crashes(): readonly WorkerCrash[] {
    return this.crashList;
  }

  async startProperty(job: PropertyJob, onJudgement: (settled: RunSettled) => void): Promise<void> {
    await this.drain();
    this.job = job;
    this.serial++;
    this.onJudgement = onJudgement;
    for (const slot of this.slots) this.post(slot, { type: 'property', job, serial: this.serial });
  }

  /**
   * The most runs the pool ever held sent and not settled, all workers together: bounded by
   * size x depth (runs sent one by one) or size x 2 blocks, whatever the run count (a run or
   * a block is sent only while some worker has room for it).
   */
  peakInFlight(): number {
    return this.peak;
  }

  cut(): void {
    if (this.cutSerial === this.serial) return;
    this.cutSerial = this.serial;
    for (const slot of this.slots) if (!slot.exited) this.post(slot, { type: 'cut', serial: this.serial });
  }

  async submit(runIndex: number, actions: readonly A[]): Promise<void> {
    this.signal.throwIfFailed();
    // Whoever holds the fewest runs takes the next one: a worker slowed down (its thread
    // descheduled, a long collection) does not hold up the others. Which worker judges a run
    // does not change its judgement, and the campaign folds them in generation order.
    const slot = this.leastBusy((s) => [s.inflight.length]);
    slot.inflight.push({ runIndex, actions });
    this.notePeak();
    this.post(slot, { type: 'run', runIndex, actions: actions as unknown[] });
    this.watch(slot);
    while (!this.signal.failure && this.slots.every((s) => s.inflight.length >= this.options.depth))
      await this.signal.changed();
    this.signal.throwIfFailed();
  }

  generates(property: string): boolean {
    return this.options.generates?.includes(property) === true;
  }

  async submitBlock(_block: number, start: number, count: number, runs: readonly number[]): Promise<void> {
    this.signal.throwIfFailed();
    if (runs.length === 0) return;
    // The block goes to whoever holds the fewest blocks (then the fewest runs): a free worker
    // takes the next block, so the workers end a property together and a slow one is not
    // waited for. (Each block is generated from its own place in the seed's stream, so who
    // judges it changes nothing; the block number orders nothing here.)
    const slot = this.leastBusy((s) => [s.blocks, s.inflight.length]);
    for (const [i, runIndex] of runs.entries())
      slot.inflight.push({ runIndex, block: { start, count, last: i === runs.length - 1 } });
    slot.blocks++;
    this.notePeak();
    this.post(slot, { type: 'block', start, count, runs: [...runs] });
    this.watch(slot);
    // One block running and one waiting behind it, in every worker: none idles between blocks.
    // (The slots are read again each time: a worker replaced after a crash or a hang is a new slot.)
    while (!this.signal.failure && this.slots.every((s) => s.blocks >= 2)) await this.signal.changed();
    this.signal.throwIfFailed();
  }

  async drain(): Promise<void> {
    while (!this.signal.failure && this.slots.some((slot) => slot.inflight.length > 0))
      await this.signal.changed();
    this.signal.throwIfFailed();
  }

  /** Asks every worker to release its targets and stop; terminates any that does not. */
  async close(): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) slot.watched?.disarm();
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.exited) return;
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        try {
          slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
        } catch {
          // Already gone.
        }
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 5000);
          timer.unref();
        });
        await Promise.race([exited, late]);
        clearTimeout(timer);
        await slot.worker.terminate();
      }),
    );
    this.signal.wake();
  }

  /** Starts (or restarts) the worker of one slot; resolves once it is ready. */
  private spawnSlot(index: number, previous?: Slot): Promise<void> {
    const incarnation = previous ? previous.incarnation + 1 : 0;
    const init: WorkerInit = {
      pack: this.options.pack,
      spec: this.options.spec,
      targetOptions: this.options.targetOptions,
      worker: index,
      incarnation,
    };
    const here = this.inThread() && index === this.size - 1;
    const worker = here
      ? new InThreadWorker(init).asWorker()
      : this.options.spawn
        ? this.options.spawn(init)
        : this.bundle && bundleStillThere(this.bundle)
          ? spawnBundledWorker(this.bundle, init)
          : spawnTsWorker(WORKER_ENTRY, init);
    const slot: Slot = {
      index,
      incarnation,
      worker,
      inflight: previous?.inflight ?? [],
      blocks: previous?.blocks ?? 0,
      exited: false,
      crashes: previous?.crashes ?? 0,
      ready: false,
      killed: false,
    };
    this.slots[index] = slot;
    let gone = false;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const lost = (reason: string): void => {
        if (gone || slot.killed) return;
        gone = true;
        if (!ready) reject(workerError({ message: `worker ${index} did not start: ${reason}` }));
        else if (!this.closing) this.crashed(slot, reason);
      };
      worker.on('message', (message: FromWorker) => {
        if (slot.killed) return;
        if (message.type === 'ready') {
          ready = true;
          slot.ready = true;
          resolve();
          this.watch(slot);
        } else if (message.type === 'judged') this.judged(slot, message.judgement);
        else if (message.type === 'skipped') this.skipped(slot, message.runs);
        else if (message.type === 'fatal') {
          if (!ready) {
            gone = true;
            reject(workerError(message.error));
          } else this.signal.fail(workerError(message.error));
        }
      });
      worker.on('error', (error) => lost(error.message));
      worker.on('exit', (code) => {
        slot.exited = true;
        lost(`it exited with code ${code}`);
      });
    });
  }

  private judged(slot: Slot, judgement: RunJudgement): void {
    const head = slot.inflight[0];
    if (head?.runIndex !== judgement.runIndex) {
      this.signal.fail(
        new Error(`worker ${slot.index} answered run ${judgement.runIndex}, expected ${head?.runIndex}`),
      );
      return;
    }
    slot.inflight.shift();
    if (head.block?.last) slot.blocks--;
    this.watch(slot);
    this.onJudgement(judgement);
    this.signal.wake();
  }

  /** Runs a worker dropped after a cut: settled, with nothing to fold. */
  private skipped(slot: Slot, runs: readonly number[]): void {
    for (const runIndex of runs) {
      const head = slot.inflight[0];
      if (head?.runIndex !== runIndex) {
        this.signal.fail(
          new Error(`worker ${slot.index} skipped run ${runIndex}, expected ${head?.runIndex}`),
        );
        return;
      }
      slot.inflight.shift();
      if (head.block?.last) slot.blocks--;
      this.onJudgement({ runIndex, skipped: true });
    }
    this.watch(slot);
    this.signal.wake();
  }

  /**
   * Times the run a ready worker is on (the head of its queue), from the moment it started it:
   * the previous run's answer, or the run arriving at an idle worker.
   */
  private watch(slot: Slot): void {
    const { runTimeoutMs, setTimer } = this.options;
    if (runTimeoutMs === undefined || setTimer === undefined) return;
    const head = slot.inflight[0];
    if (slot.watched && slot.watched.runIndex === head?.runIndex) return;
    slot.watched?.disarm();
    slot.watched = undefined;
    if (!head || !slot.ready || slot.exited || slot.killed || this.closing) return;
    const runIndex = head.runIndex;
    slot.watched = { runIndex, disarm: setTimer(runTimeoutMs, () => this.hung(slot, runIndex)) };
  }

  /**
   * A run went past the run timeout: its worker is terminated (a loop in the target ends only
   * so), the run is judged `hang`, and the runs queued behind it go to a fresh worker in the
   * same slot. A hang is the target's failure, not the worker's: it counts as no crash.
   */
  private hung(slot: Slot, runIndex: number): void {
    if (this.slots[slot.index] !== slot || slot.killed || slot.exited || this.closing) return;
    if (slot.inflight[0]?.runIndex !== runIndex) return;
    slot.watched = undefined;
    slot.killed = true;
    const suspect = slot.inflight.shift() as Sent;
    if (suspect.block?.last) slot.blocks--;
    slot.worker.terminate().catch(() => undefined);
    this.onJudgement({
      runIndex,
      actions: suspect.actions?.length ?? 0,
      status: 'hang',
      signature: HANG_INVARIANT,
      faults: {},
      operations: [],
      exercised: [],
    });
    this.replace(slot);
    this.signal.wake();
  }

  /** Whether the last slot runs on this thread (WorkerPoolOptions.inThread). */
  private inThread(): boolean {
    return this.options.inThread ?? (this.options.spec.kind === 'inproc' && this.options.spawn === undefined);
  }

  /** The slot whose `load` is least (compared key by key), the lowest index among equals. */
  private leastBusy(load: (slot: Slot) => readonly number[]): Slot {
    let best = this.slots[0] as Slot;
    let least = load(best);
    for (const slot of this.slots) {
      const keys = load(slot);
      const i = keys.findIndex((key, k) => key !== least[k]);
      if (i >= 0 && (keys[i] as number) < (least[i] as number)) {
        best = slot;
        least = keys;
      }
    }
    return best;
  }

  private notePeak(): void {
    let held = 0;
    for (const slot of this.slots) held += slot.inflight.length;
    this.peak = Math.max(this.peak, held);
  }

  private crashed(slot: Slot, reason: string): void {
    const suspect = slot.inflight.shift();
    if (suspect?.block?.last) slot.blocks--;
    slot.crashes++;
    this.crashList.push({
      worker: slot.index,
      property: this.job?.property ?? '',
      runIndex: suspect?.runIndex ?? null,
      error: reason,
    });
    if (suspect)
      this.onJudgement({
        runIndex: suspect.runIndex,
        actions: suspect.actions?.length ?? 0,
        status: 'unknown',
        unknown: { invariant: 'worker', error: `worker ${slot.index} crashed while running it: ${reason}` },
        faults: {},
        operations: [],
        exercised: [],
      });
    if (slot.crashes >= this.options.maxCrashes) {
      this.signal.fail(
        new ShakedownError(
          'SHK_WORKER_CRASHED',
          `worker ${slot.index} crashed ${slot.crashes} times (last: ${reason}); rerun with --workers 1 to see the error in the campaign's own thread`,
          { exitCode: EXIT.unreachable, context: { worker: slot.index, crashes: this.crashList } },
        ),
      );
      return;
    }
    this.replace(slot);
    this.signal.wake();
  }

  /**
   * A fresh worker for a slot whose worker is gone: the queued runs still have to be judged, and
   * it takes them, in order, once it knows the property (messages wait in its port until it listens).
   */
  private replace(slot: Slot): void {
    slot.watched?.disarm();
    const queued = [...slot.inflight];
    this.spawnSlot(slot.index, slot).catch((error: Error) => this.signal.fail(error));
    const fresh = this.slots[slot.index];
    if (this.job) this.post(fresh, { type: 'property', job: this.job, serial: this.serial });
    for (const message of resend(queued)) this.post(fresh, message);
    if (this.cutSerial === this.serial) this.post(fresh, { type: 'cut', serial: this.serial });
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }
}

/** The queued runs as messages again: single runs as they were, block runs grouped by block. */
function resend(queued: readonly Sent[]): ToWorker[] {
  const messages: ToWorker[] = [];
  for (const sent of queued) {
    if (sent.actions) {
      messages.push({ type: 'run', runIndex: sent.runIndex, actions: [...sent.actions] });
      continue;
    }
    const block = sent.block as NonNullable<Sent['block']>;
    const last = messages.at(-1);
    if (last?.type === 'block' && last.start === block.start) last.runs.push(sent.runIndex);
    else messages.push({ type: 'block', start: block.start, count: block.count, runs: [sent.runIndex] });
  }
  return messages;
}

export function workerError(error: WorkerError): Error {
  if (error.code)
    return new ShakedownError(error.code, error.message, {
      exitCode: (error.exitCode ?? EXIT.usage) as ExitCode,
      context: error.context ?? {},
    });
  return new ShakedownError('SHK_WORKER_FAILED', error.message, { exitCode: EXIT.unreachable });
}
