import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { startWsChaosProxy } from '../src/core/chaos-proxy/ws-chaos-proxy.ts';
import { FaultLog } from '../src/core/faults/fault-record.ts';
import { defaultExchangeConfig } from '../src/domains/trading/protocol/exchange-config.ts';
import { tradingTextFrameHooks } from '../src/domains/trading/transport/trading-frame-hooks.ts';
import { startExchangeServer } from '../src/exchange/server/exchange-server.ts';
import { type BenchRow, formatTable } from './bench-table.ts';

/** One logged-in client that keeps `inFlight` requests outstanding and counts the answers. */
class Trips {
  private next = 0;
  private answered = 0;
  private onAnswer: (() => void) | undefined;
  private onClose: ((error: Error) => void) | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly frame: (n: number) => string,
  ) {
    ws.on('message', (data) => {
      // Events come too; only responses end a trip.
      if (!String(data).startsWith('{"type":"response"')) return;
      this.answered++;
      this.onAnswer?.();
    });
    ws.on('error', () => {});
    // A dropped connection fails the benchmark instead of leaving it waiting forever.
    ws.on('close', () => this.onClose?.(new Error('the connection closed during the benchmark')));
  }

  static async open(url: string, frame: (n: number) => string): Promise<Trips> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const trips = new Trips(ws, frame);
    await trips.run(1, 1, JSON.stringify({ id: 'login', type: 'login', key: 'maker-key' }));
    return trips;
  }

  /**
   * Sends until `count` more answers came, keeping `inFlight` requests outstanding: every
   * answer lets one more request go. `only` sends that one frame instead (the login).
   */
  run(count: number, inFlight: number, only?: string): Promise<void> {
    const target = this.answered + count;
    let sent = this.answered;
    const send = (): void => {
      sent++;
      this.ws.send(only ?? this.frame(this.next++));
    };
    return new Promise<void>((resolve, reject) => {
      this.onClose = reject;
      this.onAnswer = () => {
        if (this.answered >= target) {
          this.onAnswer = undefined;
          this.onClose = undefined;
          resolve();
        } else if (sent < target) send();
      };
      while (sent < target && sent - this.answered < inFlight) send();
    });
  }

  /** Round trips and elapsed ms over about `ms`, in chunks long enough that draining the window between them costs little. */
  async rate(ms: number, inFlight: number): Promise<{ trips: number; ms: number }> {
    const chunk = Math.max(200, 50 * inFlight);
    let trips = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      await this.run(chunk, inFlight);
      trips += chunk;
    }
    return { trips, ms: performance.now() - start };
  }

  close(): void {
    this.onClose = undefined;
    this.ws.close();
  }
}

interface Case {
  name: string;
  inFlight: number;
  frame: (prefix: string) => (n: number) => string;
}

const ping = (): ((n: number) => string) => (n) => `{"id":${n},"type":"ping"}`;

/** A resting limit order then its cancel, alternately; clientOrderIds are unique per prefix, forever. */
const placeCancel =
  (prefix: string): ((n: number) => string) =>
  (n) =>
    n % 2 === 0
      ? JSON.stringify({
          id: n,
          type: 'place',
          symbol: 'SANDBOX.BTC-USD',
          side: 'buy',
          orderType: 'limit',
          price: 19500,
          qty: 0.001,
          clientOrderId: `${prefix}${n}`,
        })
      : JSON.stringify({ id: n, type: 'cancel', clientOrderId: `${prefix}${n - 1}` });

const CASES: Case[] = [
  { name: 'ping, 1 in flight', inFlight: 1, frame: ping },
  { name: 'place/cancel, 1 in flight', inFlight: 1, frame: placeCancel },
  { name: 'place/cancel, 16 in flight', inFlight: 16, frame: placeCancel },
];

/**
 * A proxy that only copies bytes between two TCP sockets, no WebSocket parsing at all: the
 * least any proxy in this process can cost, to tell the price of the extra hop from the
 * price of the chaos proxy's own work.
 */
