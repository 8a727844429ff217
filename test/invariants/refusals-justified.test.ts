import { describe, expect, it } from 'vitest';
import { check, cleanEvidence } from './check.ts';
import { BTC, Scenario } from './evidence-builder.ts';

const NAME = 'requests.refusals-justified';

describe(NAME, () => {
  it('passes a clean run', () => {
    expect(check(NAME, cleanEvidence())).toEqual([]);
  });

  it('catches off_tick_refused_as_out_of_band: a reason no rule makes apply', () => {
    const s = new Scenario({ bugs: ['off_tick_refused_as_out_of_band'] });
    s.place('maker', 'm1', 'buy', 20000.25, 0.01);
    const violations = check(NAME, s.evidence());
    expect(violations.map((v) => v.message)).toEqual([
      'step 0 (place by maker buy 0.01 @ 20000.25 limit m1) was refused price_out_of_band: no rule makes price_out_of_band apply (what applies: price_off_tick)',
    ]);
    expect(violations[0].steps).toEqual([0]);
  });

  it('holds the venue to its declared check order, and to none when it declares none', () => {
    const s = new Scenario();
    // Off the lot and off the tick: the reference venue checks the quantity first.
    s.place('maker', 'm1', 'buy', 20000.25, 0.0005);
    s.cancel('taker', 'nothing');
    s.setMark(BTC, 0);
    const evidence = s.evidence();
    expect(evidence.history.map((op) => (op.reply as { code?: string }).code)).toEqual([
      'qty_not_lot_multiple',
      'unknown_order',
      'price_not_positive',
    ]);
    expect(check(NAME, evidence)).toEqual([]);

    const priceFirst = structuredClone(evidence);
    priceFirst.extra.config.rejectPrecedence = {
      place: ['client_order_id', 'unknown_symbol', 'price'],
    };
    // An order that leaves out one of the failing checks ranks nothing: any applicable reason.
    expect(check(NAME, priceFirst)).toEqual([]);
    priceFirst.extra.config.rejectPrecedence = {
      place: [
        'client_order_id',
        'unknown_symbol',
        'forbidden_symbol',
        'halted',
        'duplicate_client_order_id',
        'order_fields',
        'price',
        'qty',
        'post_only_would_cross',
        'max_position',
        'funds',
        'venue_rejected',
      ],
    };
    expect(check(NAME, priceFirst).map((v) => v.message)).toEqual([
      'step 0 (place by maker buy 0.0005 @ 20000.25 limit m1) was refused qty_not_lot_multiple: the declared check order puts price first, so the reason is price_off_tick (what applies: qty_not_lot_multiple, qty_below_min, price_off_tick)',
    ]);
    const none = structuredClone(evidence);
    none.extra.config.rejectPrecedence = {};
    expect(check(NAME, none)).toEqual([]);
  });
});
