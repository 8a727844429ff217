import { of, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../../src/core/faults/fault.ts';
import type { ClientEvent } from '../../../../src/core/model/client.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../../../src/core/runner/campaign.ts';
import { SortedVirtualTimeScheduler } from '../../../../src/core/time/sorted-virtual-scheduler.ts';
import type {
  ClientRequest,
  ServerMessage,
} from '../../../../src/domains/trading/protocol/protocol-messages.ts';
import { inprocTargetFactory } from '../../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../../../../src/domains/trading/trading-client-event.ts';
import { tradingPack } from '../../../../src/domains/trading/trading-pack.ts';
import { TradingClient } from '../../../../src/domains/trading/transport/trading-client.ts';
import type { VenueConnection } from '../../../../src/domains/trading/transport/venue-connection.ts';

const BOOK = 'book:SANDBOX.ETH-USD';

/**
 * A scripted venue whose book stream reached seq 3 while the client was sent none of those
 * events (the last frames of the stream were lost), and to which every ping arrives truncated:
 * it answers each with the unsolicited `bad_json` error the protocol prescribes, never a pong.
 */
function venueThatNeverPongs() {
  const scheduler = new SortedVirtualTimeScheduler();
  const requests: ClientRequest[] = [];
  const messages = new Subject<ServerMessage>();
  const send = (message: unknown): void => {
    scheduler.schedule(() => messages.next(message as ServerMessage), 1);
  };
  const ok = (id: string | number, result: unknown): void => send({ type: 'response', id, ok: true, result });
  const connection: VenueConnection = {
    messages$: messages.asObservable(),
    send: (request) => {
      requests.push(request);
      switch (request.type) {
        case 'login':
          return ok(request.id, { role: 'trader', account: 'bystander', seqs: { 'account:bystander': 0 } });
        case 'subscribe':
          return ok(request.id, { seqs: { [BOOK]: 0 } });
        case 'ping':
          return send({ type: 'error', error: { code: 'bad_json', message: 'truncated' } });
        case 'resync':
          return ok(request.id, {
            seqs: { 'account:bystander': 0, [BOOK]: 3 },
            snapshot: {
              accounts: [],
              books: [{ symbol: 'SANDBOX.ETH-USD', bids: [[999.97, 99.99, 1]], asks: [] }],
              instruments: [],
            },
          });
        default:
          throw new Error(`unexpected ${request.type}`);
      }
    },
    close: () => messages.complete(),
  };
  const client = new TradingClient(() => of(connection), scheduler, {
    name: 'bystander',
    key: 'bystander-key',
    streams: [BOOK],
    requestTimeoutMs: 1000,
    orderIds: new Map(),
    catchUp: 'resync',
  });
  const events: ClientEvent<TradingClientEvent>[] = [];
  client.events$.subscribe((e) => events.push(e));
  return { scheduler, requests, client, events };
}

describe('TradingClient end-of-run barrier (sync)', () => {
  it('resyncs when no ping gets a pong: an unconfirmed barrier must not pass as "nothing missed"', () => {
    const { scheduler, requests, client, events } = venueThatNeverPongs();
    let connected = false;
    client.connect().subscribe(() => {
      connected = true;
    });
    // The heartbeat keeps the queue from ever emptying: run until the answer is in.
    scheduler.runUntil(() => connected, 5_000);
    expect(connected).toBe(true);

    let synced = false;
    client.sync().subscribe(() => {
      synced = true;
    });
    scheduler.runUntil(() => synced && client.settled(), scheduler.now() + 30_000);

    expect(synced).toBe(true);
    // Every attempt of the barrier's ping was lost...
    expect(requests.filter((r) => r.type === 'ping').length).toBeGreaterThanOrEqual(2);
    // ...so the client could not know it missed book seqs 1-3: it resynced instead of assuming not.
    expect(requests.filter((r) => r.type === 'resync')).toHaveLength(1);
    const types = events.map((e) => (e.event as { type: string }).type);
    expect(types).toContain('session_resynced');
    expect(client.settled()).toBe(true);
    client.close();
  });
});

const fault = (client: string, f: Fault, gapMs = 0): TradingAction =>
  ({ kind: 'fault', client, gapMs, fault: f }) as TradingAction;

async function run(actions: readonly TradingAction[]) {
  return executeRun(inprocTargetFactory() as never, actions, {
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: tradingPack.invariants,
    settings: DEFAULT_SETTINGS,
  });
}

/**
 * Soak failure chaos-recovery seed 1136985595 (run 71): the bystander's last book frames were
 * dropped, and the four frames it sent next, the end-of-run barrier's four ping attempts, all
 * reached the venue truncated. The barrier gave up without a pong and took the stale view for
 * converged: `[projection.converges] bystander: book SANDBOX.ETH-USD bids.length: view 0, venue 1`.
 */
describe('regression: chaos-recovery 1136985595, the barrier lost every ping', () => {
  it('the minimal sequence: dropped last book frames, then every barrier ping truncated', async () => {
    const ethBuy = (price: number | string, clientOrderId: string, gapMs: number): TradingAction => ({
      kind: 'place',
      client: 'maker',
      gapMs,
      symbol: 'SANDBOX.ETH-USD',
      side: 'buy',
      orderType: 'limit',
      tif: 'gtc',
      price,
      qty: 0.01,
      clientOrderId,
    });
    const report = await run([
      // The bystander follows the book (it sees this level)...
      ethBuy(999.96, 'min-0', 0),
      // ...then the next four frames it sends arrive truncated, and the next one it is sent is lost:
      fault('bystander', { type: 'frame', effect: 'truncate', direction: 'to_target', count: 4, seed: 1 }, 5),
      fault('bystander', { type: 'frame', effect: 'drop', direction: 'from_target', count: 1 }),
      // ...the book's last delta, which no later event reveals; only the barrier's ping could.
      ethBuy('999.97000', 'min-1', 2),
    ]);
    const faults = report.evidence.extra.faults as { kind: string; lost?: string[] }[];
    expect(faults.find((f) => f.kind === 'frame.truncate')?.lost?.every((l) => l.startsWith('ping#'))).toBe(
      true,
    );
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.verdict.status).toBe('pass');
  }, 60_000);

  it('the shrunk sequence of the soak replays clean', async () => {
    const report = await run(SHRUNK);
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.verdict.status).toBe('pass');
  }, 60_000);
});

