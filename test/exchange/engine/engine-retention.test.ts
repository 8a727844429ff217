import { describe, expect, it } from 'vitest';
import { BTC, ETH, eventsOf, Venue } from './engine-fixture.ts';

/**
 * The engine's memory is bounded by counts, not by how long it runs: finished orders (and the
 * client ids they hold) by retainFinishedOrders, spare records by a constant, book levels by
 * the band; `reset` lets all of it go. Counted through Engine.retained(), never through RSS.
 */
const LIMIT = 50;

/** One resting order and one fill or cancel per step, over both instruments and three accounts. */
function churn(v: Venue, steps: number, prefix = 'c'): void {
  const accounts = ['maker', 'taker', 'bystander'];
  for (let i = 0; i < steps; i++) {
    const account = accounts[i % 3];
    const other = accounts[(i + 1) % 3];
    const symbol = i % 2 === 0 ? BTC : ETH;
    const price = symbol === BTC ? 19_500 + (i % 400) * 0.5 : 990 + (i % 400) * 0.01;
    const qty = symbol === BTC ? 0.001 : 0.01;
    const placed = v.apply({
      op: 'place',
      account,
      symbol,
      side: 'buy',
      type: 'limit',
      price,
      qty,
      clientOrderId: `${prefix}${i}`,
    });
    expect(placed.response.ok).toBe(true);
    if (i % 3 === 0) {
      // Another account takes it: two finished orders (the maker filled, the taker filled).
      v.apply({
        op: 'place',
        account: other,
        symbol,
        side: 'sell',
        type: 'limit',
        tif: 'ioc',
        price,
        qty,
        clientOrderId: `${prefix}${i}-t`,
      });
    } else {
      const orderId =
        placed.response.ok && placed.response.result.kind === 'order'
          ? placed.response.result.order.orderId
          : '';
      v.cancel(account, orderId);
    }
  }
}

describe('engine retention', () => {
  it('after many finished orders keeps at most retainFinishedOrders of them, and their client ids', () => {
    const v = new Venue({ config: (c) => (c.retainFinishedOrders = LIMIT) });
    v.buy('maker', 'resting', 19_000, 0.001); // stays open throughout
    churn(v, 20 * LIMIT);
    const retained = v.engine.retained();
    expect(retained.openOrders).toBe(1);
    expect(retained.finishedOrders).toBe(LIMIT);
    expect(retained.indexedOrders).toBe(1 + LIMIT);
    expect(retained.clientOrderIds).toBe(1 + LIMIT);
    expect(retained.spareOrders).toBeLessThanOrEqual(1024);
    // The long-resting order is never forgotten.
    expect(v.engine.orderStatus('maker', { clientOrderId: 'resting' })).toMatchObject({
      ok: true,
      result: { order: { orderId: 'O1', status: 'open' } },
    });
  });

  it('stays within the limit at every step, not only at the end', () => {
    const v = new Venue({ config: (c) => (c.retainFinishedOrders = LIMIT) });
    for (let round = 0; round < 40; round++) {
      churn(v, 25, `r${round}-`);
      const retained = v.engine.retained();
      expect(retained.finishedOrders).toBeLessThanOrEqual(LIMIT);
      expect(retained.indexedOrders).toBeLessThanOrEqual(retained.openOrders + LIMIT);
      expect(retained.clientOrderIds).toBe(retained.indexedOrders);
    }
  });

  it('answers a forgotten order with unknown_order everywhere, and frees its client id', () => {
    const v = new Venue({ config: (c) => (c.retainFinishedOrders = 2) });
    v.buy('maker', 'old', 19_990, 0.001); // O1
    v.cancel('maker', 'O1');
    v.buy('maker', 'a', 19_990, 0.001); // O2
    v.cancel('maker', 'O2');
    v.buy('maker', 'b', 19_990, 0.001); // O3
    v.cancel('maker', 'O3'); // O1 is forgotten now
    expect(v.engine.orderStatus('maker', { orderId: 'O1' })).toEqual({ ok: false, reason: 'unknown_order' });
    expect(v.engine.orderStatus('maker', { clientOrderId: 'old' })).toEqual({
      ok: false,
      reason: 'unknown_order',
    });
    const cancel = v.cancel('maker', 'O1');
    expect(cancel.response).toEqual({ ok: false, reason: 'unknown_order' });
    expect(eventsOf(cancel, 'order_rejected')).toEqual([
      { type: 'order_rejected', request: 'cancel', reason: 'unknown_order', orderId: 'O1' },
    ]);
    expect(v.replace('maker', 'O1', { qty: 0.002 }).response).toEqual({ ok: false, reason: 'unknown_order' });
    // A remembered one is still a duplicate; the forgotten one's id is free again.
    expect(v.buy('maker', 'b', 19_990, 0.001).response).toMatchObject({
      ok: false,
      reason: 'duplicate_client_order_id',
    });
    expect(v.buy('maker', 'old', 19_990, 0.001).response.ok).toBe(true);
  });

  it('keeps book levels bounded when prices empty and fill again all over the band', () => {
    const v = new Venue();
    // Every BTC tick of the lower half of the band gets an order, then loses it.
    for (let i = 0; i < 2000; i++) {
      v.buy('maker', `l${i}`, 19_000 + i * 0.5, 0.001);
      v.cancel('maker', `O${i + 1}`);
    }
    // Emptied levels are swept once more than 1024 of them are the majority of a side.
    expect(v.engine.retained().bookLevels).toBeLessThanOrEqual(1025);
    expect(v.levels('bids')).toEqual([]);
  });

  it('reset lets every order record, client id, book level and spare record go', () => {
    const v = new Venue({ config: (c) => (c.retainFinishedOrders = LIMIT) });
    for (let i = 0; i < 20; i++) v.sell('taker', `rest${i}`, 20_500 + i, 0.001);
    churn(v, 10 * LIMIT);
    const before = v.engine.retained();
    expect(before.openOrders).toBe(20);
    expect(before.finishedOrders).toBe(LIMIT);
    expect(before.bookLevels).toBeGreaterThan(20);
    expect(before.spareOrders).toBeGreaterThan(0);

    expect(v.apply({ op: 'reset' }).response).toEqual({ ok: true, result: { kind: 'reset' } });
    expect(v.engine.retained()).toEqual({
      openOrders: 0,
      finishedOrders: 0,
      indexedOrders: 0,
      clientOrderIds: 0,
      bookLevels: 0,
      spareOrders: 0,
    });
    // And it works on from there, ids carrying on, client ids free again.
    const again = v.buy('maker', 'c0', 19_990, 0.001);
    expect(again.response).toMatchObject({ ok: true, result: { order: { status: 'open' } } });
    churn(v, 3 * LIMIT, 'after-');
    expect(v.engine.retained().finishedOrders).toBe(LIMIT);
  });
});
