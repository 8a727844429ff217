import type { SelfTradePrevention, Side, TimeInForce } from '../protocol/exchange-input.ts';
import type { KitInstrument } from './kit-instrument.ts';

/**
 * The port an adapter implements for an in-process matching library: one instrument's book,
 * four synchronous calls. Everything else a shakedown target needs (virtual time, clients,
 * replies, events with stream numbers, the step -> order id map, the snapshot, capabilities)
 * the kit builds around it (bookLibraryTarget). Quantities and prices cross this port as the
 * library's own floats; the kit puts them on the declared tick and lot grid, and a value that
 * is not on it (float dust) is reported as it came, for the invariants to see.
 */

/** The library's own order id: whatever it hands out (a number, a string...). */
export type LibOrderId = string | number;

/**
 * A refusal, in the library's own words (`E_BAD_SIZE`) or the reference's
 * (`qty_not_lot_multiple`); the kit's `reasons` option maps the first to the second.
 */
export interface Refusal {
  rejected: string;
  message?: string;
}

/** A new order, already checked against the grid: the price is on the tick, the size on the lot. */
export interface PlaceRequest {
  /** A fresh id, unique in the run, for a library that takes its ids from the caller. */
  ref: string;
  /** The trader placing it. The library has no accounts; pass it on if it keeps an owner. */
  owner: string;
  clientOrderId: string;
  side: Side;
  type: 'limit' | 'market';
  tif: TimeInForce;
  /** The limit price as a float (null for a market order), and the same in whole ticks. */
  price: number | null;
  priceTicks: number | null;
  /** The size as a float, and the same in whole lots. */
  qty: number;
  qtyLots: number;
  /** Self-trade prevention the request asked for, for a library that has any. */
  stp?: SelfTradePrevention;
}

/** One trade of a taker (the order being placed or modified) against a resting order. */
export interface LibFill {
  /** The resting order it hit, by the library's id. */
  makerId: LibOrderId;
  price: number;
  qty: number;
}

/**
 * What became of a place: accepted under the library's id, with the trades it made at once
 * (`fills`, in the order they happened) and the size of it left resting on the book. The kit
 * reads `restingQty` by the order's tif: for an ioc, fok or market order, 0 means the rest
 * expired (order_expired) and more than 0 means the library rested it, which orders.flags
 * reports; for a gtc or post-only order anything not filled is taken to rest, and a library
 * that rests less shows in book.depth-matches-orders. So an order the library refuses outright
 * (a post-only that would cross, say) must come back as `rejected`, not as accepted and gone.
 */
export type PlaceOutcome =
  | { accepted: { id: LibOrderId; fills?: readonly LibFill[]; restingQty: number } }
  | Refusal;

/** An order the library holds, as the kit knows it: enough for any library's cancel or modify. */
export interface RestingOrder {
  id: LibOrderId;
  side: Side;
  /** null for a market order. */
  price: number | null;
  /** What the kit expects to be left of it (its size less its fills). */
  remainingQty: number;
  owner: string;
}

/** A change of price and/or size, already checked against the grid. */
export interface ModifyRequest {
  /** The new limit price (the current one when unchanged), float and ticks. */
  price: number;
  priceTicks: number;
  /** The new total size, filled part included (the reference's meaning of a replace). */
  qty: number;
  qtyLots: number;
  /** What is left to trade after the change (qty less filled), which most libraries want. */
  remainingQty: number;
  remainingLots: number;
  priceChanged: boolean;
}

/**
 * What became of a modify. `id` when the library gave the order a new id. `priorityKept` when
 * the library says whether the order kept its place in the queue; without it the kit states
 * the rule (kept when the price is unchanged and the size not increased), and a library that
 * breaks it shows in book.price-time-priority. `restingQty` as for a place (default: all of it).
 */
export type ModifyOutcome =
  | {
      modified: {
        id?: LibOrderId;
        fills?: readonly LibFill[];
        restingQty?: number;
        priorityKept?: boolean;
      };
    }
  | Refusal;

export type CancelOutcome = { cancelled: true } | Refusal;

/** One price level as the library reports it. */
export interface LibLevel {
  price: number;
  /** The total size resting at this price, as the library keeps it. */
  qty: number;
  /** How many orders rest there, when the library says. */
  count?: number;
  /**
   * The orders resting there, front of the queue first, when the library lists them: the
   * snapshot's open orders then come from the library itself rather than from the kit's books.
   */
  orders?: readonly { id: LibOrderId; qty: number }[];
}

export interface LibBook {
  bids: readonly LibLevel[];
  asks: readonly LibLevel[];
}

/**
 * One instrument's book in the library, freshly made for each run. Every call is synchronous;
 * a refusal is returned, and anything thrown is a crash of the library (the kit answers the
 * request `info`, as it may have half happened) unless `refusalOf` says it is a refusal.
 */
export interface BookLibrary {
  place(order: PlaceRequest): PlaceOutcome;
  cancel(order: RestingOrder): CancelOutcome;
  /** Absent: replaces are refused (`invalid_request`). */
  modify?(order: RestingOrder, change: ModifyRequest): ModifyOutcome;
  /** The whole book, both sides, in any order (the kit sorts). */
  book(): LibBook;
}

/** Makes one instrument's book for a run: called for every instrument when a run starts. */
export type OpenBook = (instrument: KitInstrument) => BookLibrary;
