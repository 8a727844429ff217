import type { Head, Log, LogFilter } from '../../domains/feeds/protocol/chain-types.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';
import type { FailoverRecord } from '../../domains/feeds/protocol/feeds-snapshot.ts';
import { fromHexQuantity, toHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';
import type { JsonRpcErrorObject } from '../../domains/feeds/protocol/json-rpc.ts';
import type { RoutingDecision } from '../../domains/feeds/protocol/routing-decision.ts';
import type { BugSwitches } from '../bugs/bug-switches.ts';
import type { MetricsRecorder } from './metrics-recorder.ts';
import type { Timers } from './timers.ts';
import type { UpstreamOutcome } from './upstream-connection.ts';

/** At most this many blocks are fetched to fill one gap; an older gap stays (docs/feeds.md). */
const MAX_BACKFILL_BLOCKS = 256;
/** A resync that keeps seeing its upstream's chain move under it gives up on that upstream after this many tries. */
const MAX_RESYNC_TRIES = 3;

/** What a feed needs from the proxy. */
export interface FeedContext {
  config: FeedsConfig;
  bugs: BugSwitches;
  timers: Timers;
  metrics: MetricsRecorder;
  failovers: FailoverRecord[];
  call(upstream: string, method: string, params: unknown[], done: (outcome: UpstreamOutcome) => void): void;
  /** Picks an upstream (recording the decision), or undefined when none is eligible. */
  choose(
    purpose: RoutingDecision['purpose'],
    method: string,
    exclude: ReadonlySet<string>,
    attempt: number,
  ): string | undefined;
  /** Sends a push to every subscriber of the feed. */
  deliver(feed: Feed, result: Head | Log): void;
  /** Routes pushes for `subscription` on `upstream` to the feed (on), or stops routing them (off). */
  bind(upstream: string, subscription: string, feed: Feed, on: boolean): void;
  /** The first placement finished: ok, or failed with an error for the waiting subscribers. */
  placed(feed: Feed, error?: JsonRpcErrorObject): void;
}

type Buffered = { type: 'push'; result: unknown } | { type: 'head'; head: Head };

type FeedState = 'placing' | 'live' | 'resyncing' | 'waiting' | 'lost' | 'closed';

/**
 * One upstream subscription the proxy keeps for all client subscriptions with the same key
 * (newHeads, or logs with one filter), and its continuity: what it delivered, a resync that
 * fills gaps and finds fork points, and failover to another upstream. The rules it keeps are
 * in src/domains/feeds/protocol/reorg-announcement.ts and docs/feeds.md.
 */
export class Feed {
  readonly subscribers = new Set<string>();
  private state: FeedState = 'placing';
  private upstreamName: string | undefined;
  private upstreamSub: string | undefined;
  /** Bumped on every placement, resync and move: callbacks of an older one are ignored. */
  private epoch = 0;
  private buffer: Buffered[] = [];
  private placedOnce = false;
  private tries = 0;
  private record: FailoverRecord | undefined;
  private cancelRetry: (() => void) | undefined;
  // newHeads: the hash delivered at each recent number, and the last number delivered.
  private readonly delivered = new Map<number, string>();
  private last: number | undefined;
  // logs: the block through which logs are delivered, the hashes of recent covered blocks,
  // each delivered log's latest version and the logs delivered per block.
  private covered: number | undefined;
  private readonly coveredHashes = new Map<number, string>();
  private readonly logState = new Map<string, Log>();
  private readonly logsByBlock = new Map<number, Set<string>>();

  constructor(
    readonly key: string,
    readonly kind: 'newHeads' | 'logs',
    readonly filter: LogFilter | undefined,
    private readonly ctx: FeedContext,
  ) {}

  get upstream(): string | undefined {
    return this.upstreamName;
  }

  get status(): FeedState {
    return this.state;
  }

  /** Still serving (or trying to): not closed and not lost. */
  get active(): boolean {
    return this.state !== 'closed' && this.state !== 'lost';
  }

  /** No placement, resync or move in progress. */
  get settled(): boolean {
    return this.state === 'live' || this.state === 'closed' || this.state === 'lost';
  }

  /** First placement: try upstreams by the strategy until one takes the subscription. */
  place(): void {
    this.placeOn(new Set(), 1);
  }

  /** A push for this feed's upstream subscription. */
  push(upstream: string, subscription: string, result: unknown): void {
    if (upstream !== this.upstreamName || subscription !== this.upstreamSub) return;
    this.receive({ type: 'push', result });
  }

  /** A head from the watcher of an upstream (logs feeds follow their upstream's head for coverage). */
  upstreamHead(upstream: string, head: Head): void {
    if (this.kind !== 'logs' || upstream !== this.upstreamName) return;
    this.receive({ type: 'head', head });
  }

  /** The feed's upstream stopped being usable: move to another. */
  upstreamDown(upstream: string, reason: FailoverRecord['reason']): void {
    if (upstream !== this.upstreamName || !this.active) return;
    if (this.state === 'placing') {
      // Not serving yet: start the placement over on another upstream.
      this.unbindCurrent();
      this.placeOn(new Set([upstream]), 1);
      return;
    }
    this.moveAway(reason);
  }

  /** Some upstream became eligible: a waiting feed tries again. */
  upstreamUp(): void {
    if (this.state === 'waiting') this.retryPlacement();
  }

  /** The proxy died: nothing more happens, and a failover in progress is marked abandoned. */
  abandon(): void {
    this.state = 'closed';
    this.epoch++;
    this.markAbandoned();
  }

  /** No subscriber left: give the upstream subscription back. */
  close(): void {
    this.markAbandoned();
    const upstream = this.upstreamName;
    const sub = this.upstreamSub;
    this.state = 'closed';
    this.epoch++;
    this.cancelRetry?.();
    this.unbindCurrent();
    if (upstream !== undefined && sub !== undefined)
      this.ctx.call(upstream, 'eth_unsubscribe', [sub], () => {});
  }

  private markAbandoned(): void {
    const record = this.record;
    if (record !== undefined && record.completedAt === undefined && record.abandonedAt === undefined)
      record.abandonedAt = this.ctx.timers.now();
  }

  private receive(item: Buffered): void {
    if (this.state === 'resyncing' || this.state === 'placing') {
      this.buffer.push(item);
      return;
    }
    if (this.state !== 'live') return;
    if (item.type === 'head') this.coverHead(item.head);
    else if (this.kind === 'newHeads') this.liveHead(item.result as Head);
    else this.liveLog(item.result as Log);
  }

  private placeOn(tried: Set<string>, attempt: number): void {
    const epoch = ++this.epoch;
    const upstream = this.ctx.choose('subscribe', 'eth_subscribe', tried, attempt);
    if (upstream === undefined) {
      this.state = 'closed';
      this.ctx.placed(this, { code: -32001, message: 'no upstream could take the subscription' });
      return;
    }
    this.subscribeOn(upstream, epoch, (ok) => {
      if (!ok) {
        tried.add(upstream);
        this.placeOn(tried, attempt + 1);
        return;
      }
      this.resync(upstream, epoch, false, (fine) => {
        if (fine) return;
        this.unbindCurrent();
        tried.add(upstream);
        this.placeOn(tried, attempt + 1);
      });
    });
  }

  private subscribeOn(upstream: string, epoch: number, then: (ok: boolean) => void): void {
    this.state = this.placedOnce ? 'resyncing' : 'placing';
    this.buffer = [];
    const params = this.kind === 'logs' ? ['logs', this.filter ?? {}] : ['newHeads'];
    this.ctx.call(upstream, 'eth_subscribe', params, (outcome) => {
      if (epoch !== this.epoch) {
        if (outcome.ok) this.ctx.call(upstream, 'eth_unsubscribe', [outcome.result], () => {});
        return;
      }
      if (!outcome.ok || typeof outcome.result !== 'string') {
        then(false);
        return;
      }
      this.upstreamName = upstream;
      this.upstreamSub = outcome.result;
      this.ctx.bind(upstream, outcome.result, this, true);
      then(true);
    });
  }

  private unbindCurrent(): void {
    if (this.upstreamName !== undefined && this.upstreamSub !== undefined)
      this.ctx.bind(this.upstreamName, this.upstreamSub, this, false);
    this.upstreamName = undefined;
    this.upstreamSub = undefined;
  }

  /** Leaves the current upstream and resumes on another (or waits for one). */
  private moveAway(reason: FailoverRecord['reason']): void {
    const from = this.upstreamName;
    const sub = this.upstreamSub;
    this.epoch++;
    this.unbindCurrent();
    if (from !== undefined && sub !== undefined && reason === 'lagging')
      this.ctx.call(from, 'eth_unsubscribe', [sub], () => {});
    if (this.ctx.bugs.has('subscription_lost_on_failover')) {
      this.state = 'lost';
      return;
    }
    this.openRecord(reason, from);
    this.state = 'waiting';
    this.tries = 0;
    this.retryPlacement(from);
  }

  private openRecord(reason: FailoverRecord['reason'], from: string | undefined): void {
    if (this.record !== undefined && this.record.completedAt === undefined) return;
    this.record = {
      subscriptions: [...this.subscribers],
      kind: this.kind,
      reason,
      startedAt: this.ctx.timers.now(),
      backfilled: [],
      suppressed: 0,
    };
    if (from !== undefined) this.record.from = from;
    this.ctx.failovers.push(this.record);
    this.ctx.metrics.failoverStarted();
  }

  /** Tries to resume on an eligible upstream (other than `avoid` when another exists); waits and retries otherwise. */
  private retryPlacement(avoid?: string): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    if (this.state !== 'waiting') return;
    const epoch = ++this.epoch;
    const exclude = new Set<string>(avoid !== undefined ? [avoid] : []);
    let upstream = this.ctx.choose('subscribe', 'eth_subscribe', exclude, 1);
    if (upstream === undefined && avoid !== undefined)
      upstream = this.ctx.choose('subscribe', 'eth_subscribe', new Set(), 2);
    if (upstream === undefined) {
      this.cancelRetry = this.ctx.timers.after(this.ctx.config.reconnectDelayMs, () => {
        this.cancelRetry = undefined;
        this.retryPlacement();
      });
      return;
    }
    const chosen = upstream;
    if (this.record !== undefined) this.record.to = chosen;
    this.subscribeOn(chosen, epoch, (ok) => {
      if (!ok) {
        this.state = 'waiting';
        this.scheduleRetry(chosen);
        return;
      }
      this.resync(chosen, epoch, true, (fine) => {
        if (fine) return;
        this.unbindCurrent();
        this.state = 'waiting';
        this.scheduleRetry(chosen);
      });
    });
  }

  private scheduleRetry(avoid: string): void {
    this.cancelRetry?.();
    this.cancelRetry = this.ctx.timers.after(this.ctx.config.reconnectDelayMs, () => {
      this.cancelRetry = undefined;
      this.retryPlacement(avoid);
    });
  }

  /** The same upstream skipped or changed under the feed: fill in from it again. */
  private resyncInPlace(): void {
    const upstream = this.upstreamName;
    if (upstream === undefined) return;
    const epoch = ++this.epoch;
    this.openRecord('resync', upstream);
    if (this.record !== undefined) this.record.to = upstream;
    this.state = 'resyncing';
    this.resync(upstream, epoch, false, (fine) => {
      if (!fine) this.moveAway('upstream_error');
    });
  }

  /**
   * Brings the feed level with `upstream`: reads its head, fetches its blocks from
   * maxReorgDepth below what was delivered up to that head, finds the fork point, then
   * announces the reorg (if any) and backfills, before the pushes buffered meanwhile go through.
   */
  private resync(upstream: string, epoch: number, failover: boolean, done: (ok: boolean) => void): void {
    this.state = this.placedOnce ? 'resyncing' : 'placing';
    this.ctx.call(upstream, 'eth_blockNumber', [], (outcome) => {
      if (epoch !== this.epoch) return;
      const height = outcome.ok ? fromHexQuantity(outcome.result) : undefined;
      if (height === undefined) {
        done(false);
        return;
      }
      const since = this.kind === 'newHeads' ? this.last : this.covered;
      if (since === undefined) {
        if (this.kind === 'logs') this.covered = height;
        this.finishLive();
        done(true);
        return;
      }
      const lo = Math.max(0, since - this.ctx.config.maxReorgDepth, height - MAX_BACKFILL_BLOCKS);
      if (height < lo) {
        this.finishLive();
        done(true);
        return;
      }
      this.fetchBlocks(upstream, lo, height, epoch, (blocks) => {
        if (blocks === undefined) {
          if (++this.tries < MAX_RESYNC_TRIES) this.resync(upstream, epoch, failover, done);
          else done(false);
          return;
        }
        this.tries = 0;
        if (this.kind === 'newHeads') this.catchUpHeads(blocks, lo, failover);
        else {
          this.catchUpLogs(upstream, blocks, lo, height, epoch, failover, done);
          return;
        }
        this.finishLive();
        done(true);
      });
    });
  }

  /** Fetches blocks lo..hi, checking they link up; undefined if any is missing or they do not. */
  private fetchBlocks(
    upstream: string,
    lo: number,
    hi: number,
    epoch: number,
    done: (blocks: Head[] | undefined) => void,
  ): void {
    const blocks: (Head | undefined)[] = new Array(hi - lo + 1);
    let waiting = blocks.length;
    let failed = false;
    for (let n = lo; n <= hi; n++) {
      this.ctx.call(upstream, 'eth_getBlockByNumber', [toHexQuantity(n), false], (outcome) => {
        if (epoch !== this.epoch) return;
        const head = outcome.ok ? (outcome.result as Head | null) : null;
        if (head === null || fromHexQuantity(head.number) !== n) failed = true;
        else blocks[n - lo] = head;
        if (--waiting > 0) return;
        const linked = !failed && blocks.every((b, i) => i === 0 || b?.parentHash === blocks[i - 1]?.hash);
        done(linked ? (blocks as Head[]) : undefined);
      });
    }
  }

  /** Highest number in [lo, top] whose delivered hash matches `blocks` (or was never delivered). */
  private forkPoint(blocks: readonly Head[], lo: number, top: number, known: Map<number, string>): number {
    for (let n = top; n >= lo; n--) {
      const hash = known.get(n);
      if (hash === undefined || hash === blocks[n - lo].hash) return n;
    }
    return lo - 1;
  }

  private catchUpHeads(blocks: Head[], lo: number, failover: boolean): void {
    const bugs = this.ctx.bugs;
    const last = this.last as number;
    const height = lo + blocks.length - 1;
    const top = Math.min(last, height);
    const fork = this.forkPoint(blocks, lo, top, this.delivered);
    let send = blocks.filter((_, i) => lo + i > fork);
    const silent: Head[] = [];
    if (bugs.has('reorg_not_announced')) {
      silent.push(...send.filter((h) => number(h) <= last));
      send = send.filter((h) => number(h) > last);
    }
    if (failover && bugs.has('duplicate_head_after_resubscribe') && fork >= lo && this.delivered.has(fork))
      send.unshift(blocks[fork - lo]);
    if (failover && bugs.has('gap_on_failover')) {
      const above = send.filter((h) => number(h) > last);
      send = [...send.filter((h) => number(h) <= last), ...above.slice(-1)];
    }
    if (this.record !== undefined && this.record.completedAt === undefined) {
      if (fork < top) this.record.forkPoint = fork;
      this.record.suppressed += blocks.length - send.length;
    }
    for (const head of silent) this.remember(head);
    for (const head of send) {
      if (this.record !== undefined && this.record.completedAt === undefined && number(head) > last)
        this.record.backfilled.push(number(head));
      this.sendHead(head);
    }
  }

  private catchUpLogs(
    upstream: string,
    blocks: Head[],
    lo: number,
    height: number,
    epoch: number,
    failover: boolean,
    done: (ok: boolean) => void,
  ): void {
    const bugs = this.ctx.bugs;
    const covered = this.covered as number;
    const top = Math.min(covered, height);
    const fork = this.forkPoint(blocks, lo, top, this.coveredHashes);
    const record =
      this.record !== undefined && this.record.completedAt === undefined ? this.record : undefined;
    if (record !== undefined && fork < top) record.forkPoint = fork;
    if (!bugs.has('reorg_not_announced')) {
      for (let n = fork + 1; n <= covered; n++) this.takeBack(n);
    }
    const from = bugs.has('log_delivered_twice') ? lo : fork + 1;
    let to = height;
    if (failover && bugs.has('gap_on_failover')) to = Math.min(height, covered);
    const finish = (): void => {
      for (let i = 0; i < blocks.length; i++) this.coveredHashes.set(lo + i, blocks[i].hash);
      for (const n of [...this.coveredHashes.keys()]) if (n > height) this.coveredHashes.delete(n);
      if (record !== undefined)
        for (let n = covered + 1; n <= Math.min(height, to); n++) record.backfilled.push(n);
      this.covered = height;
      this.finishLive();
      done(true);
    };
    if (from > to) {
      finish();
      return;
    }
    const range = { ...(this.filter ?? {}), fromBlock: toHexQuantity(from), toBlock: toHexQuantity(to) };
    this.ctx.call(upstream, 'eth_getLogs', [range], (outcome) => {
      if (epoch !== this.epoch) return;
      if (!outcome.ok || !Array.isArray(outcome.result)) {
        done(false);
        return;
      }
      const blockHashes = new Map(blocks.map((b, i) => [lo + i, b.hash]));
      for (const log of outcome.result as Log[]) {
        // A log from a block the upstream has since replaced: the live pushes will bring the right one.
        if (blockHashes.get(number(log)) !== log.blockHash) continue;
        if (!this.sendLog(log, !bugs.has('log_delivered_twice')) && record !== undefined) record.suppressed++;
      }
      finish();
    });
  }

  /** Re-sends, as removed, every log delivered for block n that is still standing. */
  private takeBack(n: number): void {
    const ids = this.logsByBlock.get(n);
    if (ids === undefined) return;
    for (const id of ids) {
      const log = this.logState.get(id);
      if (log !== undefined && !log.removed) this.sendLog({ ...log, removed: true }, true);
    }
  }

  private finishLive(): void {
    this.state = 'live';
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    const record = this.record;
    if (record !== undefined && record.completedAt === undefined) {
      record.completedAt = this.ctx.timers.now();
      record.subscriptions = [...this.subscribers];
      this.ctx.metrics.failoverCompleted();
    }
    if (!this.placedOnce) {
      this.placedOnce = true;
      this.ctx.placed(this);
    }
    const buffered = this.buffer;
    this.buffer = [];
    for (const item of buffered) this.receive(item);
  }

  private liveHead(head: Head): void {
    const n = number(head);
    if (Number.isNaN(n) || typeof head.hash !== 'string') return;
    if (this.delivered.get(n) === head.hash) return; // a duplicate: already delivered
    if (this.last === undefined) {
      this.sendHead(head);
      return;
    }
    const last = this.last;
    if (n < last - 2 * this.ctx.config.maxReorgDepth - 2) return; // older than anything a reorg can reach
    if (n <= last + 1 && this.delivered.get(n - 1) === head.parentHash) {
      if (n <= last && this.ctx.bugs.has('reorg_not_announced')) {
        this.remember(head);
        this.last = last;
        return;
      }
      this.sendHead(head);
      return;
    }
    this.resyncInPlace();
  }

  /** Records a head as the feed's view at its number (dropping anything above it). */
  private remember(head: Head): void {
    const n = number(head);
    for (const k of [...this.delivered.keys()]) if (k > n) this.delivered.delete(k);
    this.delivered.set(n, head.hash);
    this.last = n;
    const keep = 2 * this.ctx.config.maxReorgDepth + 4;
    for (const k of [...this.delivered.keys()]) if (k < n - keep) this.delivered.delete(k);
  }

  private sendHead(head: Head): void {
    this.remember(head);
    this.ctx.metrics.notified('newHeads');
    this.ctx.deliver(this, head);
  }

  private liveLog(log: Log): void {
    if (log.removed && this.ctx.bugs.has('reorg_not_announced')) return;
    this.sendLog(log, !this.ctx.bugs.has('log_delivered_twice'));
  }

  /** Delivers a log unless it is a duplicate (or takes back a log never delivered); true if sent. */
  private sendLog(log: Log, dedupe: boolean): boolean {
    const id = `${log.blockHash}:${log.logIndex}`;
    const before = this.logState.get(id);
    if (dedupe && before !== undefined && before.removed === log.removed) return false;
    if (log.removed && before === undefined) return false;
    this.logState.set(id, log);
    const n = number(log);
    let ids = this.logsByBlock.get(n);
    if (ids === undefined) {
      ids = new Set();
      this.logsByBlock.set(n, ids);
    }
    ids.add(id);
    this.ctx.metrics.notified('logs');
    this.ctx.deliver(this, log);
    return true;
  }

  /** A head of the logs feed's upstream: logs through it are in. */
  private coverHead(head: Head): void {
    const n = number(head);
    if (Number.isNaN(n)) return;
    if (this.covered !== undefined && n > this.covered + 1) {
      this.resyncInPlace();
      return;
    }
    for (const k of [...this.coveredHashes.keys()]) if (k > n) this.coveredHashes.delete(k);
    this.coveredHashes.set(n, head.hash);
    this.covered = n;
    const keep = 2 * this.ctx.config.maxReorgDepth + 4;
    for (const k of [...this.coveredHashes.keys()]) if (k < n - keep) this.coveredHashes.delete(k);
    for (const k of [...this.logsByBlock.keys()]) {
      if (k >= n - keep) continue;
      for (const id of this.logsByBlock.get(k) ?? []) this.logState.delete(id);
      this.logsByBlock.delete(k);
    }
  }
}

function number(item: { number: string } | { blockNumber: string }): number {
  const text = 'number' in item ? item.number : item.blockNumber;
  return fromHexQuantity(text) ?? Number.NaN;
}
