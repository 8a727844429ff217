/**
 * limitbook 3.1.4: a small limit order book with price-time priority.
 *
 *   import { LimitBook } from 'limitbook';
 *   const book = new LimitBook();
 *   const { id } = book.add({ side: 'ask', price: 101.5, size: 0.3 });
 *   const res = book.add({ side: 'bid', price: 102, size: 0.1, tif: 'IOC' });
 *   // res.matches: [{ restingId: id, price: 101.5, size: 0.1 }], res.resting: false
 *   book.amend(id, { size: 0.1 });   // a smaller size keeps its place in the queue
 *   book.remove(id);
 *   book.depth();                    // { bids: [...], asks: [{ price, volume, orders }] }
 *
 * Sizes and prices are plain JavaScript numbers. Errors are thrown as LimitBookError with a
 * stable `code`. There are no accounts, no fees, no events: every call answers at once.
 *
 * This package stands in for a third-party dependency in shakedown's worked example: it knows
 * nothing of shakedown. Five bugs of earlier releases can be switched back on, one by one, with
 * the `bugs` option (`new LimitBook({ bugs: ['ioc-rests'] })`), so that the example can show
 * each being found; see BUGS below.
 */

/** Bugs of earlier releases, each off unless asked for. */
export const BUGS = {
  /** 2.4.0: a resting order filled in part was left with the size traded, not the size left. */
  'partial-fill-remaining': 'a resting order filled in parts keeps the wrong remaining size',
  /** 2.6.1: removing the last order of a price left the (empty) level in the book. */
  'cancel-leaves-level': 'removing the last order at a price leaves an empty level behind',
  /** 3.0.0: an IOC order that traded part of its size rested the rest. */
  'ioc-rests': 'an IOC order that partly fills rests the rest of its size',
  /** 3.0.2: amend re-inserted the order even when it only got smaller, losing its place. */
  'amend-requeues': 'an amend that only reduces the size sends the order to the back of its queue',
  /** 1.x: sizes were subtracted without rounding, leaving dust such as 2.7e-17 resting. */
  'float-dust': 'sizes are subtracted as raw floats, so 0.3 - 0.1 - 0.2 leaves dust resting',
};

export class LimitBookError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'LimitBookError';
    this.code = code;
  }
}

export class LimitBook {
  constructor(options = {}) {
    const bugs = options.bugs ?? [];
    for (const bug of bugs) if (!(bug in BUGS)) throw new LimitBookError('ERR_OPTION', `unknown bug ${bug}`);
    this.bugs = new Set(bugs);
    this.nextId = 1;
    this.orders = new Map();
    /** Best first: bids high to low, asks low to high. Each level: { price, volume, queue }. */
    this.bids = [];
    this.asks = [];
  }

  /**
   * Adds an order: matches what it can, then rests the rest (GTC limit orders only).
   * Market orders have no price. FOK orders fill completely or not at all.
   */
  add(order) {
    const side = order.side;
    if (side !== 'bid' && side !== 'ask') throw new LimitBookError('ERR_INVALID_SIDE', `bad side ${side}`);
    const size = Number(order.size);
    if (!(size > 0) || !Number.isFinite(size))
      throw new LimitBookError('ERR_INVALID_SIZE', `bad size ${order.size}`);
    const market = order.price === undefined || order.price === null;
    const price = market ? undefined : Number(order.price);
    if (!market && (!(price > 0) || !Number.isFinite(price)))
      throw new LimitBookError('ERR_INVALID_PRICE', `bad price ${order.price}`);
    const tif = order.tif ?? 'GTC';
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK')
      throw new LimitBookError('ERR_INVALID_TIF', `bad tif ${tif}`);
    if (order.postOnly && !market && this.crosses(side, price))
      throw new LimitBookError('ERR_WOULD_TAKE', 'a post-only order would take liquidity');
    const entry = {
      id: this.nextId++,
      side,
      price,
      size,
      remaining: size,
      postOnly: order.postOnly === true,
      tag: order.tag,
    };
    if (tif === 'FOK' && this.available(side, price) < size - 1e-12) {
      return { id: entry.id, matches: [], remaining: size, resting: false };
    }
    const matches = this.match(entry);
    let resting = false;
    const immediate = market || tif === 'FOK' || tif === 'IOC';
    const mayRest = this.bugs.has('ioc-rests')
      ? !market && (tif !== 'IOC' || matches.length > 0)
      : !immediate;
    if (entry.remaining > 0 && mayRest) {
      this.rest(entry);
      resting = true;
    }
    return { id: entry.id, matches, remaining: entry.remaining, resting };
  }

  /** Removes a resting order; returns it as it was. */
  remove(id) {
    const order = this.orders.get(id);
    if (order === undefined) throw new LimitBookError('ERR_UNKNOWN_ORDER', `no resting order ${id}`);
    const levels = this.sideOf(order.side);
    const level = levels.find((l) => l.price === order.price);
    level.queue.splice(level.queue.indexOf(order), 1);
    level.volume = this.minus(level.volume, order.remaining);
    if (level.queue.length === 0 && !this.bugs.has('cancel-leaves-level'))
      levels.splice(levels.indexOf(level), 1);
    this.orders.delete(id);
    return { id, side: order.side, price: order.price, size: order.size, remaining: order.remaining };
  }

