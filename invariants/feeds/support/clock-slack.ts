import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';

/**
 * How far a deadline of the system may slip before a rule calls it missed: nothing on a
 * virtual clock (in-process runs are exact), a quarter second on a real one (timers fire late
 * on a loaded machine; they never fire early).
 */
export function clockSlackMs(evidence: FeedsEvidence): number {
  return evidence.extra?.virtualTime === true ? 0 : 250;
}
