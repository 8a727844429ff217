import { TradingModel } from '../../../../src/domains/trading/generation/trading-model.ts';
import type { PlaceAction, TradingAction } from '../../../../src/domains/trading/trading-action.ts';

/** Facts about generated sequences, measured the same way for the biased and the unbiased generator. */

export interface SequenceFacts {
  /** Cancels and replaces, and how many named an order of their sender the model predicts live. */
  targeted: number;
  targetedLive: number;
  /** Places with a numeric quantity on a known symbol, and how many sit exactly at lot, min or max. */
  sizedPlaces: number;
  boundaryQty: number;
  /** A trader sent an order crossing its own order that the model predicts live. */
  selfTradeAttempt: boolean;
  /** A trader reused the client order id of one of its earlier places. */
  duplicateId: boolean;
  /** Two cancels of one order by the same trader in the same instant. */
  competingCancels: boolean;
}

const price = (p: PlaceAction): number | undefined => (typeof p.price === 'number' ? p.price : undefined);

export function factsOf(actions: readonly TradingAction[], seed: number): SequenceFacts {
  const model = new TradingModel(seed, actions.length);
  const facts: SequenceFacts = {
    targeted: 0,
    targetedLive: 0,
    sizedPlaces: 0,
    boundaryQty: 0,
    selfTradeAttempt: false,
    duplicateId: false,
    competingCancels: false,
  };
  const earlierIds = new Set<string>();
  actions.forEach((action, i) => {
    if (action.kind === 'cancel' || action.kind === 'replace') {
      facts.targeted += 1;
      if (model.resolveTarget(action.client, action.target)?.live) facts.targetedLive += 1;
    }
    if (action.kind === 'cancel' && i > 0) {
      const prev = actions[i - 1];
      if (
        prev.kind === 'cancel' &&
        action.gapMs === 0 &&
        prev.client === action.client &&
        prev.target.clientOrderId === action.target.clientOrderId
      ) {
        facts.competingCancels = true;
      }
    }
    if (action.kind === 'place') {
      const grid = model.grids.get(action.symbol);
      if (grid && typeof action.qty === 'number') {
        facts.sizedPlaces += 1;
        const { lotSize, minQty, maxQty } = grid.config;
        if (action.qty === lotSize || action.qty === minQty || action.qty === maxQty) facts.boundaryQty += 1;
      }
      const key = `${action.client} ${action.clientOrderId}`;
      if (earlierIds.has(key)) facts.duplicateId = true;
      earlierIds.add(key);
      const limit = price(action);
      const own = model
        .liveOrders()
        .filter((o) => o.client === action.client && o.symbol === action.symbol && o.side !== action.side);
      for (const o of own) {
        const resting = o.priceTicks === undefined ? undefined : o.priceTicks * grid!.config.tickSize;
        if (resting === undefined) continue;
        const crosses =
          action.orderType === 'market' ||
          (limit !== undefined && (action.side === 'buy' ? limit >= resting : limit <= resting));
        if (crosses) facts.selfTradeAttempt = true;
      }
    }
    model.apply(action);
  });
  return facts;
}

/**
 * The syntactic self-trade the shrinking test looks for: one trader sends a buy and a sell on
 * one symbol whose prices cross (a market order crosses anything).
 */
export function containsSelfCross(actions: readonly TradingAction[]): boolean {
  const places = actions.filter((a): a is PlaceAction => a.kind === 'place');
  return places.some((buy) =>
    places.some((sell) => {
      if (buy.side !== 'buy' || sell.side !== 'sell') return false;
      if (buy.client !== sell.client || buy.symbol !== sell.symbol) return false;
      if (buy.orderType === 'market' || sell.orderType === 'market') return true;
      const b = price(buy);
      const s = price(sell);
      return b !== undefined && s !== undefined && b >= s;
    }),
  );
}
