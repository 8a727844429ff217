import fc from 'fast-check';
import type { GenerationContext } from '../../../core/model/property.ts';
import type { ExchangeConfig } from '../../../exchange/config/exchange-config.ts';
import type { TradingAction } from '../trading-action.ts';
import { faultCommandArb, type NemesisEntry, nemesis, nemesisEntryArb } from './fault-commands.ts';
import type { PlanBuilder } from './plan-command.ts';
import { supportedActions, supportedWeights } from './supported-actions.ts';
import { type TradingCommandKind, tradingCommandArb } from './trading-commands.ts';
import { TradingModel } from './trading-model.ts';
import { unbiasedCommandArb } from './unbiased-commands.ts';

export interface TradingActionsOptions {
  /** Relative weights of the command kinds; 0 leaves a kind out. Unbiased runs read only the action kinds. */
  weights?: Partial<Record<TradingCommandKind, number>>;
  /** The uniform baseline: no model bias, no boundary bias. */
  unbiased?: boolean;
  /** The venue the generator aims at; the default configuration unless given. */
  config?: ExchangeConfig;
  /** Share of commands that are faults (of the context's enabled kinds), in percent. */
  faultPercent?: number;
  /** A background schedule besides the mixed-in faults: one more fault every this many actions. */
  nemesisEvery?: number;
}

/**
 * Action sequences for one run. fast-check generates (and shrinks) a list of commands; each
 * try replays the list against a fresh generation model, and the concrete actions the commands
 * append are the result, so a shrunk counterexample is again a consistent action list.
 * fast-check never removes the last command of a list (in a model-based test the failure
 * happens there; here every command runs), so each command also carries a keep mask that lets
 * the shrinker empty it, or drop single actions out of a composite scenario.
 */
export function tradingActions(
  context: GenerationContext,
  options: TradingActionsOptions = {},
): fc.Arbitrary<TradingAction[]> {
  // Only what the target supports (context.capabilities): no set_mark without margin, no
  // reconnect without reconnects, no self-trade prevention mode without stp.
  const capabilities = context.capabilities;
  const weights = supportedWeights(options.weights, capabilities);
  const trading = options.unbiased ? unbiasedCommandArb(weights) : tradingCommandArb(weights);
  const faults = context.faults ?? [];
  const percent = Math.min(90, Math.max(1, options.faultPercent ?? 35));
  // Faults are commands among the others, so the shrinker drops a fault like any order.
  const command =
    faults.length === 0
      ? trading
      : fc.oneof(
          { arbitrary: trading, weight: 100 - percent },
          { arbitrary: faultCommandArb(faults), weight: percent },
        );
  // 'max' lets a run use its whole budget; the default size would stop at about ten commands.
  const commands = fc.commands([command], { maxCommands: context.maxActions, size: 'max' });
  const every = options.nemesisEvery ?? 0;
  const schedule =
    faults.length === 0 || every <= 0
      ? fc.constant<NemesisEntry[]>([])
      : fc.array(nemesisEntryArb, { maxLength: Math.ceil(context.maxActions / every) });
  return fc.tuple(commands, schedule).map(([list, entries]) => {
    const plan: PlanBuilder = { actions: [] };
    if (entries.length > 0) plan.afterCommand = nemesis(faults, every, entries, plan);
    fc.modelRun(
      () => ({ model: new TradingModel(context.seed, context.maxActions, options.config), real: plan }),
      list,
    );
    return supportedActions(plan.actions, capabilities).slice(0, context.maxActions);
  });
}
