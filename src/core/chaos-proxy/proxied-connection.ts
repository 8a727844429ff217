import type { Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';
import type { FrameDirection } from '../faults/fault.ts';

/** What a proxied connection tells its owner. */
export interface ProxiedConnectionEvents {
  /** A whole frame arrived from one side (`to_target`: from the client). */
  frame(direction: FrameDirection, data: Buffer, isBinary: boolean): void;
  /** The connection is over, whichever side or cause ended it; called once. */
  ended(): void;
}

export interface ProxiedConnectionOptions {
  /** How long the upstream's opening handshake may take before the client is told it failed. */
  connectTimeoutMs: number;
}

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

/** Close codes a peer may send in a close frame (1005 and 1006 only describe a close locally). */
function sendableCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** A close reason must fit in 123 bytes of UTF-8. */
function clip(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Node socket errors carry a code (ECONNREFUSED...), which says more than the message. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function noop(): void {}

/**
 * Node writes each `send` with its own syscall. A burst of frames handed on in one tick (the
 * events and the response of one request, arriving in one TCP read) goes out as one write if
 * the socket is corked until the tick ends. Not longer: holding frames to the end of the loop
 * turn would merge separate reads and keep a target in another process waiting (measured).
 */
const corked = new Set<Socket>();
let uncorkScheduled = false;
function uncorkAll(): void {
  uncorkScheduled = false;
  for (const raw of corked) raw.uncork();
  corked.clear();
}
function cork(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (raw === undefined || corked.has(raw)) return;
  raw.cork();
  corked.add(raw);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    process.nextTick(uncorkAll);
  }
}

/**
 * One client connection and the upstream connection opened for it. Frames go to the owner,
 * which hands them back through `toTarget`/`toClient` (possibly changed, late or never).
 * Frames for the target that come before the upstream is open wait, in order. When one side
 * ends, so does the other, the same way: a close handshake is passed on as one, an abrupt end
 * (error, terminate, lost TCP) as a terminate.
 */
export class ProxiedConnection {
  private upstream: WebSocket | undefined;
  /** Frames for the target waiting for the upstream to open. */
  private waiting: { data: Buffer | string; binary: boolean }[] = [];
  private over = false;

  constructor(
    readonly client: WebSocket,
    private readonly events: ProxiedConnectionEvents,
    private readonly options: ProxiedConnectionOptions,
  ) {
    // An error without a listener would crash the process; 'close' follows every error.
    client.on('error', noop);
    // Frames still arriving on a connection that was cut go nowhere, and meet no fault.
    client.on('message', (data, isBinary) => {
      if (!this.over) this.events.frame('to_target', asBuffer(data), isBinary);
    });
    client.on('close', (code, reason) => {
      if (this.over) return;
      const upstream = this.upstream;
      if (upstream !== undefined) {
        if (upstream.readyState === WebSocket.OPEN && code !== 1006) {
          upstream.close(sendableCode(code) ? code : undefined, sendableCode(code) ? reason : undefined);
        } else upstream.terminate();
      }
      this.end();
    });
  }

  /** Whether the connection still carries frames (false from the moment it is cut). */
  get live(): boolean {
    return !this.over;
  }

  /**
   * Dials the target `where()` names now. Kept apart from construction so that a cut waiting
   * for this connection can end it before the target ever sees it.
   */
  open(where: () => string): void {
    if (this.over) return;
    let url = 'the target';
    let upstream: WebSocket;
    try {
      url = where();
      upstream = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: this.options.connectTimeoutMs,
        // The client checks what it gets; the proxy passes bytes on as they came.
        skipUTF8Validation: true,
      });
    } catch (error) {
      // ws throws synchronously on a URL it cannot use; where() may throw too.
      this.refuse(url, error);
      return;
    }
    this.upstream = upstream;
    let opened = false;
    upstream.on('error', (error) => {
      if (!opened) this.refuse(url, error);
    });
    upstream.on('open', () => {
      opened = true;
      const waiting = this.waiting;
      this.waiting = [];
      cork(upstream);
      for (const frame of waiting) upstream.send(frame.data, frame.binary ? BINARY : TEXT);
    });
    upstream.on('message', (data, isBinary) => {
      if (!this.over) this.events.frame('from_target', asBuffer(data), isBinary);
    });
    upstream.on('close', (code, reason) => {
      // A dial that failed was already reported to the client by refuse().
      if (this.over || !opened) return;
      const client = this.client;
      if (client.readyState === WebSocket.OPEN && code !== 1006) {
        client.close(sendableCode(code) ? code : undefined, sendableCode(code) ? reason : undefined);
      } else client.terminate();
      this.end();
    });
  }

  /** Sends a frame to the target, or keeps it until the upstream is open. */
  toTarget(data: Buffer | string, binary = false): void {
    const upstream = this.upstream;
    if (upstream?.readyState === WebSocket.OPEN) {
      cork(upstream);
      upstream.send(data, binary ? BINARY : TEXT);
    } else if (!this.over && (upstream === undefined || upstream.readyState === WebSocket.CONNECTING)) {
      this.waiting.push({ data, binary });
    }
  }

  toClient(data: Buffer | string, binary = false): void {
    if (this.client.readyState !== WebSocket.OPEN) return;
    cork(this.client);
    this.client.send(data, binary ? BINARY : TEXT);
  }

  /** Ends both sides with a close handshake. */
  close(code = 1000, reason = ''): void {
    if (this.over) return;
    this.end();
    this.client.close(code, clip(reason));
    const upstream = this.upstream;
    if (upstream?.readyState === WebSocket.OPEN) upstream.close(code, clip(reason));
    else upstream?.terminate();
  }

  /** Ends both sides at once, no close frame: what the peers see of a reset TCP connection. */
  terminate(): void {
    if (this.over) return;
    this.end();
    this.client.terminate();
    this.upstream?.terminate();
  }

  /** The target cannot be reached: the client sees its connection close with 1011. */
  private refuse(url: string, error: unknown): void {
    if (this.over) return;
    this.end();
    if (this.client.readyState === WebSocket.OPEN) {
      this.client.close(1011, clip(`upstream ${url} unreachable: ${reasonOf(error)}`));
    } else this.client.terminate();
  }

  private end(): void {
    if (this.over) return;
    this.over = true;
    this.waiting = [];
    this.events.ended();
  }
}
