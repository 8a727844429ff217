import { sharedView, sharingViews } from '../../../src/core/runner/shared-views.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { type ReplayHooks, type ReplayResult, replayMarket } from './market-replay.ts';
import type { Inspection } from './scope.ts';

/**
 * An inspection that replays the market once: it does its own preparation, yields the hooks it
 * wants called during the replay, is given the replay's result, and returns its Inspection.
 */
export type ReplayingInspection = (
  evidence: TradingEvidence,
) => Generator<ReplayHooks, Inspection, ReplayResult>;

/** One inspection's outcome in a shared pass: its Inspection, or what it threw. */
type Outcome = { inspection: Inspection } | { error: unknown };

/** Every inspection sharing the replay, by invariant name (registered as their modules load). */
const inspections = new Map<string, ReplayingInspection>();
/** The key of the shared pass among a run's shared views. */
const PASS = Symbol('market replay of every registered inspection');

/**
 * Registers an inspection that replays the market, and returns the plain inspection an
 * invariant uses (scope.ts). While a run's invariants are checked together (the runner's
 * shared views), the market is replayed once for all the inspections registered here, each
 * event visited once by all their hooks, not once per invariant; each gets the Inspection it
 * would have made alone (the hooks only read the shared MarketState). Called on its own, an
 * inspection replays for itself.
 */
export function sharedMarketReplay(
  name: string,
  inspect: ReplayingInspection,
): (evidence: TradingEvidence) => Inspection {
  inspections.set(name, inspect);
  return (evidence) => {
    const outcome = sharingViews(evidence)
      ? (sharedView(evidence, PASS, () => replayTogether(evidence, [...inspections])).get(name) ??
        replayTogether(evidence, [[name, inspect]]).get(name))
      : replayTogether(evidence, [[name, inspect]]).get(name);
    if (outcome === undefined || 'error' in outcome) throw outcome?.error;
    // A copy: a caller that edits what it got changes nothing for the next.
    const { violations, scope } = outcome.inspection;
    return { violations: [...violations], scope: { checked: scope.checked, skipped: [...scope.skipped] } };
  };
}

interface Running {
  name: string;
  generator: Generator<ReplayHooks, Inspection, ReplayResult>;
  hooks: ReplayHooks;
  error?: { error: unknown };
}

/**
 * Runs every inspection's preparation, one replay calling each one's hooks in turn, then each
 * one's conclusion. An inspection that throws (anywhere) gets its error, and only it: the
 * others go on, as they would have alone.
 */
function replayTogether(
  evidence: TradingEvidence,
  entries: readonly (readonly [string, ReplayingInspection])[],
): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  const running: Running[] = [];
  for (const [name, inspect] of entries) {
    try {
      const generator = inspect(evidence);
      const first = generator.next();
      if (first.done) outcomes.set(name, { inspection: first.value });
      else running.push({ name, generator, hooks: first.value });
    } catch (error) {
      outcomes.set(name, { error });
    }
  }
  if (running.length === 0) return outcomes;
  // Each kind of hook calls only the inspections that have one, in their order; one that
  // throws is left out from then on.
  const withEvent = running.filter((part) => part.hooks.event !== undefined);
  const withBefore = running.filter((part) => part.hooks.beforeOrderEvent !== undefined);
  const withInput = running.filter((part) => part.hooks.input !== undefined);
  const hooks: ReplayHooks = {};
  if (withEvent.length > 0)
    hooks.event = (rec, state) => {
      for (let i = 0; i < withEvent.length; i++) {
        const part = withEvent[i];
        if (part.error) continue;
        try {
          part.hooks.event?.(rec, state);
        } catch (error) {
          part.error = { error };
        }
      }
    };
  if (withBefore.length > 0)
    hooks.beforeOrderEvent = (rec, order, state) => {
      for (let i = 0; i < withBefore.length; i++) {
        const part = withBefore[i];
        if (part.error) continue;
        try {
          part.hooks.beforeOrderEvent?.(rec, order, state);
        } catch (error) {
          part.error = { error };
        }
      }
    };
  if (withInput.length > 0)
    hooks.input = (step, state) => {
      for (let i = 0; i < withInput.length; i++) {
        const part = withInput[i];
        if (part.error) continue;
        try {
          part.hooks.input?.(step, state);
        } catch (error) {
          part.error = { error };
        }
      }
    };
  let result: ReplayResult;
  try {
    result = replayMarket(evidence, hooks);
  } catch (error) {
    // The replay itself failed: it would have failed for each of them.
    for (const part of running) outcomes.set(part.name, part.error ?? { error });
    return outcomes;
  }
  for (const part of running) {
    if (part.error) {
      outcomes.set(part.name, part.error);
      continue;
    }
    try {
      const last = part.generator.next(result);
      outcomes.set(
        part.name,
        last.done
          ? { inspection: last.value }
          : { error: new Error(`${part.name}: replays the market twice`) },
      );
    } catch (error) {
      outcomes.set(part.name, { error });
    }
  }
  return outcomes;
}
