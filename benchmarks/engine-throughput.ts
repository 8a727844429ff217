import seedrandom from 'seedrandom';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput } from '../src/domains/trading/protocol/exchange-input.ts';
import { Engine } from '../src/exchange/engine/engine.ts';
import { type BenchRow, opsPerSecond } from './bench-table.ts';

const SYMBOL = 'SANDBOX.BTC-USD';

/** Roomy limits so the mix measures matching, not risk rejects. */
function benchConfig(): ExchangeConfig {
  const config = defaultExchangeConfig();
  config.instruments = config.instruments.map((i) => ({ ...i, maxPosition: 1_000_000, maxQty: 1000 }));
  config.accounts = config.accounts.map((a) => ({ ...a, cash: 1e9, leverage: 5 }));
  config.retainFinishedOrders = 10_000;
  return config;
}

/**
 * The realistic mix: 70% limit orders priced on both sides of the mark, 20% cancels of
 * orders placed about a thousand placements earlier, 10% market orders that eat the top.
 * Inputs are generated up front (so the timed loop measures only the engine) against a
 * scratch engine, which lets the generator size market orders to hold the book near
 * 1,000 resting orders; the engine is deterministic, so the timed replay sees the same book.
 */
export function generateMix(count: number, seed: string): ExchangeInput[] {
  const rng = seedrandom(seed);
  const scratch = new Engine({ config: benchConfig() });
  const accounts = ['maker', 'taker', 'bystander'];
  const inputs: ExchangeInput[] = [];
  let placed = 0;
  let resting = 0;
  for (let n = 0; n < count; n++) {
    if (n % 200 === 0) resting = scratch.snapshot().orders.length;
    const r = rng();
    const account = accounts[Math.floor(rng() * 3)];
    let input: ExchangeInput;
    if (r < 0.7) {
      const isBuy = rng() < 0.5;
      const offset = 1 + Math.floor(rng() * 400);
      placed++;
      input = {
        op: 'place',
        account,
        symbol: SYMBOL,
        side: isBuy ? 'buy' : 'sell',
        type: 'limit',
        price: 20000 + (isBuy ? -offset : offset) * 0.5,
        qty: (1 + Math.floor(rng() * 10)) / 1000,
        clientOrderId: `c${n}`,
      };
    } else if (r < 0.9) {
      const target = Math.max(1, placed - 1000 + Math.floor(rng() * 200));
      input = { op: 'cancel', account, orderId: `O${target}` };
    } else {
      const lots = resting > 1000 ? 40 + Math.floor(rng() * 40) : 2 + Math.floor(rng() * 10);
      input = {
        op: 'place',
        account,
        symbol: SYMBOL,
        side: rng() < 0.5 ? 'buy' : 'sell',
        type: 'market',
        qty: lots / 1000,
        clientOrderId: `c${n}`,
        stp: 'cancel_oldest',
      };
    }
    scratch.apply(input, n);
    inputs.push(input);
  }
  return inputs;
}

export function runEngineBenchmark(durationMs = 3000): { rows: BenchRow[]; resting: number } {
  const inputs = generateMix(400_000, 'bench');
  let engine = new Engine({ config: benchConfig() });
  let i = 0;
  let time = 0;
  const engineOps = (): number => {
    for (let k = 0; k < 10_000; k++) {
      if (i === inputs.length) {
        engine = new Engine({ config: benchConfig() });
        i = 0;
      }
      engine.apply(inputs[i++], ++time);
    }
    return 10_000;
  };
  // Warm the book up to its steady state before timing.
  for (let k = 0; k < 10; k++) engineOps();
  const resting = engine.snapshot().orders.length;
  const engineRate = opsPerSecond(engineOps, durationMs);

  // Ceiling: the same inputs through a bare loop that only keeps a Map of live orders.
  const live = new Map<string, ExchangeInput>();
  let j = 0;
  const bareOps = (): number => {
    for (let k = 0; k < 10_000; k++) {
      if (j === inputs.length) j = 0;
      const input = inputs[j++];
      if (input.op === 'place') live.set(input.clientOrderId, input);
      else if (input.op === 'cancel') live.delete(input.orderId ?? '');
      if (live.size > 2000) live.clear();
    }
    return 10_000;
  };
  const bareRate = opsPerSecond(bareOps, durationMs);
  return {
    resting,
    rows: [
      {
        name: 'engine ops/s (70% limit, 20% cancel, 10% market)',
        value: engineRate,
        unit: 'ops/s',
        ceilingName: 'bare Map loop over the same inputs',
        ceiling: bareRate,
        target: '>= 1,000,000 ops/s',
      },
    ],
  };
}
