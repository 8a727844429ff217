import { pathToFileURL } from 'node:url';
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

/** The requests of one short in-process run: what each session sends, in order. */
type RunScript = { session: number; request: Record<string, unknown> }[];

const TRADERS = ['maker', 'taker', 'bystander'];

/**
 * Short runs as an in-process campaign drives the embedded venue: a fresh host per run, three
 * traders and the admin log in and subscribe, then about 60 requests (places on both sides of
 * the mark, a quarter of their prices and sizes spelled as strings, cancels and replaces of
 * earlier orders, pings, status queries, a mark move), and a snapshot at the end. Generated up
 * front from a seed, so the timed loop measures only the exchange: parsing, the session, the
 * engine, the journal, the replay buffers and delivery to the sessions.
 */
export function generateRunScripts(count: number, seed: string): RunScript[] {
  const rng = seedrandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
  const scripts: RunScript[] = [];
  for (let run = 0; run < count; run++) {
    const script: RunScript = [];
    let id = 0;
    const send = (session: number, request: Record<string, unknown>) =>
      script.push({ session, request: { id: `r${id++}`, ...request } });
    TRADERS.forEach((account, session) => {
      send(session, { type: 'login', key: `${account}-key` });
      send(session, { type: 'subscribe', streams: ['market:SANDBOX.BTC-USD', 'book:SANDBOX.BTC-USD'] });
    });
    send(3, { type: 'login', key: 'admin-key' });
    let placed = 0;
    for (let n = 0; n < 60; n++) {
      const session = Math.floor(rng() * 3);
      const r = rng();
      if (r < 0.6) {
        const isBuy = rng() < 0.5;
        const price =
          20000 + (isBuy ? -1 : 1) * Math.floor(rng() * 20) * 0.5 + (rng() < 0.2 ? (isBuy ? 5 : -5) : 0);
        const qty = (1 + Math.floor(rng() * 20)) / 1000;
        const spelled = rng() < 0.25;
        placed++;
        send(session, {
          type: 'place',
          symbol: 'SANDBOX.BTC-USD',
          side: isBuy ? 'buy' : 'sell',
          orderType: rng() < 0.9 ? 'limit' : 'market',
          price: spelled ? price.toFixed(1) : price,
          qty: spelled ? qty.toFixed(3) : qty,
          clientOrderId: `c${run}-${n}`,
          ...(rng() < 0.2 ? { tif: pick(['ioc', 'fok', 'post_only']) } : {}),
        });
      } else if (r < 0.75) {
        send(session, { type: 'cancel', orderId: `O${1 + Math.floor(rng() * Math.max(1, placed))}` });
      } else if (r < 0.87) {
        send(session, {
          type: 'replace',
          orderId: `O${1 + Math.floor(rng() * Math.max(1, placed))}`,
          price: 20000 + (Math.floor(rng() * 20) - 10) * 0.5,
        });
      } else if (r < 0.93) {
        send(session, { type: 'ping' });
      } else if (r < 0.97) {
        send(session, { type: 'status', clientOrderId: `c${run}-${Math.floor(rng() * (n + 1))}` });
      } else {
        send(3, {
          type: 'set_mark',
          symbol: 'SANDBOX.BTC-USD',
          price: 20000 + (Math.floor(rng() * 5) - 2) * 100,
        });
      }
    }
    send(3, { type: 'snapshot' });
    scripts.push(script);
  }
  return scripts;
}

/** The exchange's public entry as the request-path benchmark needs it (this checkout's or BASE's). */
interface ExchangeModule {
  ExchangeHost: typeof import('../src/exchange/gateway/exchange-host.ts').ExchangeHost;
  MemoryJournal: typeof import('../src/exchange/journal/memory-journal.ts').MemoryJournal;
}

/**
 * Plays the scripts through ExchangeHost sessions as the in-process venue does (requests as
 * objects, a journal in memory, one virtual millisecond per request); the number of requests.
 */
export function playRunScripts(exchange: ExchangeModule, scripts: readonly RunScript[]): number {
  const config = defaultExchangeConfig();
  let requests = 0;
  for (const script of scripts) {
    let now = 0;
    const host = new exchange.ExchangeHost({
      config,
      clock: () => now,
      journal: new exchange.MemoryJournal(),
    });
    const sessions = [0, 1, 2, 3].map(() => host.connect(() => {}));
    for (const { session, request } of script) {
      now++;
      sessions[session].receiveObject(request);
    }
    for (const session of sessions) session.close();
    host.close();
    requests += script.length;
  }
  return requests;
}

const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/**
 * `node --import ./bin/register-ts.mjs benchmarks/engine-throughput.ts`: the engine row (its
 * realistic mix) and the in-process request path's requests per second of CPU time. With
 * BASE=<another checkout with node_modules>, the request path of that checkout and of this one
 * instead, alternating in one process (ROUNDS rounds, default 30): the median ratio of the rounds.
 */
async function main(): Promise<void> {
  const scripts = generateRunScripts(200, 'request-path');
  const here = (await import('../src/exchange/index.ts')) as unknown as ExchangeModule;
  if (process.env.BASE === undefined) {
    const { rows, resting } = runEngineBenchmark(Number(process.env.BENCH_MS ?? 3000));
    for (const row of rows)
      process.stdout.write(`${row.name}: ${Math.round(row.value)} ops/s (${resting} resting orders)\n`);
    for (let i = 0; i < 5; i++) playRunScripts(here, scripts);
    const start = cpuMs();
    let requests = 0;
    while (cpuMs() - start < Number(process.env.BENCH_MS ?? 3000)) requests += playRunScripts(here, scripts);
    process.stdout.write(
      `in-process request path: ${Math.round((requests / (cpuMs() - start)) * 1000)} requests/s of CPU time\n`,
    );
    return;
  }
  const root = new URL(`file://${process.env.BASE.replace(/\/?$/, '/')}`);
  const base = (await import(new URL('src/exchange/index.ts', root).href)) as ExchangeModule;
  const sides = { base, here };
  for (let i = 0; i < 5; i++) for (const side of Object.values(sides)) playRunScripts(side, scripts);
  const ratios: number[] = [];
  const totals = { base: 0, here: 0 };
  const rounds = Number(process.env.ROUNDS ?? 30);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['base', 'here'] as const) : (['here', 'base'] as const);
    const ms = { base: 0, here: 0 };
    for (const name of order) {
      const start = cpuMs();
      playRunScripts(sides[name], scripts);
      ms[name] = cpuMs() - start;
      totals[name] += ms[name];
    }
    ratios.push(ms.base / ms.here);
  }
  ratios.sort((a, b) => a - b);
  const at = (q: number): string => ratios[Math.floor(q * (ratios.length - 1))].toFixed(3);
  process.stdout.write(
    `in-process request path: base ${(totals.base / rounds).toFixed(1)} ms, this checkout ${(totals.here / rounds).toFixed(1)} ms of CPU per pass; speed-up median ${at(0.5)} (quartiles ${at(0.25)} to ${at(0.75)}), ${rounds} rounds\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
