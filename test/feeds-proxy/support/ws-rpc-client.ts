import WebSocket from 'ws';

/** A JSON-RPC client over a real socket, for the server tests: every frame kept, waits bounded. */
export class WsRpcClient {
  readonly frames: Record<string, unknown>[] = [];
  private nextId = 1;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(url: string): Promise<WsRpcClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new WsRpcClient(socket);
  }

  /** Sends a request and waits (at most `timeoutMs`) for its answer. */
  async call(method: string, params: unknown[] = []): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return this.waitFor((f) => f.id === id);
  }

  /** Waits until a frame matches (checking those already in), or fails after timeoutMs. */
  async waitFor(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error('no such frame arrived');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Subscription pushes received for `subscription`, in order. */
  pushes(subscription: string): Record<string, unknown>[] {
    return this.frames
      .filter((f) => f.method === 'eth_subscription')
      .map((f) => f.params as { subscription: string; result: Record<string, unknown> })
      .filter((p) => p.subscription === subscription)
      .map((p) => p.result);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
