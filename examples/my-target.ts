/**
 * A worked adapter: how to point shakedown at your own system. Run it with
 *
 *   npx shakedown run --target ./examples/my-target.ts
 *
 * Here the reference exchange stands in for "your system", and because it speaks the reference
 * protocol the adapter can reuse the built-in trading client. Your venue most likely speaks its
 * own API: the comments marked ADAPT say what to replace, and docs/adapters.md explains each
 * contract in full.
 */
import type { TargetFactory } from '../src/core/model/target.ts';
import { defaultExchangeConfig } from '../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeSnapshot } from '../src/domains/trading/protocol/exchange-snapshot.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../src/domains/trading/trading-client-event.ts';
import { makeTradingTarget } from '../src/domains/trading/transport/trading-target.ts';
import { wsDialer } from '../src/domains/trading/transport/ws-dialer.ts';
import { type RunningExchange, startExchangeServer } from '../src/exchange/server/exchange-server.ts';

// ADAPT: the venue's rules as shakedown should know them: instruments (tick and lot sizes,
// price bands), accounts with their login keys and starting cash. Invariants read them to
// know what a correct venue must do, so they must match what your system is configured with.
const config = defaultExchangeConfig();

// "Your system". ADAPT: start it here (a child process, a container) or, if it already runs
// somewhere, drop this and use its address. Port 0 lets the OS pick a free port.
let venue: Promise<RunningExchange> | undefined;
const startVenue = (): Promise<RunningExchange> => {
  venue ??= startExchangeServer({ port: 0, config });
  return venue;
};

const factory: TargetFactory<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> = {
  name: 'my-venue',

  // Called once per run. Every run must start from the same known state, or a failure found
  // by one seed would depend on what the runs before it left behind.
  async create() {
    const { url } = await startVenue();

    // The transport: one WebSocket per client, speaking the reference protocol (JSON requests
    // with ids, responses echoing them, events with stream/seq/txn). ADAPT: if your API speaks
    // something else, write a dialer that turns your frames into those messages, or write the
    // Client yourself (docs/adapters.md, "Any other system").
    const dialer = wsDialer(url, { connectTimeoutMs: 5_000 });

    // The target: it opens the run's clients (maker, taker, bystander, admin), turns trading
    // actions into requests (place, cancel, replace, cancel_all, set_mark) and replies into
    // ok / fail / info, and normalizes every event to { stream, seq, txn, time, event }.
    // ADAPT: this is where your API's order entry and market data get translated.
    //
    // Snapshot: once the run is quiet, the target reads the venue's whole state through the
    // admin `snapshot` request; the convergence and funds invariants compare against it.
    // ADAPT: return your system's own state in the ExchangeSnapshot shape.
    return makeTradingTarget(dialer, 'my-venue', {
      config,
      // Reset: when the admin client opens it sends `reset`, which puts the venue back to its
      // configured start (no orders, starting cash, no positions). ADAPT: call your system's
      // reset or restore-from-fixture endpoint; with none, start a fresh instance per run.
      resetOnOpen: true,
      // A request unanswered this long is recorded as indeterminate (`info`), never as failed.
      requestTimeoutMs: 2_000,
    });
  },

  // Called once after the campaign: stop what create() started.
  async dispose() {
    const running = venue;
    venue = undefined;
    await (await running)?.close();
  },
};

export default factory;
