import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { asyncScheduler } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import type { Invariant } from '../src/core/model/invariant.ts';
import type { Property } from '../src/core/model/property.ts';
import type { TargetFactory } from '../src/core/model/target.ts';
import { DEFAULT_SETTINGS, runCampaign } from '../src/core/runner/campaign.ts';
import { LanePool } from '../src/core/runner/lane-pool.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import { tradingRequest } from '../src/domains/trading/transport/trading-request.ts';
import { type BenchRow, formatTable } from './bench-table.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

const SEED = 20261203;
const ROUNDS = 3;
/** Wire frames of recorded events kept to be sent back by the event-sending echo. */
const SAMPLE_EVENTS = 500;

// ---------------------------------------------------------------------------------------
// The campaign: runCampaign over trading-venue, embedded WebSocket target, faults off.

interface WsCampaignFigures {
  runs: number;
  actions: number;
  events: number;
  wallMs: number;
  /** The action lists the campaign ran, in order: the echo ceilings send the same ones. */
  lists: TradingAction[][];
}

async function wsCampaign(
  factory: TargetFactory<TradingAction>,
  property: Property<TradingAction>,
  runs: number,
  seed: number,
  eventFrames: string[],
): Promise<WsCampaignFigures> {
  const lists: TradingAction[][] = [];
  let events = 0;
  // One extra checker reads how many events each run recorded (a length read per run) and
  // keeps a sample of their wire frames for the event-sending echo.
  const counter: Invariant = {
    name: 'bench.count-events',
    description: 'benchmark bookkeeping, never fails',
    check: (evidence) => {
      events += evidence.events.length;
      for (const e of evidence.events) {
        if (eventFrames.length >= SAMPLE_EVENTS) break;
        const { stream, seq, time, event, txn } = e;
        eventFrames.push(JSON.stringify({ type: 'event', stream, seq, txn, time, event }));
      }
      return [];
    },
  };
  const start = performance.now();
  const result = await runCampaign<TradingAction>({
    properties: [{ ...property, invariants: [...property.invariants, counter.name] }],
    invariants: [...tradingPack.invariants, counter],
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed,
    runs,
    timeBudgetMs: 10 * 60_000,
    shrinkBudgetMs: 60_000,
    faults: [],
    transport: 'ws',
    now: Date.now,
    onRun: ({ generated }) => {
      lists.push([...generated]);
    },
  });
  const wallMs = performance.now() - start;
  const outcome = result.properties[0];
  if (outcome && !outcome.passed) {
    throw new Error(
      `benchmark: ${property.name} over embedded-ws did not pass (seed ${seed}); the figures would include shrinking`,
    );
  }
  return { runs: result.runs, actions: result.actions, events, wallMs, lists };
}

// ---------------------------------------------------------------------------------------
// The ceilings: a bare ws echo in the same process, on 127.0.0.1, an ephemeral port.

interface Echo {
  url: string;
  close(): Promise<void>;
}

/**
 * A ws echo; before each reply it sends `rate.perRequest` event frames on average (0: bare).
 * The rate is read live, so each round can follow the events per action measured so far.
 */
