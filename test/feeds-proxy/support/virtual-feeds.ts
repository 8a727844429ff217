import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';
import type { Head, Log } from '../../../src/domains/feeds/protocol/chain-types.ts';
import type { FeedsBugName } from '../../../src/domains/feeds/protocol/feeds-bugs.ts';
import { type FeedsConfig, feedsConfigWith } from '../../../src/domains/feeds/protocol/feeds-config.ts';
import { fromHexQuantity } from '../../../src/domains/feeds/protocol/hex-quantity.ts';
import type { JsonRpcId, JsonRpcResponse } from '../../../src/domains/feeds/protocol/json-rpc.ts';
import { FeedsHost, type ProxySession, type UpstreamLinkTap } from '../../../src/feeds-proxy/index.ts';

/** One test client of the in-process proxy: what it sent and everything it received. */
export class TestClient {
  readonly responses = new Map<JsonRpcId, JsonRpcResponse>();
  readonly pushes = new Map<string, (Head | Log)[]>();
  readonly frames: unknown[] = [];
  closed = false;
  private nextId = 1;
  readonly session: ProxySession;

  constructor(
    readonly name: string,
    host: FeedsHost,
  ) {
    this.session = host.connect(
      name,
      (frame) => {
        const message = JSON.parse(frame) as Record<string, unknown>;
        this.frames.push(message);
        if (message.method === 'eth_subscription') {
          const params = message.params as { subscription: string; result: Head | Log };
          const list = this.pushes.get(params.subscription) ?? [];
          list.push(params.result);
          this.pushes.set(params.subscription, list);
        } else if ('id' in message) {
          this.responses.set(message.id as JsonRpcId, message as unknown as JsonRpcResponse);
        }
      },
      () => {
        this.closed = true;
      },
    );
  }

  /** Sends a request; returns its id. */
  send(method: string, params: unknown[] = [], id: JsonRpcId = this.nextId++): JsonRpcId {
    this.session.receive(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return id;
  }

  result<T = unknown>(id: JsonRpcId): T {
    const response = this.responses.get(id);
    if (response === undefined) throw new Error(`${this.name}: no answer to ${id}`);
    if ('error' in response) throw new Error(`${this.name}: ${id} failed: ${response.error.message}`);
    return response.result as T;
  }

  heads(subscription: string): Head[] {
    return (this.pushes.get(subscription) ?? []) as Head[];
  }

  logs(subscription: string): Log[] {
    return (this.pushes.get(subscription) ?? []) as Log[];
  }
}

/** The reference feeds system on virtual time, with helpers to move time and make clients. */
export class VirtualFeeds {
  readonly scheduler = new SortedVirtualTimeScheduler();
  readonly host: FeedsHost;
  readonly config: FeedsConfig;

  constructor(config: Partial<FeedsConfig> = {}, bugs: FeedsBugName[] = [], upstreamTap?: UpstreamLinkTap) {
    this.config = feedsConfigWith(config);
    this.host = new FeedsHost({
      config: this.config,
      bugs,
      scheduler: this.scheduler,
      ...(upstreamTap !== undefined ? { upstreamTap } : {}),
    });
  }

  /** Runs everything scheduled in the next `ms` of virtual time. */
  advance(ms: number): void {
    const until = this.scheduler.now() + ms;
    this.scheduler.runUntil(() => false, until);
    this.scheduler.frame = Math.max(this.scheduler.frame, until);
  }

  client(name: string): TestClient {
    return new TestClient(name, this.host);
  }

  /** Subscribes and runs until the answer is in; returns the subscription id. */
  subscribe(client: TestClient, params: unknown[]): string {
    const id = client.send('eth_subscribe', params);
    this.advance(50);
    return client.result<string>(id);
  }

  stop(): void {
    this.host.stop();
  }
}

export function numbers(heads: readonly Head[]): number[] {
  return heads.map((h) => fromHexQuantity(h.number) as number);
}

/** Whether each head links to the head before it (the first to anything). */
export function linked(heads: readonly Head[]): boolean {
  return heads.every((h, i) => i === 0 || h.parentHash === heads[i - 1].hash);
}
