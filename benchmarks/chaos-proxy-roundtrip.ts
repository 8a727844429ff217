import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { startWsChaosProxy } from '../src/core/chaos-proxy/ws-chaos-proxy.ts';
import { FaultLog } from '../src/core/faults/fault-record.ts';
import { tradingTextFrameHooks } from '../src/domains/trading/transport/trading-frame-hooks.ts';
import { defaultExchangeConfig } from '../src/exchange/config/exchange-config.ts';
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
 * Each case against `target`, directly and through a chaos proxy in this process with nothing
 * armed, in alternating rounds so that drift in the machine's speed hits both alike.
 */
async function compare(target: string, where: string, tag: string, ms: number): Promise<BenchRow[]> {
  const proxy = await startWsChaosProxy({ upstream: () => target, hooks: tradingTextFrameHooks });
  proxy.beginRun(new FaultLog());
  const rounds = 5;
  const rows: BenchRow[] = [];
  try {
    for (const [c, bench] of CASES.entries()) {
      // The account keeps its clientOrderIds forever: each client gets its own.
      const direct = await Trips.open(target, bench.frame(`${tag}d${c}-`));
      const proxied = await Trips.open(proxy.urlFor('maker'), bench.frame(`${tag}p${c}-`));
      await direct.run(2000, bench.inFlight);
      await proxied.run(2000, bench.inFlight);
      const total = { direct: { trips: 0, ms: 0 }, proxied: { trips: 0, ms: 0 } };
      for (let round = 0; round < rounds; round++) {
        for (const [key, trips] of [
          ['direct', direct],
          ['proxied', proxied],
        ] as const) {
          const r = await trips.rate(ms / rounds, bench.inFlight);
          total[key].trips += r.trips;
          total[key].ms += r.ms;
        }
      }
      direct.close();
      proxied.close();
      rows.push({
        name: `chaos proxy, nothing armed: ${bench.name}, ${where}`,
        value: (total.proxied.trips / total.proxied.ms) * 1000,
        unit: 'trips/s',
        ceilingName: 'the same client straight to the exchange',
        ceiling: (total.direct.trips / total.direct.ms) * 1000,
        target: '>= 85% of direct',
      });
    }
    return rows;
  } finally {
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
