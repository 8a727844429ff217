/**
 * A shakedown adapter for limitbook, an in-process order-book library from npm (here in
 * ./limitbook, as it would sit in node_modules). limitbook speaks nothing shakedown knows:
 * floating point sizes, its own numeric order ids, thrown error codes, no accounts, no event
 * streams, no sequence numbers. The adapter kit does all of that bookkeeping; what is left
 * here is translation: four calls of the kit's BookLibrary port onto limitbook's API, and a
 * declaration of the grid, the error codes and what limitbook can do. Run it with
 *
 *   npx shakedown run --target ./examples/book-library/adapter.ts
 *   LIMITBOOK_BUGS=ioc-rests npx shakedown run --target ./examples/book-library/adapter.ts
 *
 * (LIMITBOOK_BUGS switches bugs of old limitbook releases back on, to see each one found.)
 * docs/adapters.md ("A system that does not speak the reference protocol") walks through it.
 */
import {
  type BookLibrary,
  bookLibraryTarget,
  type LibFill,
  type LibLevel,
  TRADING_CAPABILITIES,
} from '../../src/domains/trading/adapter-kit/index.ts';
import { type BugName, type DepthLevel, LimitBook, LimitBookError, type Match } from './limitbook/index.js';

/** How this adapter builds limitbook: which old bugs to switch on (none for the real thing). */
export interface LimitbookOptions {
  bugs: BugName[];
}

/** Read once per campaign and recorded in replay files, so a replay rebuilds the same library. */
export function options(): LimitbookOptions {
  const bugs = (process.env.LIMITBOOK_BUGS ?? '').split(',').filter((b) => b !== '');
  return { bugs: bugs as BugName[] };
}

/** limitbook's matches are the taker's fills: the resting order hit, at what price, for how much. */
const fills = (matches: readonly Match[]): LibFill[] =>
  matches.map((m) => ({ makerId: m.restingId, price: m.price, qty: m.size }));

/** limitbook lists each level's orders, front of the queue first: the kit's snapshot uses them. */
const levels = (depth: readonly DepthLevel[]): LibLevel[] =>
  depth.map((l) => ({
    price: l.price,
    qty: l.volume,
    orders: l.orders.map((o) => ({ id: o.id, qty: o.remaining })),
  }));

/** One instrument's book for one run: a fresh LimitBook each time, so runs never share state. */
function open(bugs: readonly BugName[]): BookLibrary {
  const book = new LimitBook({ bugs });
  return {
    place(order) {
      const result = book.add({
        side: order.side === 'buy' ? 'bid' : 'ask',
        // The kit hands over prices and sizes already on the declared grid, as floats.
        price: order.price,
        size: order.qty,
        tif: order.tif === 'fok' ? 'FOK' : order.tif === 'ioc' ? 'IOC' : 'GTC',
        postOnly: order.tif === 'post_only',
        tag: order.owner,
      });
      // restingQty: what now rests. limitbook kills a fok it cannot fill (no matches, not
      // resting): the kit reports that as the order expiring, as the reference rules say.
      return {
        accepted: {
          id: result.id,
          fills: fills(result.matches),
          restingQty: result.resting ? result.remaining : 0,
        },
      };
    },

    cancel(order) {
      // Throws LimitBookError(ERR_UNKNOWN_ORDER) for an order it does not hold: refusalOf below.
      book.remove(order.id as number);
      return { cancelled: true };
    },

    modify(order, change) {
      // limitbook's amend takes the new *open* size; shakedown's replace gives the new total.
      const result = book.amend(order.id as number, { price: change.price, size: change.remainingQty });
      // No `priorityKept`: limitbook does not say, so the kit states the rule (a smaller size at
      // the same price keeps its place) and book.price-time-priority holds limitbook to it.
      return {
        modified: { fills: fills(result.matches), restingQty: result.resting ? result.remaining : 0 },
      };
    },

    book() {
      const depth = book.depth();
      return { bids: levels(depth.bids), asks: levels(depth.asks) };
    },
  };
}

export default (settings: LimitbookOptions = options()) =>
  bookLibraryTarget({
    name: settings.bugs.length === 0 ? 'limitbook' : `limitbook+${settings.bugs.join('+')}`,
    open: () => open(settings.bugs),
    // The grid shakedown holds the venue to. Every price and size in and out must be a whole
    // number of ticks and lots; what limitbook returns off it (float dust) is reported as it
    // came, and orders.quantities or book.depth-matches-orders say so. These are the symbols and
    // grids the generator aims at (the reference venue's sandbox instruments).
    instruments: [
      {
        symbol: 'SANDBOX.BTC-USD',
        tickSize: 0.5,
        lotSize: 0.001,
        minQty: 0.001,
        maxQty: 5,
        markPrice: 20000,
      },
      {
        symbol: 'SANDBOX.ETH-USD',
        tickSize: 0.01,
        lotSize: 0.01,
        minQty: 0.01,
        maxQty: 100,
        markPrice: 1000,
      },
    ],
    // limitbook throws its refusals; anything else it throws is a crash (answered `info`).
    refusalOf: (error) => (error instanceof LimitBookError ? error.code : undefined),
    // ...and these are the reference reasons they stand for (docs/protocol.md).
    reasons: {
      ERR_WOULD_TAKE: 'post_only_would_cross',
      ERR_UNKNOWN_ORDER: 'order_not_open',
      ERR_INVALID_SIZE: 'invalid_request',
      ERR_INVALID_PRICE: 'price_not_positive',
    },
    // Beyond the kit's own: limitbook lists the orders on each level, so levels have counts.
    capabilities: [TRADING_CAPABILITIES.bookOrderCounts],
  });
