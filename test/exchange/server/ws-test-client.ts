import WebSocket from 'ws';

/** A received message, parsed; the shape is checked by the tests, not here. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of server messages
export type Received = Record<string, any>;

interface Waiter {
  from: number;
  match: (message: Received) => boolean;
  resolve: (index: number) => void;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * A plain `ws` client for tests: records every message, and lets a test wait for one that
 * matches, always with a timeout so nothing hangs.
 */
export class TestClient {
  readonly messages: Received[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.messages.push(JSON.parse(text) as Received);
      const index = this.messages.length - 1;
      for (const waiter of this.waiters) {
        if (index >= waiter.from && waiter.match(this.messages[index])) {
          this.waiters.delete(waiter);
          waiter.resolve(index);
        }
      }
    });
  }

  static connect(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestClient> {
    const socket = new WebSocket(url);
    return withTimeout(
      new Promise<TestClient>((resolve, reject) => {
        socket.once('open', () => resolve(new TestClient(socket)));
        socket.once('error', reject);
      }),
      timeoutMs,
      `connect to ${url}`,
    );
  }

  send(frame: object | string | Buffer): void {
    if (Buffer.isBuffer(frame)) this.socket.send(frame, { binary: true });
    else this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a request with the next numeric id and resolves with its response. */
  async request(frame: Record<string, unknown>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Received> {
    const id = frame.id ?? this.nextId++;
    this.send({ ...frame, id });
    return this.waitFor((m) => m.type === 'response' && m.id === id, { timeoutMs });
  }

  /** The first message from index `from` on that matches; waits for it if it has not come yet. */
  async waitFor(
    match: (message: Received) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<Received> {
    return this.messages[await this.waitForIndex(match, options)];
  }

  waitForIndex(
    match: (message: Received) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<number> {
    const from = options.from ?? 0;
    for (let i = from; i < this.messages.length; i++) if (match(this.messages[i])) return Promise.resolve(i);
    let waiter: Waiter | undefined;
    const found = new Promise<number>((resolve) => {
      waiter = { from, match, resolve };
      this.waiters.add(waiter);
    });
    return withTimeout(found, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'a matching message', () => {
      if (waiter !== undefined) this.waiters.delete(waiter);
      return `; last messages: ${this.messages
        .slice(-5)
        .map((m) => JSON.stringify(m))
        .join('\n')}`;
    });
  }

  /** Events received on one stream, in arrival order. */
  events(stream: string): Received[] {
    return this.messages.filter((m) => m.type === 'event' && m.stream === stream);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    return withTimeout(closed, DEFAULT_TIMEOUT_MS, 'close').catch(() => this.socket.terminate());
  }
}

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  detail: () => string = () => '',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}${detail()}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
