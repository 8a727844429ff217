import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { Violation } from '../../../src/core/model/invariant.ts';

/** A violation naming the events involved (by gseq) and the steps they belong to. */
export function violation(
  invariant: string,
  message: string,
  events: readonly (RecordedEvent<unknown> | undefined)[] = [],
  steps: readonly (number | undefined)[] = [],
): Violation {
  const stepSet = new Set<number>();
  const gseqs = new Set<number>();
  for (const s of steps) if (typeof s === 'number' && s >= 0) stepSet.add(s);
  for (const rec of events) if (rec !== undefined) gseqs.add(rec.gseq);
  return {
    invariant,
    message,
    steps: [...stepSet].sort((a, b) => a - b),
    events: [...gseqs].sort((a, b) => a - b),
  };
}
