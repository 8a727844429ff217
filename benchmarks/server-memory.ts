import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import type { BenchRow } from './bench-table.ts';

/**
 * Soak: a real `shakedown serve` child process (no journal, the default venue but no rate
 * limit) fed a place/cancel mix over `connections` WebSocket connections on loopback, until
 * `inputs` requests have been answered. The server's RSS (VmRSS of /proc/<pid>/status) is read
 * after 100k inputs and at the end; bounded retention means the second is within 200 MB of
 * the first. An admin `reset` halfway checks that reset releases what the run retained.
 *
 * Env: SERVER_MEMORY_INPUTS (default 1,000,000), SERVER_MEMORY_CONNECTIONS (default 50).
 */
const SAMPLE_AT = 100_000;
const CEILING_MB = 200;
/** Requests each connection keeps in flight. */
const WINDOW = 8;
/** A connection cancels its oldest order once it has this many open. */
const MAX_OPEN_PER_CONNECTION = 24;
const ACCOUNTS = ['maker', 'taker', 'bystander'] as const;
const BTC = 'SANDBOX.BTC-USD';
const ETH = 'SANDBOX.ETH-USD';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/** VmRSS of a process, in MB (Linux only). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** A small deterministic generator (mulberry32): the same seed, the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Served {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-memory-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ rateLimit: { perSecond: 1e9, burst: 1e9 } }));
  const child = spawn(
    process.execPath,
    ['bin/shakedown.js', 'serve', '--port', '0', '--config', configFile, '--log-level', 'warn'],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline).trim());
    });
    void exited.then(() => reject(new Error('shakedown serve exited before printing its URL')));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (child.pid === undefined) throw new Error('shakedown serve has no pid');
  return { url, pid: child.pid, stop };
}

interface Connection {
  socket: WebSocket;
  /** Resolves the response to a request id. */
  waiting: Map<number, (message: Response) => void>;
  nextId: number;
}

interface Response {
  id: number;
  ok: boolean;
  result?: { order?: { orderId?: string; status?: string } };
}

async function connect(url: string): Promise<Connection> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const connection: Connection = { socket, waiting: new Map(), nextId: 1 };
  socket.on('message', (data) => {
    const text = String(data);
    // Events are only read by the server's socket buffers here, not parsed.
    if (text.startsWith('{"type":"event"')) return;
    const message = JSON.parse(text) as Response;
    const done = connection.waiting.get(message.id);
    if (done) {
      connection.waiting.delete(message.id);
      done(message);
    }
  });
  return connection;
}

function request(connection: Connection, frame: Record<string, unknown>): Promise<Response> {
  const id = connection.nextId++;
  return new Promise((resolve, reject) => {
    if (connection.socket.readyState !== WebSocket.OPEN) {
      reject(new Error('benchmark: the server closed a connection'));
      return;
    }
    connection.waiting.set(id, resolve);
    connection.socket.send(JSON.stringify({ ...frame, id }));
  });
}

export interface ServerMemoryResult {
  rows: BenchRow[];
  inputs: number;
  at100k: number;
  atEnd: number;
}

/**
 * Drives the soak and returns its row. Each connection keeps WINDOW requests in flight:
 * about 45% resting limit orders inside the band (away from the mark, both sides), 45%
 * cancels of its oldest open order, 10% immediate-or-cancel orders at the mark that trade
 * with other connections' orders. A third of the connections stay subscribed to their
 * account's stream, two also to the book and market streams; the rest unsubscribe from
 * everything, so the client process is not the bottleneck.
 */
