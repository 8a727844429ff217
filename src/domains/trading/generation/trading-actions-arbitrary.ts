import fc from 'fast-check';
import type { GenerationContext } from '../../../core/model/property.ts';
import { configureAction } from '../configure-action.ts';
import type { ExchangeConfig } from '../protocol/exchange-config.ts';
import type { TradingAction } from '../trading-action.ts';
import { TRADING_CAPABILITIES } from '../trading-capabilities.ts';
import { faultCommandArb, type NemesisEntry, nemesis, nemesisEntryArb } from './fault-commands.ts';
import { leanOneof } from './lean-oneof.ts';
import { mappedTopTuple } from './mapped-tuple.ts';
import type { PlanBuilder } from './plan-command.ts';
import { supportedActions, supportedWeights } from './supported-actions.ts';
import { type TradingCommandKind, tradingCommandArb } from './trading-commands.ts';
import { TradingModel } from './trading-model.ts';
import { unbiasedCommandArb } from './unbiased-commands.ts';
import { generationConfigOf } from './venue-of-context.ts';

export interface TradingActionsOptions {
  /** Relative weights of the command kinds; 0 leaves a kind out. Unbiased runs read only the action kinds. */
  weights?: Partial<Record<TradingCommandKind, number>>;
  /** The uniform baseline: no model bias, no boundary bias. */
  unbiased?: boolean;
  /**
   * The venue the generator aims at: this config when given, else the campaign's
   * (GenerationContext.config, from `run --config`), else the default one.
   */
  config?: ExchangeConfig;
  /**
   * A venue per run, drawn from the campaign's: the run then starts with a `configure` action
   * carrying it, and a target with the `venue-config` capability builds that venue for the run
   * (others are sent the campaign's venue's sequences, with no configure action).
   */
  venue?: (base: ExchangeConfig) => fc.Arbitrary<ExchangeConfig>;
  /** Share of commands that are faults (of the context's enabled kinds), in percent. */
  faultPercent?: number;
  /** A background schedule besides the mixed-in faults: one more fault every this many actions. */
  nemesisEvery?: number;
  /**
   * Long runs every time (a long-lived venue): the commands are drawn as `count` lists of up to
   * `maxCommands` each, run one after the other (and cut at maxActions). fast-check draws one
   * list's length anywhere from 0 to its maximum, so a single list makes runs of any length;
   * the sum of many is rarely far from its mean, and the shrinker still empties each list.
   */
  chunks?: { count: number; maxCommands: number };
  /**
   * No action waits longer than this after the previous one (a long run over a real socket
   * would otherwise spend minutes in pauses); absent, the commands' own gaps.
   */
  maxGapMs?: number;
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
      : leanOneof(
          { arbitrary: trading, weight: 100 - percent },
          { arbitrary: faultCommandArb(faults), weight: percent },
        );
  // 'max' lets a run use its whole budget; the default size would stop at about ten commands.
  const chunks = options.chunks;
  const commands: fc.Arbitrary<Iterable<fc.Command<TradingModel, PlanBuilder>>> =
    chunks === undefined || chunks.count <= 1
      ? fc.commands([command], { maxCommands: context.maxActions, size: 'max' })
      : fc
          .array(fc.commands([command], { maxCommands: chunks.maxCommands, size: 'max' }), {
            minLength: chunks.count,
            maxLength: chunks.count,
          })
          .map((lists) => lists.flatMap((list) => [...list]));
  const every = options.nemesisEvery ?? 0;
  const schedule =
    faults.length === 0 || every <= 0
      ? fc.constant<NemesisEntry[]>([])
      : fc.array(nemesisEntryArb, { maxLength: Math.ceil(context.maxActions / every) });
  const base = options.config ?? generationConfigOf(context);
  // A venue of its own per run only where the target says it builds one per run: venue-config is
  // never assumed (a target that declares nothing builds its venue once).
  const perRun =
    options.venue !== undefined && (capabilities ?? []).includes(TRADING_CAPABILITIES.venueConfig);
  const venue: fc.Arbitrary<ExchangeConfig | undefined> =
    perRun && options.venue ? options.venue(base) : fc.constant(undefined);
  return mappedTopTuple([venue, commands, schedule], ([config, list, entries]) => {
    const plan: PlanBuilder = { actions: [] };
    if (entries.length > 0) plan.afterCommand = nemesis(faults, every, entries, plan);
    fc.modelRun(() => {
      const model = new TradingModel(context.seed, context.maxActions, config ?? base);
      if (config !== undefined) {
        // The run's first action names its venue; the model counts it as a step like any other.
        const configure = configureAction(config);
        plan.actions.push(configure);
        model.apply(configure);
      }
      return { model, real: plan };
    }, list);
    const actions = supportedActions(plan.actions, capabilities).slice(0, context.maxActions);
    const most = options.maxGapMs;
    return most === undefined ? actions : actions.map((a) => (a.gapMs > most ? { ...a, gapMs: most } : a));
  });
}