async function startEcho(rate: { perRequest: number }, eventFrames: readonly string[]): Promise<Echo> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (socket) => {
    let owed = 0;
    let next = 0;
    socket.on('message', (data) => {
      // A fractional average: carry the remainder, so n requests get round(n * k) frames.
      owed += rate.perRequest;
      while (owed >= 1) {
        socket.send(eventFrames[next++ % eventFrames.length]);
        owed--;
      }
      socket.send(data);
    });
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A client connection that resolves each request when the echo of its id comes back. */
class EchoClient {
  private readonly waiting = new Map<string, () => void>();
  lastMessageAt = performance.now();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.lastMessageAt = performance.now();
      const msg = JSON.parse(String(data)) as { id?: string; type?: string };
      if (msg.type === 'event' || msg.id === undefined) return;
      const done = this.waiting.get(msg.id);
      if (done) {
        this.waiting.delete(msg.id);
        done();
      }
    });
  }

  static async open(url: string): Promise<EchoClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new EchoClient(ws);
  }

  request(id: string, text: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(text);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** The request frame the campaign's client sends for an action (a reconnect sends a ping). */
function requestFrame(action: TradingAction, id: string): string {
  if (action.kind === 'reconnect' || action.kind === 'fault') return JSON.stringify({ id, type: 'ping' });
  return JSON.stringify({ ...tradingRequest(action, 0, new Map()), id });
}

let ids = 0;

/**
 * Throughput ceiling: persistent connections, one per campaign client; each run's action list
 * goes out back to back, every request on the client its action names, all in flight at once
 * (the campaign pipelines too: it never waits for a reply before the next send), then every
 * echo is awaited before the next list. No gaps, no quiet waits. Returns round trips/s.
 */
async function pipelinedEcho(url: string, lists: readonly TradingAction[][], ms: number): Promise<number> {
  const clients = new Map<string, EchoClient>();
  for (const name of tradingPack.clients) clients.set(name, await EchoClient.open(url));
  const frames = lists.map((list) =>
    list.map((action) => {
      const id = `e${ids++}`;
      return {
        client: clients.get(action.client) ?? clients.get('admin')!,
        id,
        text: requestFrame(action, id),
      };
    }),
  );
  let count = 0;
  const start = performance.now();
  try {
    for (let i = 0; performance.now() - start < ms; i++) {
      const list = frames[i % frames.length];
      await Promise.all(list.map((f) => f.client.request(f.id, f.text)));
      count += list.length;
    }
    return (count / (performance.now() - start)) * 1000;
  } finally {
    for (const c of clients.values()) c.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The campaign's own timing floor, with a venue and client that cost nothing: per run, fresh
 * connections for the campaign's clients (each a login and a subscribe round trip, the admin a
 * reset), the same actions sent at their generated gaps chained on rxjs's asyncScheduler as
 * runActions does (a gap of 0 still waits for a timer), every echo awaited, then quiet
 * (quietMs without a frame), a ping per client, quiet again and a snapshot round trip.
 * Returns actions/s.
 */
async function timingFloor(url: string, lists: readonly TradingAction[][], quietMs: number): Promise<number> {
  let actions = 0;
  const start = performance.now();
  for (const list of lists) {
    const clients = new Map<string, EchoClient>();
    for (const name of tradingPack.clients) {
      const c = await EchoClient.open(url);
      clients.set(name, c);
      for (const type of name === 'admin' ? ['login', 'subscribe', 'reset'] : ['login', 'subscribe']) {
        const id = `e${ids++}`;
        await c.request(id, JSON.stringify({ id, type }));
      }
    }
    const all = [...clients.values()];
    const replies: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      let sent = 0;
      const sendNext = (): void => {
        const action = list[sent++];
        const id = `e${ids++}`;
        const client = clients.get(action.client) ?? clients.get('admin')!;
        replies.push(client.request(id, requestFrame(action, id)));
        if (sent < list.length) asyncScheduler.schedule(sendNext, list[sent].gapMs);
        else resolve();
      };
      if (list.length === 0) resolve();
      else asyncScheduler.schedule(sendNext, list[0].gapMs);
    });
    await Promise.all(replies);
    const quiet = async (): Promise<void> => {
      for (;;) {
        const idle = performance.now() - Math.max(...all.map((c) => c.lastMessageAt));
        if (idle >= quietMs) return;
        await sleep(Math.max(1, quietMs - idle));
      }
    };
    await quiet();
    await Promise.all(
      all.map((c) => {
        const id = `e${ids++}`;
        return c.request(id, JSON.stringify({ id, type: 'ping' }));
      }),
    );
    await quiet();
    const id = `e${ids++}`;
    await clients.get('admin')!.request(id, JSON.stringify({ id, type: 'snapshot' }));
    for (const c of all) c.close();
    actions += list.length;
  }
  return (actions / (performance.now() - start)) * 1000;
}

// ---------------------------------------------------------------------------------------
// Many runs at once: the same campaign on lanes (LanePool, each lane its own embedded venue)
// beside one run at a time, alternating in the same rounds.

/** Lanes for the campaign without faults, and with --faults all (each lane then has a venue process). */
export const BENCH_LANES = 32;
export const BENCH_LANES_WITH_FAULTS = 12;

interface LaneFigures {
  actions: number;
  runs: number;
  wallMs: number;
  cpuMs: number;
}

type Faults = [] | 'all';

async function embeddedFactory(faults: Faults): Promise<TargetFactory<TradingAction>> {
  return (await tradingPack.targetFactory(
    { kind: 'embedded-ws' },
    { bugs: [], seed: SEED, faults },
  )) as TargetFactory<TradingAction>;
}