export async function runServerMemoryBenchmark(
  inputs = Number(process.env.SERVER_MEMORY_INPUTS ?? 1_000_000),
  connections = Number(process.env.SERVER_MEMORY_CONNECTIONS ?? 50),
): Promise<ServerMemoryResult> {
  const served = await serve();
  const all: Connection[] = [];
  const samples: string[] = [];
  let done = 0;
  let issued = 0;
  let at100k: number | undefined;
  let beforeReset: number | undefined;
  let afterReset: number | undefined;
  const started = performance.now();
  try {
    const admin = await connect(served.url);
    all.push(admin);
    await request(admin, { type: 'login', key: 'admin-key' });
    const start = rssOf(served.pid);
    for (let c = 0; c < connections; c++) {
      const connection = await connect(served.url);
      all.push(connection);
      const account = ACCOUNTS[c % ACCOUNTS.length];
      await request(connection, { type: 'login', key: `${account}-key` });
      if (c % 3 !== 0) await request(connection, { type: 'unsubscribe', streams: [`account:${account}`] });
      else if (c < 6) {
        await request(connection, {
          type: 'subscribe',
          streams: [`book:${BTC}`, `market:${BTC}`, `book:${ETH}`, `market:${ETH}`],
        });
      }
    }
    const resetAt = Math.floor(inputs / 2);
    let resetting: Promise<void> | undefined;
    const checkpoint = (): void => {
      if (done % SAMPLE_AT === 0) {
        const rss = rssOf(served.pid);
        samples.push(`${done / 1000}k ${Math.round(rss)}`);
        if (done === SAMPLE_AT) at100k = rss;
      }
      if (done === resetAt && resetting === undefined) {
        beforeReset = rssOf(served.pid);
        resetting = request(admin, { type: 'reset' }).then(() => {
          afterReset = rssOf(served.pid);
        });
      }
    };
    const drive = async (connection: Connection, index: number): Promise<void> => {
      const next = random(20261203 + index);
      const open: string[] = [];
      let n = 0;
      const one = async (): Promise<void> => {
        while (issued < inputs) {
          issued++;
          const r = next();
          let frame: Record<string, unknown>;
          if (open.length > 0 && (open.length >= MAX_OPEN_PER_CONNECTION || (r >= 0.45 && r < 0.9))) {
            frame = { type: 'cancel', orderId: open.shift() };
          } else {
            const btc = next() < 0.7;
            const buy = next() < 0.5;
            const ioc = r >= 0.9;
            // BTC: mark 20000, tick 0.5, band 19000..21000; ETH: mark 1000, tick 0.01.
            const steps = 1 + Math.floor(next() * 1800);
            const price = btc
              ? ioc
                ? 20000
                : buy
                  ? 20000 - 0.5 * steps
                  : 20000 + 0.5 * steps
              : ioc
                ? 1000
                : Math.round((buy ? 1000 - 0.02 * steps : 1000 + 0.02 * steps) * 100) / 100;
            frame = {
              type: 'place',
              symbol: btc ? BTC : ETH,
              side: buy ? 'buy' : 'sell',
              orderType: 'limit',
              tif: ioc ? 'ioc' : 'gtc',
              price,
              qty: btc ? 0.001 : 0.01,
              clientOrderId: `c${index}-${n++}`,
            };
          }
          const response = await request(connection, frame);
          const order = response.result?.order;
          if (frame.type === 'place' && response.ok && order?.orderId !== undefined) {
            if (order.status === 'open' || order.status === 'partially_filled') open.push(order.orderId);
          }
          done++;
          checkpoint();
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, one));
    };
    await Promise.all(all.slice(1).map((connection, index) => drive(connection, index)));
    await resetting;
    const atEnd = rssOf(served.pid);
    const seconds = (performance.now() - started) / 1000;
    const mb = (x: number | undefined): string => (x === undefined ? '?' : `${Math.round(x)} MB`);
    const first = at100k ?? start;
    return {
      inputs: done,
      at100k: first,
      atEnd,
      rows: [
        {
          name: `serve RSS after ${(done / 1e6).toLocaleString('en-US')}M inputs (${connections} ws connections, place/cancel, no journal)`,
          value: atEnd,
          unit: 'MB',
          ceilingName: 'RSS of the same server after 100k inputs',
          ceiling: first,
          target: `bounded: RSS at 1M inputs within ${CEILING_MB} MB of RSS at 100k`,
          note:
            `server RSS at start ${mb(start)}, after 100k inputs ${mb(at100k)}, at ${done.toLocaleString('en-US')} ${mb(atEnd)} ` +
            `(${atEnd - first <= CEILING_MB ? 'within' : 'OVER'} the ${CEILING_MB} MB ceiling); admin reset at ` +
            `${resetAt.toLocaleString('en-US')}: ${mb(beforeReset)} before, ${mb(afterReset)} after; ` +
            `samples (inputs MB): ${samples.join(', ')}; ${Math.round(done / seconds).toLocaleString('en-US')} inputs/s over ${seconds.toFixed(0)} s`,
        },
      ],
    };
  } finally {
    for (const connection of all) connection.socket.terminate();
    await served.stop();
  }
}

// Alone: `node --import ./bin/register-ts.mjs benchmarks/server-memory.ts`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  const { rows } = await runServerMemoryBenchmark();
  process.stdout.write(
    `${formatTable(rows)}\n${rows.flatMap((r) => (r.note ? [`- ${r.note}`] : [])).join('\n')}\n`,
  );
}
