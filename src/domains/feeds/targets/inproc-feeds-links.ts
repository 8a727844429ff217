import { Observable, type SchedulerLike, Subject } from 'rxjs';
import type { Fault } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import { LinkChaos } from '../../../core/faults/link-chaos.ts';
import type { Reply } from '../../../core/model/client.ts';
import { OPERATOR } from '../feeds-action.ts';
import type { FeedsConnection, FeedsConnectionDialer } from '../transport/feeds-connection.ts';
import { feedsFrameHooks } from '../transport/feeds-frame-hooks.ts';

/** The proxy's side of one connection, as the in-process host hands it out. */
export interface ProxyEnd {
  receive(frame: string): void;
  close(): void;
}

/**
 * Opens the proxy's side of a connection for `client`: `send` carries the proxy's frames to
 * it, `closed` says the proxy dropped it.
 */
export type ProxyConnector = (client: string, send: (frame: string) => void, closed: () => void) => ProxyEnd;

export interface InprocFeedsLinksOptions {
  scheduler: SchedulerLike;
  connect: ProxyConnector;
  /** One-way latency of every client link, in scheduler ms. */
  latencyMs: number;
  /** Whether the proxy process is running (a dial while it is down is refused). */
  up?: () => boolean;
  /** Where the hits are recorded (a fresh log if unset). */
  log?: FaultLog;
}

interface Link {
  proxy: ProxyEnd;
  frames: Subject<string>;
  open: boolean;
  outbox: string[];
}

interface Line {
  chaos: LinkChaos<string>;
  link: Link | undefined;
  refuseUntil: number;
  pendingCuts: { fault: Extract<Fault, { type: 'connection' }>; step: number }[];
}

/**
 * Each client's link to the in-process proxy on virtual time, through a LinkChaos: frames can be
 * dropped, delayed, doubled or reordered; a connection can be closed (reconnections refused for a
 * while) or left half-open. The operator's link carries no chaos: it is the observer.
 */
export class InprocFeedsLinks {
  readonly log: FaultLog;
  private readonly lines = new Map<string, Line>();

  constructor(private readonly options: InprocFeedsLinksOptions) {
    this.log = options.log ?? new FaultLog();
  }

  readonly dialer: FeedsConnectionDialer = (client) =>
    new Observable<FeedsConnection>((subscriber) => {
      const { scheduler, latencyMs } = this.options;
      const ready = scheduler.schedule(() => {
        const line = this.line(client);
        if (this.options.up?.() === false) {
          subscriber.error(new Error('connection refused: the proxy is down'));
          return;
        }
        if (scheduler.now() < line.refuseUntil) {
          subscriber.error(new Error('connection refused (injected fault)'));
          return;
        }
        subscriber.next(this.connect(client, line));
        subscriber.complete();
        for (const cut of line.pendingCuts.splice(0)) this.cut(client, cut.fault, cut.step);
      }, latencyMs);
      return () => ready.unsubscribe();
    });

  inject(fault: Fault, client: string, step: number): Reply {
    if (client === OPERATOR)
      return {
        status: 'fail',
        code: 'SHK_FAULT_UNSUPPORTED',
        message: 'the operator link carries no faults',
      };
    switch (fault.type) {
      case 'frame':
      case 'response':
        this.line(client).chaos.arm(fault, step);
        return ok('armed');
      case 'connection':
        if (this.line(client).link === undefined) {
          this.line(client).pendingCuts.push({ fault, step });
          return ok('armed for the next connection');
        }
        this.cut(client, fault, step);
        return ok('cut');
      default:
        return {
          status: 'fail',
          code: 'SHK_FAULT_UNSUPPORTED',
          message: `${fault.type}.${fault.effect} is not a fault of a client link`,
        };
    }
  }

  /** No link half-open or holding frames back. */
  settled(): boolean {
    for (const line of this.lines.values()) if (line.chaos.isBlackholed || line.chaos.inFlight) return false;
    return true;
  }

  stop(): void {
    for (const line of this.lines.values()) if (line.link) this.drop(line, line.link, false);
  }

  private line(client: string): Line {
    let line = this.lines.get(client);
    if (line === undefined) {
      const created: Line = {
        link: undefined,
        refuseUntil: Number.NEGATIVE_INFINITY,
        pendingCuts: [],
        chaos: new LinkChaos<string>({
          client,
          scheduler: this.options.scheduler,
          log: this.log,
          hooks: feedsFrameHooks,
          deliver: (direction, frame) => {
            const link = created.link;
            if (link === undefined || !link.open) return;
            if (direction === 'to_target') this.toProxy(link, frame);
            else this.toClient(link, frame);
          },
        }),
      };
      line = created;
      this.lines.set(client, line);
    }
    return line;
  }

  private connect(client: string, line: Line): FeedsConnection {
    const link: Link = {
      frames: new Subject<string>(),
      open: true,
      outbox: [],
      proxy: undefined as unknown as ProxyEnd,
    };
    link.proxy = this.options.connect(
      client,
      (frame) => {
        if (link.open) line.chaos.pass('from_target', frame);
      },
      // The proxy dropped it: what is already on the way still arrives, then the close.
      () => this.drop(line, link, true),
    );
    line.link = link;
    return {
      frames$: link.frames.asObservable(),
      send: (frame) => {
        if (link.open) line.chaos.pass('to_target', frame);
      },
      close: () => this.drop(line, link, false),
    };
  }

  private toProxy(link: Link, frame: string): void {
    this.options.scheduler.schedule(() => {
      if (link.open) link.proxy.receive(frame);
    }, this.options.latencyMs);
  }

  /** Frames for the client that cross together arrive together: one delivery per instant. */
  private toClient(link: Link, frame: string): void {
    if (link.outbox.length === 0) {
      this.options.scheduler.schedule(() => {
        const batch = link.outbox;
        link.outbox = [];
        if (!link.open) return;
        for (const text of batch) link.frames.next(text);
      }, this.options.latencyMs);
    }
    link.outbox.push(frame);
  }

  private drop(line: Line, link: Link, clean: boolean): void {
    if (!link.open) return;
    const finish = (): void => {
      if (!link.open) return;
      link.open = false;
      link.outbox = [];
      link.proxy.close();
      if (line.link === link) {
        line.link = undefined;
        line.chaos.clear();
      }
      link.frames.complete();
    };
    if (clean) this.options.scheduler.schedule(finish, this.options.latencyMs);
    else finish();
  }

  private cut(client: string, fault: Extract<Fault, { type: 'connection' }>, step: number): void {
    const line = this.line(client);
    const link = line.link;
    if (link === undefined) return;
    const scheduler = this.options.scheduler;
    this.log.hit(step, client, `connection.${fault.effect}`, scheduler.now());
    if (fault.effect === 'half_open') {
      line.chaos.blackhole(step);
      return;
    }
    line.refuseUntil = scheduler.now() + fault.downMs;
    this.drop(line, link, fault.effect === 'close');
  }
}

function ok(what: string): Reply {
  return { status: 'ok', result: { fault: what } };
}
