import type { Scenario } from '../../../core/scenario/scenario.ts';
import type { TradingAction } from '../trading-action.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import type { TradingView } from '../trading-view.ts';
import { ScenarioScript } from './scenario-script.ts';

export type TradingScenario = Scenario<TradingAction, TradingClientEvent, TradingView>;

/** The invariants every catalog scenario is also checked against once it is over. */
export const SCENARIO_INVARIANTS = [
  'book.not-crossed',
  'orders.lifecycle',
  'orders.quantities',
  'fills.no-duplicates',
  'trades.both-sides',
  'funds.conservation',
  'requests.one-response',
  'isolation.private-streams',
] as const;

/** A catalog entry: the script is written by `build`, the rest is data. */
export function scenario(
  meta: Omit<TradingScenario, 'steps' | 'invariants'> & { invariants?: readonly string[] },
  build: (s: ScenarioScript) => void,
): TradingScenario {
  const script = new ScenarioScript(meta.name);
  build(script);
  return { ...meta, invariants: meta.invariants ?? SCENARIO_INVARIANTS, steps: script.steps };
}
