import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { startWsChaosProxy, type WsChaosProxy } from '../../../src/core/chaos-proxy/ws-chaos-proxy.ts';
import { FaultLog } from '../../../src/core/faults/fault-record.ts';
import { tradingTextFrameHooks } from '../../../src/domains/trading/transport/trading-frame-hooks.ts';

/** Bound on a wait for something that happens in milliseconds when the machine is idle. */
const WAIT_MS = 20_000;

/** Polls `check` until it holds; throws after `timeoutMs` so a test never hangs. */
export async function until(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Closed {
  code: number;
  reason: string;
}

/** What one side of a socket saw: its text frames in order, binary frames, and how it ended. */
class Peer {
  readonly texts: string[] = [];
  readonly binaries: Buffer[] = [];
  closed: Closed | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.binaries.push(data as Buffer);
      else this.texts.push(String(data));
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  send(frame: string | object): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until `n` text frames have arrived in all. */
  async received(n: number, timeoutMs = WAIT_MS): Promise<string[]> {
    await until(() => this.texts.length >= n, `${n} frames (have ${this.texts.length})`, timeoutMs);
    return this.texts;
  }

  async waitClosed(timeoutMs = WAIT_MS): Promise<Closed> {
    await until(() => this.closed !== undefined, 'the socket to close', timeoutMs);
    return this.closed as Closed;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }
}

export class TestPeer extends Peer {
  static async connect(url: string): Promise<TestPeer> {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: WAIT_MS });
    const peer = new TestPeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return peer;
  }

  close(): void {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.terminate();
  }
}

/** Dials `url` and expects the dial to fail; returns the error message. */
export async function dialFailure(url: string): Promise<string> {
  const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: WAIT_MS });
  return new Promise<string>((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error(`expected ${url} to refuse the connection`));
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

/**
 * A tiny target: every connection is recorded as a Peer (what the target received, how the
 * connection ended); frames are answered by `respond`, an echo unless told otherwise.
 */
export class TestUpstream {
  readonly peers: Peer[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(
    respond: (socket: WebSocket, text: string) => void = (socket, text) => socket.send(text),
    options: { handshakeDelayMs?: number } = {},
  ): Promise<TestUpstream> {
    const delay = options.handshakeDelayMs ?? 0;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      // A slow target: the proxy's upstream stays CONNECTING for this long.
      verifyClient: (_info, done) => setTimeout(() => done(true), delay),
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const upstream = new TestUpstream(server, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', (socket) => {
      upstream.peers.push(new Peer(socket));
      socket.on('message', (data, isBinary) => {
        if (isBinary) socket.send(data, { binary: true });
        else respond(socket, String(data));
      });
    });
    return upstream;
  }

  /** The target's side of its latest connection. */
  get last(): Peer {
    const peer = this.peers.at(-1);
    if (peer === undefined) throw new Error('the target has no connection');
    return peer;
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A proxy in front of `upstream` with the trading hooks, and a fresh log for its run. */
export async function startProxy(upstream: () => string): Promise<{ proxy: WsChaosProxy; log: FaultLog }> {
  const proxy = await startWsChaosProxy({ upstream, hooks: tradingTextFrameHooks });
  const log = new FaultLog();
  proxy.beginRun(log);
  return { proxy, log };
}

/**
 * Everything a test opened, closed in afterEach whatever happened: `track` registers a
 * closer and hands the thing back.
 */
export class Cleanup {
  private readonly closers: (() => unknown)[] = [];

  track<T extends { close(): unknown }>(thing: T): T {
    this.closers.push(() => thing.close());
    return thing;
  }

  async run(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const close of closers) await close();
  }
}
