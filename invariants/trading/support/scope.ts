import type { Capability } from '../../../src/core/model/capabilities.ts';
import type { Invariant, Violation } from '../../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';

/**
 * What a rule could check in one run: how many comparisons it made (reported to the campaign
 * through the Invariant tally, so `checked: 0` is a vacuous run there), and what it had to
 * leave out and why.
 */
export interface CheckScope {
  checked: number;
  /** One line per part of the rule that could not be checked in this run, with the reason. */
  skipped: string[];
}

/** An invariant that also reports its scope (see CheckScope). */
export interface ScopedInvariant extends Invariant<TradingEvidence> {
  scope(evidence: TradingEvidence): CheckScope;
}

export interface Inspection {
  violations: Violation[];
  scope: CheckScope;
}

export function scopedInvariant(
  name: string,
  description: string,
  inspect: (evidence: TradingEvidence) => Inspection,
  /** What the target must provide for the rule to apply, and what its comparisons count. */
  declared: { needs?: readonly Capability[]; counts?: string } = {},
): ScopedInvariant {
  return {
    name,
    description,
    ...(declared.needs ? { needs: declared.needs } : {}),
    counts: declared.counts ?? 'comparisons',
    // The scope's comparisons are what it examined (Invariant tally: 0 is a vacuous run).
    check: (evidence, tally) => {
      const { violations, scope } = inspect(evidence);
      tally?.count(scope.checked);
      return violations;
    },
    scope: (evidence) => inspect(evidence).scope,
  };
}

/** Counts comparisons and collects what was left out, once per reason. */
export class ScopeTally {
  checked = 0;
  private readonly skipped = new Set<string>();

  skip(reason: string): void {
    this.skipped.add(reason);
  }

  result(): CheckScope {
    return { checked: this.checked, skipped: [...this.skipped] };
  }
}
