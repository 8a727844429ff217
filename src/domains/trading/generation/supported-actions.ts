import { type Capability, provides } from '../../../core/model/capabilities.ts';
import type { TradingAction } from '../trading-action.ts';
import { TRADING_CAPABILITIES } from '../trading-capabilities.ts';

/** The command kinds that send stop orders (stop-commands.ts): none for a target without them. */
const STOP_COMMAND_KINDS = ['stop', 'stop_cancel', 'stop_cross'] as const;

/** Command kinds that send only actions of another name (venue-commands.ts), by what they send. */
const COMMANDS_SENDING: Readonly<Record<string, TradingAction['kind']>> = {
  halt_resume: 'halt',
  bad_mark: 'set_mark',
};

/**
 * What a target without some capability cannot be sent (TargetFactory.capabilities): marks
 * (`set_mark`) belong to margin, `reconnect` actions (resume or resync) to reconnects, and a
 * self-trade prevention mode on an order to `stp`. Absent capabilities mean everything.
 */
export function unsupportedKinds(
  capabilities: readonly Capability[] | undefined,
): Set<TradingAction['kind']> {
  const kinds = new Set<TradingAction['kind']>();
  if (!provides(capabilities, TRADING_CAPABILITIES.margin)) kinds.add('set_mark');
  if (!provides(capabilities, TRADING_CAPABILITIES.reconnect)) kinds.add('reconnect');
  if (!provides(capabilities, TRADING_CAPABILITIES.adminControls))
    for (const kind of ['halt', 'resume_trading', 'reset'] as const) kinds.add(kind);
  if (!provides(capabilities, TRADING_CAPABILITIES.orderStatus)) kinds.add('status');
  if (!provides(capabilities, TRADING_CAPABILITIES.rawRequests)) kinds.add('malformed');
  // Never assumed: only a target that declares it builds a venue per run.
  if (!(capabilities ?? []).includes(TRADING_CAPABILITIES.venueConfig)) kinds.add('configure');
  return kinds;
}

/**
 * Command weights with the kinds the target cannot take set to 0 (the command kinds that are
 * the action kinds of the same name), so the generator spends its actions on what it supports.
 */
export function supportedWeights<K extends string>(
  weights: Partial<Record<K, number>> | undefined,
  capabilities: readonly Capability[] | undefined,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = { ...weights };
  const unsupported = unsupportedKinds(capabilities);
  for (const kind of unsupported) out[kind as K] = 0;
  for (const [command, sends] of Object.entries(COMMANDS_SENDING))
    if (unsupported.has(sends)) out[command as K] = 0;
  if (!provides(capabilities, TRADING_CAPABILITIES.stopOrders))
    for (const kind of STOP_COMMAND_KINDS) out[kind as K] = 0;
  return out;
}

/**
 * The actions a target with these capabilities supports, each as it can take it: unsupported
 * kinds left out (a composite command may still emit one), stop orders left out without
 * `stop-orders`, and, without `stp`, the order's
 * self-trade prevention mode dropped (the order itself is sound without it). Deterministic, so
 * a seed and a shrunk counterexample give the same list every time.
 */
export function supportedActions(
  actions: readonly TradingAction[],
  capabilities: readonly Capability[] | undefined,
): TradingAction[] {
  if (capabilities === undefined) return [...actions];
  const unsupported = unsupportedKinds(capabilities);
  const stp = provides(capabilities, TRADING_CAPABILITIES.selfTradePrevention);
  const stops = provides(capabilities, TRADING_CAPABILITIES.stopOrders);
  const out: TradingAction[] = [];
  for (const action of actions) {
    if (unsupported.has(action.kind)) continue;
    if (
      !stops &&
      action.kind === 'place' &&
      (action.orderType === 'stop_market' || action.orderType === 'stop_limit')
    )
      continue;
    if (!stp && action.kind === 'place' && action.stp !== undefined) {
      const { stp: _dropped, ...rest } = action;
      out.push(rest);
    } else out.push(action);
  }
  return out;
}
