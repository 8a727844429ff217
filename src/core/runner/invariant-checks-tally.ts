import type { Invariant } from '../model/invariant.ts';
import type { InvariantChecks } from '../report/campaign-summary.ts';
import type { InvariantCheck } from './run-judgement.ts';

interface Counts {
  runs: number;
  checkedRuns: number;
  examined: number;
  /** Every run judged reported what it examined. */
  reported: boolean;
}

/**
 * Per invariant of one property, over its exploring runs: on how many it was judged and on
 * how many it had anything to check. Folded in generation order from plain judgements, so a
 * pool gives the counts one thread gives. An invariant that left one run unreported is not
 * reported (null): it cannot be called vacuous on what it did not say.
 */
export class InvariantChecksTally {
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly invariants: readonly Pick<Invariant, 'name' | 'counts'>[]) {
    for (const invariant of invariants)
      this.counts.set(invariant.name, { runs: 0, checkedRuns: 0, examined: 0, reported: true });
  }

  /** One run's reports; invariants the property does not check (a core one) are left out. */
  record(checks: readonly InvariantCheck[] | undefined): void {
    for (const check of checks ?? []) {
      const counts = this.counts.get(check.name);
      if (counts === undefined) continue;
      counts.runs++;
      if (check.checked === null) counts.reported = false;
      else {
        counts.examined += check.checked;
        if (check.checked > 0) counts.checkedRuns++;
      }
    }
  }

  toSummary(): InvariantChecks[] {
    return this.invariants.map((invariant) => {
      const c = this.counts.get(invariant.name) ?? { runs: 0, checkedRuns: 0, examined: 0, reported: true };
      return {
        name: invariant.name,
        runs: c.runs,
        checkedRuns: c.reported ? c.checkedRuns : null,
        examined: c.reported ? c.examined : null,
        ...(invariant.counts === undefined ? {} : { counts: invariant.counts }),
      };
    });
  }
}
