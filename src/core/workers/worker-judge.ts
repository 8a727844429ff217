import type { Worker } from 'node:worker_threads';
import type { ActionBase } from '../model/action.ts';
import type { TargetSpec } from '../model/domain-pack.ts';
import type { RunReport } from '../runner/execute-run.ts';
import type { IsolatedJudge } from '../runner/isolated-judge.ts';
import { hangVerdict, timeoutReason } from '../runner/run-hang.ts';
import type { PropertyJob } from '../runner/run-pool.ts';
import { spawnTsWorker } from './spawn-ts-worker.ts';
import { workerError } from './worker-pool.ts';
import {
  type FromWorker,
  type PackReference,
  PROGRESS_RUN,
  PROGRESS_SLOTS,
  PROGRESS_STEP,
  type ToWorker,
  type WorkerInit,
} from './worker-protocol.ts';

export interface WorkerJudgeOptions<A> {
  pack: PackReference;
  spec: TargetSpec;
  targetOptions: Record<string, unknown>;
  /** The run timeout: a run still going then has its thread terminated and is judged `hang`. */
  runTimeoutMs: number;
  /** The wall-clock timer, injected (the CLI passes setTimeout): calls `fn` after `ms`, returns its cancel. */
  setTimer: (ms: number, fn: () => void) => () => void;
  /** Words an action for a hang's message (the domain pack's describeAction). */
  describeAction?: (action: A) => string;
  /** How the worker is started; the default loads campaign-worker.ts through tsx. */
  spawn?: (init: WorkerInit) => Worker;
}

interface Running {
  worker: Worker;
  progress: Int32Array;
  ready: Promise<void>;
  /** The run it is on, answered by `report` (or by its death). */
  pending?: { id: number; settle: (outcome: Outcome) => void };
  /** Terminated on purpose (a hang, or closing): its exit is expected. */
  dropped: boolean;
  exited: boolean;
}

/** How a run sent to the thread ended. */
type Outcome = { report: RunReport<unknown> } | { error: Error } | { crashed: string } | 'hang';

const WORKER_ENTRY = new URL('./campaign-worker.ts', import.meta.url);

/**
 * Judges one sequence at a time in a worker thread of its own, where a run can be killed:
 * a run still going at the run timeout (a target that never answers, or code stuck in a
 * synchronous loop) has its thread terminated and is judged `hang`, naming the last action
 * the worker had sent (it writes each step to shared memory, readable while it is stuck); the
 * next run gets a fresh thread. The thread is started on the first run and its start-up is
 * not timed. A campaign against an adapter module shrinks its failures here (IsolatedJudge).
 */
export class WorkerJudge<A extends ActionBase> implements IsolatedJudge<A> {
  private running: Running | undefined;
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private incarnation = 0;

  constructor(private readonly options: WorkerJudgeOptions<A>) {}

  judge(job: PropertyJob, actions: readonly A[]): Promise<RunReport<A>> {
    const turn = this.queue.then(() => this.judgeNow(job, actions));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Stops the thread: asked to release its target first, terminated if it does not in time. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    running.dropped = true;
    if (running.exited) return;
    const exited = new Promise<void>((resolve) => running.worker.once('exit', () => resolve()));
    try {
      running.worker.postMessage({ type: 'close' } satisfies ToWorker);
    } catch {
      // Already gone.
    }
    let cancel: (() => void) | undefined;
    const late = new Promise<void>((resolve) => {
      cancel = this.options.setTimer(5000, resolve);
    });
    await Promise.race([exited, late]);
    cancel?.();
    await running.worker.terminate();
  }

  private async judgeNow(job: PropertyJob, actions: readonly A[]): Promise<RunReport<A>> {
    if (this.closed) throw new Error('the worker judge is closed');
    const running = this.running ?? this.start();
    await running.ready;
    const id = ++this.nextId;
    const outcome = await new Promise<Outcome>((resolve) => {
      const cancel = this.options.setTimer(this.options.runTimeoutMs, () => resolve('hang'));
      running.pending = {
        id,
        settle: (settled) => {
          cancel();
          resolve(settled);
        },
      };
      running.worker.postMessage({ type: 'judge', id, job, actions: [...actions] } satisfies ToWorker);
    });
    running.pending = undefined;
    if (outcome === 'hang') {
      const step =
        Atomics.load(running.progress, PROGRESS_RUN) === id
          ? Atomics.load(running.progress, PROGRESS_STEP)
          : -1;
      this.drop(running);
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
        verdict: hangVerdict(
          timeoutReason(this.options.runTimeoutMs),
          step < 0 ? null : step,
          actions,
          this.options.describeAction,
        ),
        results: [],
      };
    }
    if ('error' in outcome) throw outcome.error;
    if ('crashed' in outcome)
      // A crash is not the run's failure: the run proves nothing either way.
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
        verdict: {
          status: 'unknown',
          invariant: 'worker',
          error: `the worker judging it crashed while running it: ${outcome.crashed}`,
        },
        results: [],
      };
    return outcome.report as RunReport<A>;
  }

  /** Terminates a thread that hung; the next run starts a fresh one. */
  private drop(running: Running): void {
    running.dropped = true;
    if (this.running === running) this.running = undefined;
    running.worker.terminate().catch(() => undefined);
  }

  private start(): Running {
    const progress = new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const init: WorkerInit = {
      pack: this.options.pack,
      spec: this.options.spec,
      targetOptions: this.options.targetOptions,
      worker: 0,
      incarnation: this.incarnation++,
      progress,
    };
    const worker = this.options.spawn ? this.options.spawn(init) : spawnTsWorker(WORKER_ENTRY, init);
    let markReady: () => void = () => {};
    let failStart: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    const running: Running = {
      worker,
      progress: new Int32Array(progress),
      ready,
      dropped: false,
      exited: false,
    };
    this.running = running;
    let started = false;
    const lost = (reason: string): void => {
      if (running.dropped) return;
      running.dropped = true;
      if (this.running === running) this.running = undefined;
      if (!started) failStart(new Error(`the worker judging runs did not start: ${reason}`));
      running.pending?.settle({ crashed: reason });
    };
    worker.on('message', (message: FromWorker) => {
      if (running.dropped) return;
      if (message.type === 'ready') {
        started = true;
        markReady();
      } else if (message.type === 'report') {
        if (running.pending?.id === message.id) running.pending.settle({ report: message.report });
      } else if (message.type === 'fatal') {
        const error = workerError(message.error);
        if (!started) {
          running.dropped = true;
          this.running = undefined;
          failStart(error);
        } else running.pending?.settle({ error });
      }
    });
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => {
      running.exited = true;
      lost(`it exited with code ${code}`);
    });
    return running;
  }
}
