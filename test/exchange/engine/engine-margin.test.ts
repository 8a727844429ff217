import { describe, expect, it } from 'vitest';
import { BTC, ETH, eventsOf, orderOf, reasonOf, Venue } from './engine-fixture.ts';

const START = 1_000_000;

describe('reserve math', () => {
  it('one resting buy: requirement = qty x mark / leverage', () => {
    const v = new Venue();
    const out = v.buy('maker', 'b', 19990, 1);
    // 1 x 20000 (the mark, not the limit price) / 5
    const balance = {
      cash: START,
      reserved: 4000,
      positionMargin: 0,
      equity: START,
      available: START - 4000,
    };
    expect(eventsOf(out, 'balance')).toEqual([{ type: 'balance', ...balance }]);
    expect(v.account('maker')).toEqual({
      id: 'maker',
      leverage: 5,
      sandbox: true,
      ...balance,
      positions: [],
    });
  });

  it('after a partial fill the position needs margin and the rest of the order is reserved', () => {
    const v = new Venue();
    v.buy('maker', 'b', 19990, 1);
    v.sell('taker', 's', 19990, 0.4);
    // maker: pos 0.4, open buy 0.6; worst case |0.4 + 0.6| = 1 -> 4000; pos alone 0.4 -> 1600.
    // cash 1,000,000 - 0.4 x 19990 = 992,004; equity 992,004 + 0.4 x 20000 = 1,000,004.
    expect(v.account('maker')).toMatchObject({
      cash: 992_004,
      reserved: 2400,
      positionMargin: 1600,
      equity: 1_000_004,
      available: 1_000_004 - 4000,
      positions: [{ symbol: BTC, qty: 0.4, unrealizedPnl: 4 }],
    });
    // taker: pos -0.4, nothing open.
    expect(v.account('taker')).toMatchObject({
      cash: 1_007_996,
      reserved: 0,
      positionMargin: 1600,
      equity: 999_996,
      available: 999_996 - 1600,
      positions: [{ symbol: BTC, qty: -0.4, unrealizedPnl: -4 }],
    });
  });

  it('set_mark revalues positions, margins and equity', () => {
    const v = new Venue();
    v.buy('maker', 'b', 19990, 1);
    v.sell('taker', 's', 19990, 0.4);
    const out = v.setMark(21000);
    // maker at mark 21000: worst 1 -> 4200, pos 0.4 -> 1680, equity 992,004 + 8400.
    expect(v.account('maker')).toMatchObject({
      reserved: 2520,
      positionMargin: 1680,
      equity: 1_000_404,
      available: 1_000_404 - 4200,
      positions: [{ symbol: BTC, qty: 0.4, unrealizedPnl: 404 }],
    });
    expect(v.account('taker')).toMatchObject({ equity: 1_007_996 - 8400, positionMargin: 1680 });
    expect(eventsOf(out, 'position')).toEqual([
      { type: 'position', symbol: BTC, qty: 0.4, markPrice: 21000, unrealizedPnl: 404 },
      { type: 'position', symbol: BTC, qty: -0.4, markPrice: 21000, unrealizedPnl: -404 },
    ]);
    expect(eventsOf(out, 'balance')).toHaveLength(2);
  });

  it('buys and sells on one instrument reserve the worse side, not both', () => {
    const v = new Venue();
    v.buy('maker', 'b', 19990, 1);
    v.sell('maker', 's', 20010, 0.75);
    expect(v.account('maker').reserved).toBe(4000);
    v.sell('maker', 's2', 20020, 0.5);
    // sells now total 1.25 > buys 1
    expect(v.account('maker').reserved).toBe(5000);
  });

  it('instruments add up; ETH uses its own mark and lot', () => {
    const v = new Venue();
    v.buy('maker', 'b', 19990, 1);
    v.apply({
      op: 'place',
      account: 'maker',
      symbol: ETH,
      side: 'sell',
      type: 'limit',
      price: 1010.25,
      qty: 2.5,
      clientOrderId: 'e',
    });
    // 4000 + 2.5 x 1000 / 5 = 4500
    expect(v.account('maker')).toMatchObject({ reserved: 4500, available: START - 4500 });
  });

  it('rounds the requirement up to the cash grid', () => {
    const v = new Venue({
      config: (c) => {
        c.accounts[0].leverage = 3;
      },
    });
    v.buy('maker', 'b', 19990, 0.001);
    // 0.001 x 20000 / 3 = 6.6666... -> 6.6667 (cash has 4 decimals here)
    expect(v.account('maker').reserved).toBe(6.6667);
  });

  it('leverage 1 reserves the full value', () => {
    const v = new Venue();
    v.buy('bystander', 'b', 19990, 2);
    expect(v.account('bystander')).toMatchObject({ reserved: 40_000, available: 60_000 });
  });
});

