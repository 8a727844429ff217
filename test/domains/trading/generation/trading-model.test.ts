import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradingActions } from '../../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { TradingModel } from '../../../../src/domains/trading/generation/trading-model.ts';
import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import type { OrderRef } from '../../../../src/domains/trading/protocol/exchange-input.ts';
import type { OrderTarget } from '../../../../src/domains/trading/trading-action.ts';
import { Engine } from '../../../../src/exchange/engine/engine.ts';

/**
 * The model only biases generation, but a bias is only as good as its predictions: compare
 * them with the reference engine, request by request.
 */
describe('the generation model', () => {
  it('predicts which places are accepted and which cancels reach a live order', () => {
    const seed = 12;
    const agree = { places: 0, placesAgreeing: 0, cancels: 0, cancelsAgreeing: 0 };
    for (const actions of fc.sample(tradingActions({ seed, maxActions: 40 }), { seed: 3, numRuns: 150 })) {
      const model = new TradingModel(seed, actions.length);
      const engine = new Engine({ config: defaultExchangeConfig() });
      const orderIds = new Map<number, string>();
      const ref = (t: OrderTarget): OrderRef => {
        const orderId = t.byOrderId ? orderIds.get(t.step) : undefined;
        return orderId ? { orderId } : { clientOrderId: t.clientOrderId };
      };
      actions.forEach((a, step) => {
        const predictedLive = a.kind === 'cancel' && model.resolveTarget(a.client, a.target)?.live === true;
        model.apply(a);
        if (a.kind === 'place') {
          const { price, qty, tif, stp } = a;
          const out = engine.apply(
            {
              op: 'place',
              account: a.client,
              symbol: a.symbol,
              side: a.side,
              type: a.orderType,
              ...(tif ? { tif } : {}),
              ...('price' in a ? { price } : {}),
              qty,
              clientOrderId: a.clientOrderId,
              ...(stp ? { stp } : {}),
            },
            step,
          );
          if (out.response.ok && out.response.result.kind === 'order') {
            orderIds.set(step, out.response.result.order.orderId);
          }
          agree.places += 1;
          if (model.orders[model.orders.length - 1].accepted === out.response.ok) agree.placesAgreeing += 1;
        } else if (a.kind === 'cancel') {
          const out = engine.apply({ op: 'cancel', account: a.client, ...ref(a.target) }, step);
          agree.cancels += 1;
          if (predictedLive === out.response.ok) agree.cancelsAgreeing += 1;
        } else if (a.kind === 'replace') {
          engine.apply(
            {
              op: 'replace',
              account: a.client,
              ...ref(a.target),
              ...('price' in a ? { price: a.price } : {}),
              ...('qty' in a ? { qty: a.qty } : {}),
            },
            step,
          );
        } else if (a.kind === 'cancel_all') {
          engine.apply(
            { op: 'cancel_all', account: a.client, ...(a.symbol ? { symbol: a.symbol } : {}) },
            step,
          );
        } else if (a.kind === 'set_mark') {
          engine.apply({ op: 'set_mark', symbol: a.symbol, price: a.price }, step);
        }
      });
    }
    expect(agree.placesAgreeing / agree.places).toBeGreaterThan(0.95);
    expect(agree.cancelsAgreeing / agree.cancels).toBeGreaterThan(0.95);
  });

  it('follows price-time priority, self-trade prevention and the band', () => {
    const model = new TradingModel(1, 20);
    const place = (
      client: 'maker' | 'taker',
      side: 'buy' | 'sell',
      price: number,
      qty: number,
      stp?: 'cancel_oldest',
    ) =>
      model.apply({
        kind: 'place',
        client,
        gapMs: 0,
        symbol: 'SANDBOX.BTC-USD',
        side,
        orderType: 'limit',
        tif: 'gtc',
        price,
        qty,
        clientOrderId: model.nextClientOrderId(),
        ...(stp ? { stp } : {}),
      });
    place('maker', 'sell', 20000, 0.1);
    place('maker', 'sell', 20000, 0.1);
    place('taker', 'buy', 20000, 0.15);
    expect(model.orders.map((o) => [o.filledLots, o.live])).toEqual([
      [100, false],
      [50, true],
      [150, false],
    ]);
    place('maker', 'buy', 20000, 0.1);
    expect(model.orders[3].live).toBe(false); // cancel_newest: the taker is cancelled
    place('maker', 'buy', 20000, 0.1, 'cancel_oldest');
    expect(model.orders[1].live).toBe(false);
    expect(model.orders[4].live).toBe(true);
    model.apply({ kind: 'set_mark', client: 'admin', gapMs: 0, symbol: 'SANDBOX.BTC-USD', price: 21100 });
    expect(model.orders[4].live).toBe(false); // 20000 is below the new band
    expect(model.position('taker', 'SANDBOX.BTC-USD')).toBe(150);
  });
});
