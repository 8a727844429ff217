import type { RecordedEvent } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import { replayOrdered } from './ordered-replay.ts';
import {
  compareViews,
  replayShuffled,
  type ShuffledReplayOptions,
  type ShuffleMode,
  type ViewDifference,
} from './shuffled-replay.ts';

export interface ConvergenceOptions extends ShuffledReplayOptions {
  /** How many differing paths to name at most (default 10). */
  maxDifferences?: number;
}

export interface ConvergenceReport {
  converged: boolean;
  seed: number;
  mode: ShuffleMode;
  events: number;
  /** Empty when converged; otherwise the first differing paths, client by client. */
  differences: ViewDifference[];
}

/**
 * Does the projection reach the same views when the events arrive in another order? Folds
 * the events in gseq order and in a seeded shuffle and compares the two sets of views. A
 * projection that only converges under 'interleave' depends on cross-stream order alone.
 */
export function checkConvergence<E, V>(
  events: readonly RecordedEvent<E>[],
  projection: Projection<E, V>,
  options: ConvergenceOptions,
): ConvergenceReport {
  const mode = options.mode ?? 'interleave';
  const ordered = replayOrdered(events, projection, options.clients);
  const shuffled = replayShuffled(events, projection, { ...options, mode });
  const differences = compareViews(ordered, shuffled, projection, { maxDifferences: options.maxDifferences });
  return {
    converged: differences.length === 0,
    seed: options.seed,
    mode,
    events: events.length,
    differences,
  };
}
