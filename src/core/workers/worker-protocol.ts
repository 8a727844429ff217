import type { TargetSpec } from '../model/domain-pack.ts';
import type { RunReport } from '../runner/execute-run.ts';
import type { RunJudgement } from '../runner/run-judgement.ts';
import type { PropertyJob } from '../runner/run-pool.ts';

/** Which domain pack a worker loads, by module URL and export name (the core knows no domain). */
export interface PackReference {
  module: string;
  exportName: string;
}

/** A worker's workerData: what it builds its own target factory from. */
export interface WorkerInit {
  pack: PackReference;
  spec: TargetSpec;
  /** The pack's TargetOptions plus anything it reads beyond them (a config), as plain data. */
  targetOptions: Record<string, unknown>;
  /** Its slot in the pool (0 to size - 1; the pool deals each run or block to a slot with room). */
  worker: number;
  /** How many times this slot's worker was replaced after a crash. */
  incarnation: number;
  /**
   * Where the worker says what it is running, readable while its thread is stuck: an
   * Int32Array of PROGRESS_SLOTS, the run (PROGRESS_RUN) and the last step sent in it
   * (PROGRESS_STEP, -1 before the first). A run killed at the run timeout is named from it.
   */
  progress?: SharedArrayBuffer;
}

export const PROGRESS_RUN = 0;
export const PROGRESS_STEP = 1;
export const PROGRESS_SLOTS = 2;

/** Campaign thread to worker. */
export type ToWorker =
  /** `serial` numbers the properties a pool starts, so a cut names the one it ends. */
  | { type: 'property'; job: PropertyJob; serial: number }
  | { type: 'run'; runIndex: number; actions: unknown[] }
  | { type: 'block'; start: number; count: number; runs: number[] }
  /**
   * Handled on arrival, ahead of the queue: the property's time share is spent. The worker
   * finishes the run it is on and answers `skipped` for every run of that property it holds.
   */
  | { type: 'cut'; serial: number }
  /** One run judged in full, outside any property the pool runs (a worker-judge's shrink candidate). */
  | { type: 'judge'; id: number; job: PropertyJob; actions: unknown[] }
  | { type: 'close' };

/** An error that ends the campaign (the target cannot be used), as plain data. */
export interface WorkerError {
  code?: string;
  message: string;
  exitCode?: number;
  context?: Record<string, unknown>;
}

/** Worker to campaign thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'judged'; judgement: RunJudgement }
  /** Runs it held and did not start, after a cut, in the order they were sent. */
  | { type: 'skipped'; runs: number[] }
  /** The answer to `judge`: the whole report, its evidence included. */
  | { type: 'report'; id: number; report: RunReport<unknown> }
  | { type: 'fatal'; error: WorkerError }
  | { type: 'closed' };