/** One campaign of `runs` runs, on `pool` when given, else one run at a time on `factory`. */
async function timedCampaign(
  factory: TargetFactory<TradingAction>,
  pool: LanePool<TradingAction> | undefined,
  property: Property<TradingAction>,
  faults: Faults,
  runs: number,
  seed: number,
): Promise<LaneFigures> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await runCampaign<TradingAction>({
    properties: [property],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory,
    seed,
    runs,
    timeBudgetMs: 10 * 60_000,
    faults,
    transport: 'ws',
    now: Date.now,
    ...(pool ? { pool } : {}),
  });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const outcome = result.properties[0];
  if (outcome && !outcome.passed)
    throw new Error(
      `benchmark: ${property.name} over embedded-ws (faults ${faults === 'all' ? 'all' : 'off'}, ${pool ? `${pool.size} lanes` : 'one at a time'}) did not pass (seed ${seed}); the figures would include shrinking`,
    );
  return { actions: result.actions, runs: result.runs, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Actions/s of the campaign on `lanes` lanes and one run at a time, measured in the same
 * rounds, alternating (so the machine's load hits both alike), each on factories built and
 * warmed once (the lanes' venues start in the warm-up). The lanes run more runs per round
 * (four per lane: the tail of a round, lanes idling while the last runs end, stays small);
 * rates are per action, so the counts need not match.
 */
async function laneComparison(
  property: Property<TradingAction>,
  faults: Faults,
  lanes: number,
  ms: number,
): Promise<BenchRow> {
  const factory = await embeddedFactory(faults);
  const pool = new LanePool<TradingAction>({
    lanes,
    laneFactory: () => embeddedFactory(faults),
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: tradingPack.invariants,
    describeAction: tradingPack.describeAction,
  });
  const rounds = 2;
  try {
    // Warm-up: every lane's venue started and used once, the sequential factory too.
    await timedCampaign(factory, pool, property, faults, lanes, SEED + 2000);
    const pilot = await timedCampaign(factory, undefined, property, faults, 1, SEED + 2001);
    const sequentialRuns = Math.max(2, Math.round(ms / rounds / pilot.wallMs));
    const one: LaneFigures = { actions: 0, runs: 0, wallMs: 0, cpuMs: 0 };
    const many: LaneFigures = { actions: 0, runs: 0, wallMs: 0, cpuMs: 0 };
    const add = (into: LaneFigures, from: LaneFigures): void => {
      into.actions += from.actions;
      into.runs += from.runs;
      into.wallMs += from.wallMs;
      into.cpuMs += from.cpuMs;
    };
    for (let round = 0; round < rounds; round++) {
      const seed = SEED + 3000 + round;
      add(one, await timedCampaign(factory, undefined, property, faults, sequentialRuns, seed));
      add(many, await timedCampaign(factory, pool, property, faults, lanes * 4, seed));
    }
    const rate = (f: LaneFigures): number => (f.actions / f.wallMs) * 1000;
    const mode = faults === 'all' ? '--faults all' : 'faults off';
    return {
      name: `ws campaign actions/s on ${lanes} lanes (trading-venue, embedded-ws, ${mode})`,
      value: rate(many),
      unit: 'actions/s',
      ceilingName: 'the same campaign one run at a time, same rounds',
      ceiling: rate(one),
      target: faults === 'all' ? '>= 500% (5x one at a time)' : '>= 1000% (10x one at a time)',
      note: `${lanes} lanes: ${many.runs} runs, ${many.actions} actions in ${Math.round(many.wallMs)} ms, this process's CPU ${Math.round((many.cpuMs / many.wallMs) * 100)}% of wall; one at a time: ${one.runs} runs, ${one.actions} actions in ${Math.round(one.wallMs)} ms, CPU ${Math.round((one.cpuMs / one.wallMs) * 100)}%; ${rounds} alternating rounds (venue processes' CPU not counted)`,
    };
  } finally {
    await pool.close();
    await factory.dispose?.();
  }
}

// ---------------------------------------------------------------------------------------

/**
 * WebSocket campaign actions/s against bare ws echoes on the same topology (same process,
 * loopback, ephemeral ports, one connection per campaign client), measured in rounds so drift
 * hits every figure alike: a round runs the campaign, then the echoes over the same action
 * lists. The campaign runs on the real clock (its actions wait for their generated gaps and
 * each run waits for quiet twice), so a third ceiling replays that schedule against an echo.
 */
export async function runWsCampaignBenchmark(ms = 3000): Promise<BenchRow[]> {
  const venue = tradingVenueProperty();
  const quietMs = venue.settings?.quietMs ?? DEFAULT_SETTINGS.quietMs;
  const factory = (await tradingPack.targetFactory(
    { kind: 'embedded-ws' },
    { bugs: [], seed: SEED, faults: [] },
  )) as TargetFactory<TradingAction>;
  const eventFrames: string[] = [];
  const bare = await startEcho({ perRequest: 0 }, [JSON.stringify({ type: 'event' })]);
  let withEvents: Echo | undefined;
  try {
    // Warm-up: the server, the clients and the checkers, then a pilot sizing the rounds.
    await wsCampaign(factory, venue, 2, SEED + 1000, eventFrames);
    const pilot = await wsCampaign(factory, venue, 2, SEED + 1001, eventFrames);
    const runs = Math.max(2, Math.round(ms / ROUNDS / (pilot.wallMs / pilot.runs)));
    await pipelinedEcho(bare.url, pilot.lists, Math.min(1000, ms / 3));
    const eventsPerAction = { perRequest: pilot.events / pilot.actions };
    withEvents = await startEcho(eventsPerAction, eventFrames);
    await pipelinedEcho(withEvents.url, pilot.lists, Math.min(1000, ms / 3));

    const campaign = { runs: 0, actions: 0, events: 0, ms: 0 };
    let echoRate = 0;
    let eventEchoRate = 0;
    let floorRate = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const figures = await wsCampaign(factory, venue, runs, SEED + round, eventFrames);
      campaign.runs += figures.runs;
      campaign.actions += figures.actions;
      campaign.events += figures.events;
      campaign.ms += figures.wallMs;
      eventsPerAction.perRequest = campaign.events / campaign.actions;
      echoRate += (await pipelinedEcho(bare.url, figures.lists, ms / ROUNDS)) / ROUNDS;
      eventEchoRate += (await pipelinedEcho(withEvents.url, figures.lists, ms / ROUNDS)) / ROUNDS;
      floorRate += (await timingFloor(bare.url, figures.lists, quietMs)) / ROUNDS;
    }
    const rate = (campaign.actions / campaign.ms) * 1000;
    const perAction = campaign.events / campaign.actions;
    const name = `ws campaign actions/s (trading-venue, embedded-ws, ${venue.invariants.length} invariants, faults off)`;
    const clients = `${tradingPack.clients.length} clients`;
    return [
      {
        name,
        value: rate,
        unit: 'actions/s',
        ceilingName: `bare ws echo, ${clients} on loopback, the campaign's action lists pipelined per run, no gaps: round trips/s`,
        ceiling: echoRate,
        target: '>= 70% of bare echo',
        note: `${campaign.runs} runs (${ROUNDS} rounds, seeds ${SEED}..${SEED + ROUNDS - 1}), ${campaign.actions} actions, ${campaign.events} recorded events (${perAction.toFixed(1)}/action) in ${Math.round(campaign.ms)} ms; each echo figure is the mean of its rounds over the same action lists`,
      },
      {
        name,
        value: rate,
        unit: 'actions/s',
        ceilingName: `the same echo sending ${perAction.toFixed(1)} recorded event frames per request first`,
        ceiling: eventEchoRate,
      },
      {
        name,
        value: rate,
        unit: 'actions/s',
        ceilingName: `the campaign's timing floor: same lists at their generated gaps + 2 x ${quietMs} ms quiet per run, echo venue`,
        ceiling: floorRate,
      },
      ...(await runWsLanesBenchmark(ms)),
    ];
  } finally {
    await factory.dispose?.();
    await bare.close();
    await withEvents?.close();
  }
}

/**
 * The WebSocket campaign on lanes beside one run at a time, measured in the same rounds:
 * faults off (BENCH_LANES lanes, target 10x) and --faults all (BENCH_LANES_WITH_FAULTS lanes,
 * each with its venue in a child process, target 5x). Alone:
 * `node --import ./bin/register-ts.mjs benchmarks/ws-campaign-throughput.ts --lanes`.
 */
export async function runWsLanesBenchmark(ms = 3000): Promise<BenchRow[]> {
  const venue = tradingVenueProperty();
  return [
    await laneComparison(venue, [], BENCH_LANES, ms),
    await laneComparison(venue, 'all', BENCH_LANES_WITH_FAULTS, ms),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--lanes')) {
  const rows = await runWsLanesBenchmark(Number(process.env.BENCH_MS ?? 3000));
  process.stdout.write(`${formatTable(rows)}\n\n`);
  for (const r of rows) process.stdout.write(`- ${r.name}: ${r.note}\n`);
}
