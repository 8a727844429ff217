import { describe, expect, it } from 'vitest';
import { eventsOf, orderOf, reasonOf, Venue } from './engine-fixture.ts';

/** A venue built with some of its test modes on (ExchangeConfig.venueModes). */
const venue = (modes: { rejectEntries?: boolean; rejectExits?: boolean; rejectCancels?: boolean }) =>
  new Venue({
    config: (c) => {
      c.venueModes = { ...c.venueModes, ...modes };
    },
  });

describe('venue modes', () => {
  it('reject entries: an order that opens or grows a position is refused, one that reduces it is not', () => {
    const v = venue({});
    orderOf(v.sell('maker', 'ask', 20000, 0.002));
    orderOf(v.buy('taker', 'in', 20000, 0.002));
    const strict = venue({ rejectEntries: true });
    const out = strict.buy('taker', 'in', 20000, 0.002);
    expect(reasonOf(out)).toBe('venue_rejected');
    expect(eventsOf(out, 'order_rejected')).toMatchObject([{ reason: 'venue_rejected', request: 'place' }]);
  });

  it('reject exits: an order that reduces a position is refused; entries still trade', () => {
    const v = venue({ rejectExits: true });
    orderOf(v.sell('maker', 'ask', 20000, 0.002));
    orderOf(v.buy('taker', 'in', 20000, 0.002));
    orderOf(v.buy('bystander', 'bid', 19990, 0.002));
    expect(reasonOf(v.sell('taker', 'out', 19990, 0.002))).toBe('venue_rejected');
    orderOf(v.buy('taker', 'more', 19990, 0.001));
  });

  it('reject cancels: a cancel of an open order is refused and the order stays', () => {
    const v = venue({ rejectCancels: true });
    orderOf(v.buy('maker', 'bid', 19990, 0.002));
    const out = v.cancel('maker', 'O1');
    expect(reasonOf(out)).toBe('venue_rejected');
    expect(eventsOf(out, 'order_cancelled')).toEqual([]);
  });
});
