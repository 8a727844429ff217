import type { RunEvidence } from '../model/evidence.ts';
import type { Invariant, Verdict, Violation } from '../model/invariant.ts';

export interface InvariantResult {
  name: string;
  status: 'pass' | 'fail' | 'unknown';
  violations: Violation[];
  error?: string;
}

export interface CheckOutcome {
  verdict: Verdict;
  results: InvariantResult[];
}

/**
 * Runs every invariant over one run's evidence. A checker that throws gives `unknown` for
 * itself (never a crash); the run's verdict is `fail` if any invariant found a violation,
 * else `unknown` if any checker threw, else `pass`.
 */
export function checkInvariants<Ev extends RunEvidence>(
  evidence: Ev,
  invariants: readonly Invariant<Ev>[],
): CheckOutcome {
  const results: InvariantResult[] = [];
  for (const invariant of invariants) {
    try {
      const violations = invariant.check(evidence);
      results.push({ name: invariant.name, status: violations.length > 0 ? 'fail' : 'pass', violations });
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
