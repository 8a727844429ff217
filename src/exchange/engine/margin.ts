import { ceilDiv } from '../../domains/trading/protocol/decimal-codec.ts';

/**
 * The margin model, pure. An account's requirement on one instrument is the initial margin of
 * its worst case: every open buy filled or every open sell filled, whichever leaves the larger
 * absolute position, valued at the mark and divided by the leverage. So an order that only
 * reduces the position needs nothing, and an order that adds exposure needs exposure/leverage.
 *
 *   requirement  = ceil(max(|pos + openBuy|, |pos - openSell|) x mark x cashPerPxQty / leverage)
 *   positionMargin = ceil(|pos| x mark x cashPerPxQty / leverage)
 *   reserved     = sum(requirement - positionMargin)     (what open orders hold back)
 *   equity       = cash + sum(pos x mark x cashPerPxQty)
 *   available    = equity - sum(requirement)
 */
export function worstExposure(position: number, openBuy: number, openSell: number): number {
  return Math.max(Math.abs(position + openBuy), Math.abs(position - openSell));
}

export function marginFor(exposure: number, mark: number, cashPerPxQty: number, leverage: number): number {
  return ceilDiv(exposure * mark * cashPerPxQty, leverage);
}
