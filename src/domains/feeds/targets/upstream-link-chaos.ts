import type { SchedulerLike, Subscription } from 'rxjs';
import type { Fault, FrameDirection } from '../../../core/faults/fault.ts';
import type { FaultLog } from '../../../core/faults/fault-record.ts';
import { LinkChaos } from '../../../core/faults/link-chaos.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { UpstreamLinkTap } from '../../../feeds-proxy/index.ts';
import { upstreamOfLink } from '../generation/fault-targets.ts';
import { feedsFrameHooks } from '../transport/feeds-frame-hooks.ts';

export interface UpstreamLinkChaosOptions {
  scheduler: SchedulerLike;
  /** Where the hits are recorded, under the link's name (`upstream:u1`). */
  log: FaultLog;
  /** A half-open link is found dead and dropped this long after its down time (a keepalive). */
  keepaliveMs: number;
}

interface UpstreamLine {
  chaos: LinkChaos<string>;
  /** The current connection's onward delivery and cut; undefined before the first. */
  deliver: ((direction: FrameDirection, frame: string) => void) | undefined;
  cut: (() => void) | undefined;
  /** A half-open link's drop, when it is due. */
  keepalive: Subscription | undefined;
}

/**
 * Faults aimed at one upstream: a LinkChaos on each proxy ↔ upstream link, put there by the
 * host's UpstreamLinkTap (`to_target` is proxy → upstream). Frame faults (drop, delay,
 * duplicate, reorder) act on the next frames of that link; `connection.close` cuts the live
 * connection (the proxy redials as it does after any loss); `connection.half_open` swallows
 * every frame both ways until a keepalive finds the link dead and drops it, `downMs` +
 * `keepaliveMs` later. The proxy must heal all of it itself: no feeds invariant excuses what a
 * fault on an upstream link does to a subscriber.
 */
export class UpstreamLinkChaos {
  private readonly lines = new Map<string, UpstreamLine>();

  constructor(private readonly options: UpstreamLinkChaosOptions) {}

  readonly tap: UpstreamLinkTap = (upstream, deliver, cut) => {
    const line = this.line(upstream);
    // A new connection: what the old one had queued or held died with it.
    line.chaos.clear();
    line.keepalive?.unsubscribe();
    line.keepalive = undefined;
    line.deliver = deliver;
    line.cut = cut;
    return (direction, frame) => {
      if (line.deliver === deliver) line.chaos.pass(direction, frame);
      else deliver(direction, frame);
    };
  };

  /** Applies a fault aimed at `link` (`upstream:<name>`). */
  inject(fault: Fault, link: string, step: number): Reply {
    const upstream = upstreamOfLink(link);
    if (upstream === undefined) return fail(`${link} is not an upstream link (upstream:<name>)`);
    const line = this.line(upstream);
    switch (fault.type) {
      case 'frame':
        line.chaos.arm(fault, step);
        return ok(`armed on ${link}`);
      case 'connection': {
        if (line.cut === undefined) return fail(`${link} has no connection yet to cut`);
        const now = this.options.scheduler.now();
        this.options.log.hit(step, link, `connection.${fault.effect}`, now, { downMs: fault.downMs });
        if (fault.effect === 'close') {
          line.cut();
          return ok(`${link} cut`);
        }
        line.chaos.blackhole(step);
        const cut = line.cut;
        line.keepalive?.unsubscribe();
        line.keepalive = this.options.scheduler.schedule(() => {
          line.keepalive = undefined;
          cut();
        }, fault.downMs + this.options.keepaliveMs);
        return ok(`${link} half-open; dropped in ${fault.downMs + this.options.keepaliveMs} ms`);
      }
      default:
        return fail(`${fault.type}.${fault.effect} is not a fault of an upstream link`);
    }
  }

  /** No upstream link holds frames back or waits for its keepalive. */
  settled(): boolean {
    for (const line of this.lines.values())
      if (line.chaos.inFlight || line.keepalive !== undefined) return false;
    return true;
  }

  stop(): void {
    for (const line of this.lines.values()) {
      line.keepalive?.unsubscribe();
      line.keepalive = undefined;
      line.chaos.clear();
    }
  }

  private line(upstream: string): UpstreamLine {
    let line = this.lines.get(upstream);
    if (line === undefined) {
      const created: UpstreamLine = {
        deliver: undefined,
        cut: undefined,
        keepalive: undefined,
        chaos: new LinkChaos<string>({
          client: `upstream:${upstream}`,
          scheduler: this.options.scheduler,
          log: this.options.log,
          hooks: feedsFrameHooks,
          deliver: (direction, frame) => created.deliver?.(direction, String(frame)),
        }),
      };
      line = created;
      this.lines.set(upstream, line);
    }
    return line;
  }
}

function ok(what: string): Reply {
  return { status: 'ok', result: { fault: what } };
}

function fail(message: string): Reply {
  return { status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message };
}
