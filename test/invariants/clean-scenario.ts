import { BTC, ETH, Scenario, type ScenarioOptions } from './evidence-builder.ts';

/**
 * A bug-free run that touches most of the surface: resting and crossing orders, partial
 * fills, ioc, market, fok both ways, post-only, replaces that keep and lose priority, cancels
 * by client id and by order id, cancel-all, a mark move, a second instrument, rejects, and a
 * resume and a resync with events missed while away.
 */
export function cleanScenario(options: ScenarioOptions = {}): Scenario {
  const s = new Scenario(options);
  s.place('maker', 'm1', 'sell', 20000, 0.02);
  s.place('bystander', 'b1', 'sell', 20000, 0.01);
  s.place('maker', 'm2', 'sell', 20000.5, 0.01);
  s.place('maker', 'm3', 'buy', 19990, 0.05);
  s.place('taker', 't1', 'buy', 20000, 0.015);
  s.place('taker', 't2', 'buy', 20000.5, 0.01, { tif: 'ioc' });
  s.replace('maker', 'm2', { price: 20000 });
  s.market('taker', 't3', 'buy', 0.01);
  s.place('taker', 't4', 'sell', 19990, 1, { tif: 'fok' });
  s.place('taker', 't5', 'sell', 19990, 0.02, { tif: 'fok' });
  s.place('bystander', 'b2', 'buy', 19995, 0.01, { tif: 'post_only' });
  s.cancel('maker', 'm3', true);
  s.setMark(BTC, 20100);
  s.replace('maker', 'm2', { qty: 0.008 });
  s.place('maker', 'e1', 'sell', 1000, 1, { symbol: ETH });
  s.place('taker', 'e2', 'buy', 1000, 0.5, { symbol: ETH });
  s.place('taker', 'e3', 'buy', 990, 0.3, { symbol: ETH });
  s.cancelAll('taker');
  s.place('maker', 'm1', 'sell', 20000, 0.01);
  s.place('maker', 'bad', 'sell', 20000, 0.0005);
  s.drop('maker');
  s.place('taker', 't6', 'buy', 20000, 0.002);
  s.reconnect('maker', 'resume');
  s.drop('bystander');
  s.place('taker', 't7', 'sell', 19995, 0.004);
  s.reconnect('bystander', 'resync');
  s.reconnect('taker', 'resync');
  s.place('maker', 'm4', 'buy', 19995, 0.01);
  s.place('taker', 't8', 'sell', 19995, 0.01);
  return s;
}
