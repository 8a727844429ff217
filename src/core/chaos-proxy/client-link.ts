import type { SchedulerLike, Subscription } from 'rxjs';
import type { ConnectionFault, FrameDirection, FrameFault, ResponseFault } from '../faults/fault.ts';
import type { FaultLog } from '../faults/fault-record.ts';
import { type FrameHooks, LinkChaos } from '../faults/link-chaos.ts';
import type { ProxiedConnection } from './proxied-connection.ts';

/** One cut of a client's connection, waiting for a live connection if there is none. */
interface Cut {
  step: number;
  effect: 'close' | 'reset' | 'flap';
  downMs: number;
  /** flap: what to do once this cut has fired (schedule the next one). */
  afterwards?: () => void;
}

export interface ClientLinkOptions {
  client: string;
  scheduler: SchedulerLike;
  hooks: FrameHooks<string>;
  log: FaultLog;
  maxHoldMs?: number;
}

/**
 * Everything the proxy keeps about one client name across its successive connections: the
 * chaos on its link (armed faults carry over to the next connection), cuts waiting for a
 * connection, and the window during which it may not come back.
 *
 * A client is expected to hold one connection at a time. If a second one opens while the
 * first lives, the newer one takes over the link and the older one is forwarded untouched.
 */
export class ClientLink {
  private log: FaultLog;
  private chaos: LinkChaos<string>;
  /** The connection the chaos acts on. */
  private current: ProxiedConnection | undefined;
  private readonly live = new Set<ProxiedConnection>();
  private readonly waitingCuts: Cut[] = [];
  private readonly timers = new Set<Subscription>();
  private downUntil = Number.NEGATIVE_INFINITY;
  /**
   * False while nothing was armed since the chaos was last seen idle: frames then go straight
   * through as the Buffers they came in, without asking the chaos anything.
   */
  private mayBeBusy = false;

  constructor(private readonly options: ClientLinkOptions) {
    this.log = options.log;
    this.chaos = this.newChaos();
  }

  get connections(): number {
    return this.live.size;
  }

  /** Whether a new connection is turned away now, because a cut's down window is still open. */
  get down(): boolean {
    return this.options.scheduler.now() < this.downUntil;
  }

  /** A new run: armed faults, waiting cuts, timers and down windows are forgotten. */
  reset(log: FaultLog): void {
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    this.waitingCuts.length = 0;
    this.downUntil = Number.NEGATIVE_INFINITY;
    this.chaos.clear();
    this.log = log;
    this.chaos = this.newChaos();
    this.mayBeBusy = false;
  }

  /** A connection from this client was accepted; a cut waiting for one fires on it now. */
  attach(connection: ProxiedConnection): void {
    if (this.current !== undefined) this.chaos.clear();
    this.current = connection;
    this.live.add(connection);
    const cut = this.waitingCuts.shift();
    if (cut !== undefined) this.fire(cut);
  }

  detach(connection: ProxiedConnection): void {
    this.live.delete(connection);
    if (this.current !== connection) return;
    this.current = undefined;
    // Queued and held frames die with the connection, and so does a blackhole.
    this.chaos.clear();
  }

  arm(fault: FrameFault | ResponseFault, step: number): void {
    this.chaos.arm(fault, step);
    this.mayBeBusy = true;
  }

  /** Applies a connection fault; tells what it did, for the inject result. */
  cut(fault: ConnectionFault, step: number): string {
    const downMs = Math.max(0, fault.downMs);
    if (fault.effect === 'half_open') {
      // Lasts until the connection ends; armed now, it swallows the next connection if none lives.
      this.chaos.blackhole(step);
      this.mayBeBusy = true;
      return this.current === undefined ? 'half-open from the next connection on' : 'half-open now';
    }
    if (fault.effect !== 'flap') return this.apply({ step, effect: fault.effect, downMs });
    const times = Math.max(1, fault.times ?? 2);
    const intervalMs = Math.max(0, fault.intervalMs ?? 0);
    // Each cut is timed from the one before it, so the cuts kill distinct connections.
    const flapCut = (n: number): Cut => ({
      step,
      effect: 'flap',
      downMs,
      afterwards:
        n + 1 < times
          ? () => {
              const timer = this.options.scheduler.schedule(() => {
                this.timers.delete(timer);
                this.apply(flapCut(n + 1));
              }, intervalMs);
              this.timers.add(timer);
            }
          : undefined,
    });
    return `flap x${times}: ${this.apply(flapCut(0))}`;
  }

  /** A frame from one side of `connection`. The fast path forwards the Buffer as it came. */
  pass(connection: ProxiedConnection, direction: FrameDirection, data: Buffer, isBinary: boolean): void {
    if (connection === this.current && (this.mayBeBusy || isBinary)) {
      if (isBinary) {
        // Binary frames are not the protocol's: forwarded untouched, unless nothing crosses at all.
        if (this.chaos.isBlackholed) return;
      } else if (this.chaos.busy || this.chaos.isBlackholed) {
        this.chaos.pass(direction, data.toString('utf8'));
        return;
      } else this.mayBeBusy = false;
    }
    if (direction === 'to_target') connection.toTarget(data, isBinary);
    else connection.toClient(data, isBinary);
  }

  private apply(cut: Cut): string {
    if (this.live.size === 0) {
      this.waitingCuts.push(cut);
      return 'no live connection: fires on the next one';
    }
    this.fire(cut);
    return 'cut the live connection';
  }

  private fire(cut: Cut): void {
    for (const connection of [...this.live]) {
      if (cut.effect === 'close') connection.close(1000, 'closed by shakedown (connection.close)');
      else connection.terminate();
    }
    const now = this.options.scheduler.now();
    this.log.hit(cut.step, this.options.client, `connection.${cut.effect}`, now);
    this.downUntil = Math.max(this.downUntil, now + cut.downMs);
    cut.afterwards?.();
  }

  private newChaos(): LinkChaos<string> {
    return new LinkChaos<string>({
      client: this.options.client,
      scheduler: this.options.scheduler,
      log: this.log,
      hooks: this.options.hooks,
      maxHoldMs: this.options.maxHoldMs,
      deliver: (direction, frame) => {
        const connection = this.current;
        if (connection === undefined) return;
        if (direction === 'to_target') connection.toTarget(frame);
        else connection.toClient(frame);
      },
    });
  }
}
