import type { RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';
import { orderRecordedEvent } from '../replay/replay-file.ts';

/** Where two recordings of the same actions first differ, or undefined when they are identical. */
export function firstDifference(
  a: readonly RecordedEvent[],
  b: readonly RecordedEvent[],
): string | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(orderRecordedEvent(a[i]));
    const y = JSON.stringify(orderRecordedEvent(b[i]));
    if (x !== y) return `the same actions recorded different events at gseq ${i + 1}: ${x} vs ${y}`;
  }
  if (a.length !== b.length) return `the same actions recorded ${a.length} events, then ${b.length}`;
  return undefined;
}

/** A determinism failure as a violation, so it is reported, shrunk and saved like any other. */
export function determinismViolation(message: string): Violation {
  return { invariant: 'determinism', message, steps: [], events: [] };
}
