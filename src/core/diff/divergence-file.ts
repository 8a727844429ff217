import type { ReplayFile } from '../replay/replay-file.ts';

/**
 * Where `diff` saves a divergence unless told otherwise: a folder of its own, not run's
 * `replays/`, whose files every `run` replays first as its regression corpus.
 */
export const DIVERGENCES_DIR = 'divergences';

/** The one violation of a divergence saved by `diff`. */
export const DIVERGENCE_VIOLATION = 'diff.divergence';

/**
 * A replay file saved by `diff`: one side's run of a sequence that two targets answered
 * differently. On one target alone it breaks no invariant, so `run` does not replay it as a
 * regression (it would pass on the clean side and prove nothing) wherever it is found.
 */
export function isDivergenceFile(replay: Pick<ReplayFile, 'violations'>): boolean {
  return replay.violations.length > 0 && replay.violations.every((v) => v.invariant === DIVERGENCE_VIOLATION);
}
