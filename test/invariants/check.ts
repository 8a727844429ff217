import { invariantByName } from '../../invariants/trading/index.ts';
import type { Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { cleanScenario } from './clean-scenario.ts';

/** Runs one invariant, by name, over the evidence. */
export function check(name: string, evidence: TradingEvidence): Violation[] {
  const invariant = invariantByName.get(name);
  if (invariant === undefined) throw new Error(`no invariant named ${name}`);
  return invariant.check(evidence);
}

let clean: TradingEvidence | undefined;

/** A fresh copy of the clean run's evidence (journal included), free to corrupt. */
export function cleanEvidence(): TradingEvidence {
  clean ??= cleanScenario({ journal: true }).evidence();
  return structuredClone(clean);
}

/** The index in evidence.events of the admin's first event matching `match`. */
export function adminIndex(
  evidence: TradingEvidence,
  match: (event: Record<string, unknown>) => boolean,
): number {
  return evidence.events.findIndex(
    (rec) => rec.client === 'admin' && match(rec.event as unknown as Record<string, unknown>),
  );
}
