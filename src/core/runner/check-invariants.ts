import type { RunEvidence } from '../model/evidence.ts';
import type { CheckTally, Invariant, Verdict, Violation } from '../model/invariant.ts';
import { withSharedViews } from './shared-views.ts';

export interface InvariantResult {
  name: string;
  status: 'pass' | 'fail' | 'unknown';
  violations: Violation[];
  error?: string;
  /**
   * How many things it examined in this run (its tally): 0 means it had nothing to check.
   * Absent when the invariant does not report it (no `counts`, and it never called the tally).
   */
  checked?: number;
}

export interface CheckOutcome {
  verdict: Verdict;
  results: InvariantResult[];
}

/** A tally for one invariant's check: whether it was used, and what it counted. */
function tallyFor(invariant: {
  readonly counts?: string;
}): CheckTally & { reported: boolean; total: number } {
  const tally = {
    reported: invariant.counts !== undefined,
    total: 0,
    count(n = 1): void {
      tally.reported = true;
      if (Number.isFinite(n) && n > 0) tally.total += n;
    },
  };
  return tally;
}

/**
 * Runs every invariant over one run's evidence. A checker that throws gives `unknown` for
 * itself (never a crash); the run's verdict is `fail` if any invariant found a violation,
 * else `unknown` if any checker threw, else `pass`. Each result says how much its invariant
 * examined, when it reports it (Invariant.counts, CheckTally). Views of the evidence that
 * several invariants use are built once for all of them meanwhile (shared-views.ts).
 */
export function checkInvariants<Ev extends RunEvidence>(
  evidence: Ev,
  invariants: readonly Invariant<Ev>[],
): CheckOutcome {
  return withSharedViews(evidence, () => checkAll(evidence, invariants));
}

function checkAll<Ev extends RunEvidence>(evidence: Ev, invariants: readonly Invariant<Ev>[]): CheckOutcome {
  const results: InvariantResult[] = [];
  for (const invariant of invariants) {
    const tally = tallyFor(invariant);
    try {
      const violations = invariant.check(evidence, tally);
      results.push({
        name: invariant.name,
        status: violations.length > 0 ? 'fail' : 'pass',
        violations,
        // A violation found is something checked, whatever the tally says.
        ...(tally.reported
          ? { checked: violations.length > 0 ? Math.max(1, tally.total) : tally.total }
          : {}),
      });
    } catch (error) {
      results.push({
        name: invariant.name,
        status: 'unknown',
        violations: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const violations = results.flatMap((r) => r.violations);
  if (violations.length > 0) return { verdict: { status: 'fail', violations }, results };
  const unknown = results.find((r) => r.status === 'unknown');
  if (unknown)
    return { verdict: { status: 'unknown', invariant: unknown.name, error: unknown.error ?? '' }, results };
  return { verdict: { status: 'pass' }, results };
}