/** The actions of the shrunk replay (chaos-recovery-1136985595-ec6fe737.json), as recorded. */
const SHRUNK = [
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: 20000,
    qty: 0.01,
    clientOrderId: 'sisxjp7-0',
    stp: 'cancel_oldest',
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    price: 20000,
    qty: 0.001,
    clientOrderId: 'sisxjp7-1',
  },
  {
    kind: 'cancel',
    client: 'maker',
    gapMs: 10,
    target: { step: 0, clientOrderId: 'sisxjp7-0', byOrderId: false },
  },
  {
    kind: 'cancel',
    client: 'maker',
    gapMs: 0,
    target: { step: 0, clientOrderId: 'sisxjp7-0', byOrderId: false },
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'market',
    tif: 'ioc',
    qty: 0.001,
    clientOrderId: 'sisxjp7-4',
  },
  { kind: 'cancel_all', client: 'maker', gapMs: 0 },
  {
    kind: 'fault',
    client: 'maker',
    gapMs: 0,
    fault: { type: 'response', effect: 'reject_429', nth: 1, count: 1, retryAfterMs: 5 },
  },
  {
    kind: 'cancel',
    client: 'maker',
    gapMs: 0,
    target: { step: 0, clientOrderId: 'sisxjp7-0', byOrderId: true },
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 0,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: 20000,
    qty: 0.002,
    clientOrderId: 'sisxjp7-8',
  },
  { kind: 'fault', client: 'maker', gapMs: 0, fault: { type: 'connection', effect: 'half_open', downMs: 0 } },
  {
    kind: 'place',
    client: 'taker',
    gapMs: 19,
    symbol: 'SANDBOX.BTC-USD',
    side: 'sell',
    orderType: 'limit',
    tif: 'gtc',
    price: 20000,
    qty: 0.001,
    clientOrderId: 'sisxjp7-10',
  },
  {
    kind: 'fault',
    client: 'maker',
    gapMs: 3,
    fault: { type: 'response', effect: 'error_5xx', nth: 1, count: 2, every: 1, afterEffect: false },
  },
  {
    kind: 'fault',
    client: 'maker',
    gapMs: 1,
    fault: { type: 'frame', effect: 'reorder', direction: 'from_target', count: 1, holdFor: 2 },
  },
  {
    kind: 'place',
    client: 'taker',
    gapMs: 2,
    symbol: 'SANDBOX.ETH-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: '950',
    qty: 9.89,
    clientOrderId: 'sisxjp7-13',
  },
  { kind: 'fault', client: 'maker', gapMs: 1, fault: { type: 'connection', effect: 'close', downMs: 221 } },
  {
    kind: 'place',
    client: 'bystander',
    gapMs: 3,
    symbol: 'SANDBOX.BTC-USD',
    side: 'sell',
    orderType: 'limit',
    tif: 'ioc',
    price: 20000,
    qty: 0.001,
    clientOrderId: 'sisxjp7-15',
  },
  {
    kind: 'place',
    client: 'bystander',
    gapMs: 2,
    symbol: 'SANDBOX.ETH-USD',
    side: 'sell',
    orderType: 'limit',
    tif: 'fok',
    price: 999.99,
    qty: 0.03,
    clientOrderId: 'sisxjp7-16',
    stp: 'cancel_oldest',
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 3,
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: 19996.5,
    qty: null,
    clientOrderId: 'sisxjp7-17',
  },
  {
    kind: 'place',
    client: 'bystander',
    gapMs: 2,
    symbol: 'SANDBOX.ETH-USD',
    side: 'sell',
    orderType: 'market',
    tif: 'fok',
    qty: 9.89,
    clientOrderId: 'sisxjp7-18',
  },
  {
    kind: 'cancel',
    client: 'taker',
    gapMs: 0,
    target: { step: 13, clientOrderId: 'sisxjp7-13', byOrderId: false },
  },
  {
    kind: 'fault',
    client: 'bystander',
    gapMs: 34,
    fault: { type: 'frame', effect: 'truncate', direction: 'to_target', count: 4, seed: 880948 },
  },
  { kind: 'fault', client: 'venue', gapMs: 0, fault: { type: 'clock', effect: 'jump', ms: 3600000 } },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 2,
    symbol: 'SANDBOX.ETH-USD',
    side: 'sell',
    orderType: 'limit',
    tif: 'gtc',
    price: 1000.04,
    qty: 0.02,
    clientOrderId: 'sisxjp7-22',
  },
  { kind: 'fault', client: 'maker', gapMs: 0, fault: { type: 'connection', effect: 'close', downMs: 79 } },
  {
    kind: 'place',
    client: 'taker',
    gapMs: 1,
    symbol: 'SANDBOX.ETH-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'ioc',
    price: 1000.04,
    qty: 0.01,
    clientOrderId: 'sisxjp7-24',
  },
  {
    kind: 'fault',
    client: 'bystander',
    gapMs: 2,
    fault: { type: 'frame', effect: 'drop', direction: 'from_target', count: 4 },
  },
  {
    kind: 'replace',
    client: 'maker',
    gapMs: 46,
    target: { step: 22, clientOrderId: 'sisxjp7-22', byOrderId: false },
    price: '999.9800',
  },
  {
    kind: 'place',
    client: 'maker',
    gapMs: 1,
    symbol: 'SANDBOX.ETH-USD',
    side: 'buy',
    orderType: 'limit',
    tif: 'gtc',
    price: '999.97000',
    qty: 99.99,
    clientOrderId: 'sisxjp7-27',
  },
] as unknown as TradingAction[];
