import { TRADING_INVARIANTS } from '../../../invariants/trading/index.ts';
import { TRADING_PROPERTIES } from '../../../properties/trading/index.ts';
import type { DomainPack } from '../../core/model/domain-pack.ts';
import type { Invariant } from '../../core/model/invariant.ts';
import type { Projection } from '../../core/model/projection.ts';
import { BUG_NAMES } from '../../exchange/index.ts';
import { describeEvent } from './describe-event.ts';
import { describeAction } from './generation/describe-action.ts';
import { TRADING_CLIENTS, type TradingAction } from './trading-action.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import { tradingExercised } from './trading-exercised.ts';
import { tradingProjection } from './trading-projection.ts';
import { TRADING_SURFACE } from './trading-surface.ts';
import { tradingTargetFactory } from './trading-target-factory.ts';
import { CLIENT_BUG_NAMES } from './transport/client-bugs.ts';
import { validateTradingAction } from './validate-trading-action.ts';

/**
 * The trading domain pack: everything the core needs to test a venue. A second domain plugs
 * in by writing another pack; nothing in src/core names orders.
 */
export const tradingPack: DomainPack<TradingAction, TradingClientEvent> = {
  name: 'trading',
  clients: TRADING_CLIENTS,
  projection: tradingProjection as unknown as Projection<TradingClientEvent>,
  invariants: TRADING_INVARIANTS as unknown as readonly Invariant[],
  properties: TRADING_PROPERTIES,
  targetFactory: (spec, options) => tradingTargetFactory(spec, options),
  surface: TRADING_SURFACE,
  exercised: (evidence) => tradingExercised(evidence),
  describeAction,
  describeEvent,
  validateAction: validateTradingAction,
  // Venue bugs of the reference exchange, and bugs of the reference trading client.
  plantedBugs: [...BUG_NAMES, ...CLIENT_BUG_NAMES],
};
