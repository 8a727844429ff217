import {
  isJsonRpcNotification,
  isJsonRpcResponse,
  JSON_RPC_ERRORS,
  type JsonRpcErrorObject,
  parseJsonRpcFrame,
} from '../../domains/feeds/protocol/json-rpc.ts';
import type { Timers } from './timers.ts';

/** The proxy's end of a link to an upstream: frames as text. */
export interface UpstreamLink {
  send(frame: string): void;
  close(): void;
}

/** Frames and the close coming back from an upstream on one link. */
export interface UpstreamLinkHandlers {
  frame(text: string): void;
  closed(): void;
}

/**
 * Opens a link to an upstream: `done` gets the link, or undefined when the connection was
 * refused. Supplied by the host (in-process links with latency) or a server.
 */
export type UpstreamDialer = (
  upstream: string,
  handlers: UpstreamLinkHandlers,
  done: (link: UpstreamLink | undefined) => void,
) => void;

/** How an upstream call ended. `latencyMs` is from sending to the outcome. */
export type UpstreamOutcome =
  | { ok: true; result: unknown; latencyMs: number }
  | { ok: false; kind: 'error' | 'timeout' | 'connection'; error: JsonRpcErrorObject; latencyMs: number };

interface Pending {
  method: string;
  sentAt: number;
  cancelTimeout: () => void;
  done: (outcome: UpstreamOutcome) => void;
}

export interface UpstreamConnectionOptions {
  upstream: string;
  link: UpstreamLink;
  timers: Timers;
  timeoutMs: number;
  onNotification(subscription: string, result: unknown): void;
  /** The link closed (either side); every pending call has already failed with `connection`. */
  onClosed(): void;
}

/**
 * A JSON-RPC client over one upstream link: numbered calls with a timeout each, answers matched
 * by id, subscription pushes handed on by upstream subscription id. When the link closes every
 * call still pending fails with `connection`; an answer after its timeout is ignored.
 */
export class UpstreamConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private isOpen = true;

  constructor(private readonly options: UpstreamConnectionOptions) {}

  get open(): boolean {
    return this.isOpen;
  }

  call(method: string, params: unknown[], done: (outcome: UpstreamOutcome) => void): void {
    const timers = this.options.timers;
    const sentAt = timers.now();
    if (!this.isOpen) {
      done({ ok: false, kind: 'connection', error: lost(this.options.upstream), latencyMs: 0 });
      return;
    }
    const id = this.nextId++;
    const cancelTimeout = timers.after(this.options.timeoutMs, () => {
      if (!this.pending.delete(id)) return;
      done({
        ok: false,
        kind: 'timeout',
        error: {
          code: JSON_RPC_ERRORS.upstreamTimeout,
          message: `${this.options.upstream} did not answer ${method} within ${this.options.timeoutMs} ms`,
        },
        latencyMs: timers.now() - sentAt,
      });
    });
    this.pending.set(id, { method, sentAt, cancelTimeout, done });
    this.options.link.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  }

  /** A frame from the upstream. */
  frame(text: string): void {
    if (!this.isOpen) return;
    const message = parseJsonRpcFrame(text);
    if (isJsonRpcNotification(message)) {
      const params = message.params as { subscription?: unknown; result?: unknown } | undefined;
      if (message.method === 'eth_subscription' && typeof params?.subscription === 'string')
        this.options.onNotification(params.subscription, params.result);
      return;
    }
    if (!isJsonRpcResponse(message) || typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    pending.cancelTimeout();
    const latencyMs = this.options.timers.now() - pending.sentAt;
    if ('error' in message) pending.done({ ok: false, kind: 'error', error: message.error, latencyMs });
    else pending.done({ ok: true, result: message.result, latencyMs });
  }

  /** The link closed under us. */
  closed(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.failAll();
    this.options.onClosed();
  }

  /** The proxy closes it. */
  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.options.link.close();
    this.failAll();
  }

  private failAll(): void {
    const now = this.options.timers.now();
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      call.cancelTimeout();
      call.done({
        ok: false,
        kind: 'connection',
        error: lost(this.options.upstream),
        latencyMs: now - call.sentAt,
      });
    }
  }
}

function lost(upstream: string): JsonRpcErrorObject {
  return { code: JSON_RPC_ERRORS.noUpstream, message: `connection to ${upstream} lost` };
}
