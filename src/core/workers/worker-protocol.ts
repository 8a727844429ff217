import type { TargetSpec } from '../model/domain-pack.ts';
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
  /** Its slot in the pool (runs with runIndex mod size == worker go to it). */
  worker: number;
  /** How many times this slot's worker was replaced after a crash. */
  incarnation: number;
}

/** Campaign thread to worker. */
export type ToWorker =
  | { type: 'property'; job: PropertyJob }
  | { type: 'run'; runIndex: number; actions: unknown[] }
  | { type: 'block'; start: number; count: number; runs: number[] }
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
  | { type: 'fatal'; error: WorkerError }
  | { type: 'closed' };