  /**
   * Changes a resting order's price and/or open size. A new price, or a larger size, sends it
   * to the back of the queue (and a new price may trade); a smaller size keeps its place.
   */
  amend(id, change) {
    const order = this.orders.get(id);
    if (order === undefined) throw new LimitBookError('ERR_UNKNOWN_ORDER', `no resting order ${id}`);
    const price = change.price === undefined ? order.price : Number(change.price);
    const size = change.size === undefined ? order.remaining : Number(change.size);
    if (!(size > 0) || !Number.isFinite(size))
      throw new LimitBookError('ERR_INVALID_SIZE', `bad size ${change.size}`);
    if (!(price > 0) || !Number.isFinite(price))
      throw new LimitBookError('ERR_INVALID_PRICE', `bad price ${change.price}`);
    const level = this.sideOf(order.side).find((l) => l.price === order.price);
    const keepsPlace = price === order.price && size <= order.remaining && !this.bugs.has('amend-requeues');
    if (keepsPlace) {
      level.volume = this.minus(level.volume, order.remaining - size);
      order.remaining = size;
      return { id, matches: [], remaining: size, resting: true };
    }
    if (order.postOnly && price !== order.price && this.crosses(order.side, price))
      throw new LimitBookError('ERR_WOULD_TAKE', 'a post-only order would take liquidity');
    this.remove(id);
    const entry = { ...order, price, remaining: size };
    const matches = this.match(entry);
    if (entry.remaining > 0) this.rest(entry);
    return { id, matches, remaining: entry.remaining, resting: entry.remaining > 0 };
  }

  /** Every level, best first, with its volume and its orders (front of the queue first). */
  depth() {
    const view = (levels) =>
      levels.map((l) => ({
        price: l.price,
        volume: l.volume,
        orders: l.queue.map((o) => ({ id: o.id, remaining: o.remaining })),
      }));
    return { bids: view(this.bids), asks: view(this.asks) };
  }

  /** A resting order, or undefined. */
  get(id) {
    const o = this.orders.get(id);
    return o === undefined
      ? undefined
      : { id: o.id, side: o.side, price: o.price, size: o.size, remaining: o.remaining };
  }

  // ------------------------------------------------------------------ internals

  sideOf(side) {
    return side === 'bid' ? this.bids : this.asks;
  }

  /** Whether a price reaches the best opposite level. */
  crosses(side, price) {
    const best = (side === 'bid' ? this.asks : this.bids)[0];
    return best !== undefined && (side === 'bid' ? best.price <= price : best.price >= price);
  }

  /** Volume an order of this side and limit could take now. */
  available(side, price) {
    let total = 0;
    for (const level of side === 'bid' ? this.asks : this.bids) {
      if (price !== undefined && (side === 'bid' ? level.price > price : level.price < price)) break;
      total += level.volume;
    }
    return total;
  }

  match(taker) {
    const matches = [];
    const opposite = taker.side === 'bid' ? this.asks : this.bids;
    while (taker.remaining > 0 && opposite.length > 0) {
      const level = opposite[0];
      const limit = taker.price;
      if (limit !== undefined && (taker.side === 'bid' ? level.price > limit : level.price < limit)) break;
      while (taker.remaining > 0 && level.queue.length > 0) {
        const maker = level.queue[0];
        let size;
        if (maker.remaining <= taker.remaining) {
          // The resting order is used up.
          size = maker.remaining;
          maker.remaining = 0;
        } else {
          // The taker is used up: the resting order keeps the rest.
          size = taker.remaining;
          maker.remaining = this.bugs.has('partial-fill-remaining')
            ? size
            : this.minus(maker.remaining, size);
        }
        taker.remaining = this.minus(taker.remaining, size);
        level.volume = this.minus(level.volume, size);
        matches.push({ restingId: maker.id, price: level.price, size });
        if (!(maker.remaining > 0)) {
          level.queue.shift();
          this.orders.delete(maker.id);
        }
      }
      if (level.queue.length === 0) opposite.shift();
    }
    return matches;
  }

  rest(order) {
    const levels = this.sideOf(order.side);
    const better = (a, b) => (order.side === 'bid' ? a > b : a < b);
    let i = 0;
    while (i < levels.length && better(levels[i].price, order.price)) i++;
    let level = levels[i];
    if (level === undefined || level.price !== order.price) {
      level = { price: order.price, volume: 0, queue: [] };
      levels.splice(i, 0, level);
    }
    level.queue.push(order);
    level.volume = this.plus(level.volume, order.remaining);
    this.orders.set(order.id, order);
  }

  /** Sizes are rounded to 12 decimals after every step, so no binary dust is ever kept. */
  minus(a, b) {
    return this.bugs.has('float-dust') ? a - b : Math.round((a - b) * 1e12) / 1e12;
  }

  plus(a, b) {
    return this.bugs.has('float-dust') ? a + b : Math.round((a + b) * 1e12) / 1e12;
  }
}