async function startTcpPipe(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Each case against `target`: directly, through a chaos proxy in this process with nothing
 * armed and, for one request in flight (where the extra hop weighs most), through a bare TCP
 * pipe; in alternating rounds so that drift in the machine's speed hits all alike.
 */
async function compare(target: string, where: string, tag: string, ms: number): Promise<BenchRow[]> {
  const proxy = await startWsChaosProxy({ upstream: () => target, hooks: tradingTextFrameHooks });
  proxy.beginRun(new FaultLog());
  const pipe = await startTcpPipe(target);
  const rounds = 5;
  const rows: BenchRow[] = [];
  try {
    for (const [c, bench] of CASES.entries()) {
      // The account keeps its clientOrderIds forever: each client gets its own.
      const paths = {
        direct: await Trips.open(target, bench.frame(`${tag}d${c}-`)),
        proxied: await Trips.open(proxy.urlFor('maker'), bench.frame(`${tag}p${c}-`)),
        ...(bench.inFlight === 1 ? { piped: await Trips.open(pipe.url, bench.frame(`${tag}t${c}-`)) } : {}),
      };
      const entries = Object.entries(paths);
      for (const [, trips] of entries) await trips.run(2000, bench.inFlight);
      const total: Record<string, { trips: number; ms: number }> = {};
      for (let round = 0; round < rounds; round++) {
        for (const [key, trips] of entries) {
          const r = await trips.rate(ms / rounds, bench.inFlight);
          total[key] ??= { trips: 0, ms: 0 };
          total[key].trips += r.trips;
          total[key].ms += r.ms;
        }
      }
      for (const [, trips] of entries) trips.close();
      const perSecond = (key: string): number => (total[key].trips / total[key].ms) * 1000;
      const name = `chaos proxy, nothing armed: ${bench.name}, ${where}`;
      rows.push({
        name,
        value: perSecond('proxied'),
        unit: 'trips/s',
        ceilingName: 'the same client straight to the exchange',
        ceiling: perSecond('direct'),
        target: '>= 85% of direct',
      });
      if (total.piped !== undefined) {
        rows.push({
          name,
          value: perSecond('proxied'),
          unit: 'trips/s',
          ceilingName: 'bare TCP pipe in its place: the extra hop alone',
          ceiling: perSecond('piped'),
        });
      }
    }
    return rows;
  } finally {
    await pipe.close();
    await proxy.close();
  }
}

/** `shakedown serve` as a child process, without a rate limit, and its URL. */
async function serveProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ rateLimit: { perSecond: 1e9, burst: 1e9 } }));
  const child = spawn(
    process.execPath,
    ['bin/shakedown.js', 'serve', '--port', '0', '--config', configFile, '--log-level', 'silent'],
    { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline).trim());
    });
    void exited.then(() => reject(new Error('shakedown serve exited before printing its URL')));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, stop };
}

/**
 * Round trips against the reference exchange over loopback, one client, directly and through
 * the chaos proxy with nothing armed. Twice: with the exchange in this process like
 * ws-roundtrip (client, proxy and exchange share one thread), then with the exchange in a
 * child process, as when a campaign runs against a target it started or one at a URL.
 */
export async function runChaosProxyBenchmark(ms = 3000): Promise<BenchRow[]> {
  const config = defaultExchangeConfig();
  config.rateLimit = { perSecond: 1e9, burst: 1e9 };
  const exchange = await startExchangeServer({ port: 0, config });
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await compare(exchange.url, 'exchange in-process', 'i', ms)));
  } finally {
    await exchange.close();
  }
  const served = await serveProcess();
  try {
    rows.push(...(await compare(served.url, 'exchange in a child process', 'c', ms)));
  } finally {
    await served.stop();
  }
  return rows;
}

// `npx tsx benchmarks/chaos-proxy-roundtrip.ts` runs this one alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runChaosProxyBenchmark(Number(process.env.BENCH_MS ?? 3000));
  process.stdout.write(`${formatTable(rows)}\n`);
}