describe('reducing orders', () => {
  it('need no margin, even with nothing available', () => {
    const v = new Venue();
    v.sell('maker', 'm', 20000, 5);
    v.buy('bystander', 'b', 20000, 5);
    expect(v.account('bystander')).toMatchObject({ available: 0, positionMargin: 100_000, reserved: 0 });
    expect(reasonOf(v.buy('bystander', 'more', 19000, 0.001))).toBe('insufficient_funds');
    const reduce = v.sell('bystander', 'reduce', 20500, 3);
    expect(orderOf(reduce).status).toBe('open');
    expect(v.account('bystander')).toMatchObject({ available: 0, reserved: 0 });
    // Another 2 still only reduce (worst case stays |5|); a further 0.001 would not add either.
    expect(orderOf(v.sell('bystander', 'reduce2', 20500, 2)).status).toBe('open');
    expect(orderOf(v.sell('bystander', 'reduce3', 20500, 0.001)).status).toBe('open');
  });

  it('an order that flips the position is charged only for the exposure beyond the current one', () => {
    const v = new Venue();
    v.sell('maker', 'm', 20000, 5);
    v.buy('bystander', 'b', 20000, 5);
    // Selling 5 then another 5 would leave -5: the same worst case as +5, so it is allowed.
    orderOf(v.sell('bystander', 's1', 20500, 5));
    orderOf(v.sell('bystander', 's2', 20500, 5));
    expect(reasonOf(v.sell('bystander', 's3', 20500, 0.001))).toBe('insufficient_funds');
  });
});

describe('valuation at the mark', () => {
  it('a leverage-1 buy above the mark is checked at the mark, so cash can go negative', () => {
    const v = new Venue();
    v.sell('maker', 'm', 21000, 5);
    expect(orderOf(v.buy('bystander', 'b', 21000, 5)).status).toBe('filled');
    expect(v.account('bystander')).toMatchObject({
      cash: -5000,
      equity: 95_000,
      positionMargin: 100_000,
      available: -5000,
      positions: [{ symbol: BTC, qty: 5, unrealizedPnl: -5000 }],
    });
  });
});

describe('no liquidation', () => {
  it('a mark move can leave available negative; nothing is closed', () => {
    const v = new Venue({
      config: (c) => {
        c.accounts[1].cash = 5000;
      },
    });
    v.sell('maker', 'm', 20000, 1);
    v.buy('taker', 't', 20000, 1); // needs 4000 of 5000
    v.setMark(19000);
    // cash -15000; equity -15000 + 19000 = 4000; position margin 3800
    expect(v.account('taker')).toMatchObject({
      cash: -15_000,
      equity: 4000,
      positionMargin: 3800,
      available: 200,
    });
    v.setMark(18100);
    expect(v.account('taker')).toMatchObject({ equity: 3100, positionMargin: 3620, available: -520 });
    expect(v.account('taker').positions).toEqual([{ symbol: BTC, qty: 1, unrealizedPnl: -1900 }]);
    expect(reasonOf(v.buy('taker', 't2', 18100, 0.001))).toBe('insufficient_margin');
    expect(orderOf(v.sell('taker', 't3', 18100, 1)).status).toBe('open');
  });
});

describe('conservation', () => {
  it('cash moves between accounts and positions sum to zero', () => {
    const v = new Venue();
    v.sell('maker', 'a', 20000, 1);
    v.sell('bystander', 'b', 20000.5, 1);
    v.buy('taker', 'c', 20001, 1.5);
    v.sell('taker', 'd', 19990, 0.7, { tif: 'ioc' });
    v.buy('maker', 'e', 19990, 1);
    v.sell('taker', 'f', 19990, 0.7);
    v.setMark(20100);
    const accounts = ['maker', 'taker', 'bystander'].map((id) => v.account(id));
    const cash = accounts.reduce((s, a) => s + a.cash, 0);
    expect(cash).toBeCloseTo(2_100_000, 6);
    const position = accounts.flatMap((a) => a.positions).reduce((s, p) => s + p.qty, 0);
    expect(position).toBeCloseTo(0, 9);
    for (const a of accounts) {
      const value = a.positions.reduce((s, p) => s + p.qty * 20100, 0);
      expect(a.equity).toBeCloseTo(a.cash + value, 6);
    }
  });
});
