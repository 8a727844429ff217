import type { RecordedEvent } from './evidence.ts';

/**
 * Folds a client's events into its view of the world. It must be deterministic in its input:
 * ordered and shuffled replays rely on that to compare views. `apply` may update the view in
 * place and return it (the view belongs to the fold), which keeps long runs cheap. A user's
 * own client kernel fits here to test its convergence.
 */
export interface Projection<E = unknown, V = unknown> {
  readonly name: string;
  init(client: string): V;
  apply(view: V, event: RecordedEvent<E>): V;
  /** Plain-data form used to compare two views (ordered vs shuffled, client vs server). */
  normalize?(view: V): unknown;
}
