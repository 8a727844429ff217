import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Fault } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import { LinkChaos } from '../../../core/faults/link-chaos.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { BugName, Session } from '../../../exchange/index.ts';
import { ExchangeHost, MemoryJournal } from '../../../exchange/index.ts';
import type { ExchangeConfig } from '../protocol/exchange-config.ts';
import type { ClientRequest, ServerMessage } from '../protocol/protocol-messages.ts';
import type { CrashRecord, TradingExtra } from '../trading-evidence.ts';
import { Fanout } from '../transport/fanout.ts';
import { tradingObjectFrameHooks } from '../transport/trading-frame-hooks.ts';
import type { VenueConnection, VenueDialer } from '../transport/venue-connection.ts';
import { BAD_FRAME_FROM_TARGET } from '../transport/ws-dialer.ts';

type Frame = ClientRequest | ServerMessage;

export interface InprocVenueOptions {
  config: ExchangeConfig;
  bugs: readonly BugName[];
  scheduler: SchedulerLike;
  /** One-way latency of every link, in scheduler ms. */
  latencyMs: number;
}

/** One open connection: the venue's session and the client's end. */
interface Link {
  client: string;
  session: Session;
  /** What the client's end hears: a Fanout, not a Subject (no allocation per message). */
  messages: Fanout<ServerMessage>;
  open: boolean;
  /** Messages for the client that cross the link together, one scheduled delivery per instant. */
  outbox: (ServerMessage | string)[];
}

/** A client's chaos state; it outlives that client's connections (armed faults wait for the next). */
interface ClientLine {
  chaos: LinkChaos<Frame>;
  link: Link | undefined;
  refuseUntil: number;
  /** Connection cuts armed while no connection was open. */
  pendingCuts: { fault: Extract<Fault, { type: 'connection' }>; step: number }[];
}

/**
 * The reference exchange in this process, as a venue that can suffer every fault on virtual
 * time: each client's link runs through a LinkChaos; connections can be closed, reset, left
 * half-open or flapped; the process can crash (every session gone, the journal kept) and come
 * back from its journal, or pause; its clock can jump. All of it is scheduled on the run's
 * virtual scheduler, so a run with faults replays byte for byte.
 */
export class InprocVenue {
  readonly journal = new MemoryJournal();
  readonly log = new FaultLog();
  readonly crashes: CrashRecord[] = [];
  private host: ExchangeHost;
  private readonly lines = new Map<string, ClientLine>();
  private clockOffset = 0;
  private downUntil = Number.NEGATIVE_INFINITY;
  private paused: (() => void)[] | undefined;
  private readonly timers: Subscription[] = [];
  /** Flap cuts still to come: the run is not over until they have hit. */
  private flapsPending = 0;

  constructor(private readonly options: InprocVenueOptions) {
    this.host = this.newHost();
  }

  get exchange(): ExchangeHost {
    return this.host;
  }

  readonly dialer: VenueDialer = (name) =>
    new Observable<VenueConnection>((subscriber) => {
      const client = name ?? 'client';
      const { scheduler, latencyMs } = this.options;
      const ready = scheduler.schedule(() => {
        const line = this.line(client);
        const now = scheduler.now();
        if (now < this.downUntil) {
          subscriber.error(new Error('connection refused: the venue is down'));
          return;
        }
        if (now < line.refuseUntil) {
          subscriber.error(new Error('connection refused (injected fault)'));
          return;
        }
        const connection = this.connect(client, line);
        subscriber.next(connection);
        subscriber.complete();
        // A cut armed while the client had no connection hits this one.
        const cuts = line.pendingCuts.splice(0);
        for (const cut of cuts) this.cut(client, cut.fault, cut.step);
      }, latencyMs);
      return () => ready.unsubscribe();
    });

  inject(fault: Fault, client: string, step: number): Reply {
    const now = this.options.scheduler.now();
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
      case 'clock':
        this.clockOffset += fault.ms;
        this.log.hit(step, client, 'clock.jump', now, { ms: fault.ms });
        return ok(`clock moved ${fault.ms} ms`);
      case 'process':
        if (fault.effect === 'crash_restart') return this.crash(step, client, fault.downMs);
        return this.pause(step, client, fault.downMs);
    }
  }

  /** No link half-open or holding frames, and the process up and running. */
  settled(): boolean {
    const now = this.options.scheduler.now();
    if (now < this.downUntil || this.paused !== undefined || this.flapsPending > 0) return false;
    for (const line of this.lines.values()) {
      if (line.chaos.isBlackholed || line.chaos.inFlight) return false;
    }
    return true;
  }

  extra(): Partial<TradingExtra> {
    return {
      faults: this.log.list(),
      ...(this.crashes.length > 0 ? { crashes: this.crashes.map((c) => ({ ...c })) } : {}),
    };
  }

  stop(): void {
    for (const timer of this.timers) timer.unsubscribe();
    for (const line of this.lines.values()) if (line.link) this.drop(line, line.link, false);
    this.host.close();
  }

  private newHost(): ExchangeHost {
    const { config, bugs, scheduler } = this.options;
    const recover = this.journal.entries();
    return new ExchangeHost({
      config,
      bugs,
      clock: () => scheduler.now() + this.clockOffset,
      journal: this.journal,
      ...(recover.length > 0 ? { recover } : {}),
    });
  }

  private line(client: string): ClientLine {
    let line = this.lines.get(client);
    if (line === undefined) {
      const created: ClientLine = {
        link: undefined,
        refuseUntil: Number.NEGATIVE_INFINITY,
        pendingCuts: [],
        chaos: new LinkChaos<Frame>({
          client,
          scheduler: this.options.scheduler,
          log: this.log,
          hooks: tradingObjectFrameHooks,
          deliver: (direction, frame) => {
            const link = created.link;
            if (link === undefined || !link.open) return;
            if (direction === 'to_target') this.toVenue(link, frame as ClientRequest | string);
            else this.toClient(link, frame as ServerMessage | string);
          },
        }),
      };
      line = created;
      this.lines.set(client, line);
    }
    return line;
  }

  private connect(client: string, line: ClientLine): VenueConnection {
    const messages = new Fanout<ServerMessage>();
    const link: Link = { client, messages, open: true, outbox: [], session: undefined as unknown as Session };
    link.session = this.host.connect((message) => {
      if (link.open) line.chaos.pass('from_target', message);
    });
    line.link = link;
    return {
      messages$: messages.observable,
      listen: (onMessage, onClose) => messages.listen(onMessage, onClose),
      send: (request) => {
        if (link.open) line.chaos.pass('to_target', request);
      },
      close: () => this.drop(line, link, false),
    };
  }

  /** A frame reaches the venue after the link's latency, unless the link or the process died. */
  private toVenue(link: Link, frame: ClientRequest | string): void {
    this.options.scheduler.schedule(() => {
      if (!link.open) return;
      if (this.paused) this.paused.push(() => handOver(link, frame));
      else handOver(link, frame);
    }, this.options.latencyMs);
  }

  private toClient(link: Link, frame: ServerMessage | string): void {
    if (link.outbox.length === 0) {
      this.options.scheduler.schedule(() => {
        const batch = link.outbox;
        link.outbox = [];
        if (!link.open) return;
        for (let i = 0; i < batch.length; i++) {
          const message = batch[i];
          link.messages.next(typeof message === 'string' ? readFrame(message) : message);
        }
      }, this.options.latencyMs);
    }
    link.outbox.push(frame);
  }

  /**
   * Ends a connection. Clean: what is already in flight still arrives, then the close.
   * Abrupt: everything in flight is lost. Either way the venue's session ends.
   */
  private drop(line: ClientLine, link: Link, clean: boolean): void {
    if (!link.open) return;
    const finish = (): void => {
      if (!link.open) return;
      link.open = false;
      link.outbox = [];
      link.session.close();
      if (line.link === link) {
        line.link = undefined;
        line.chaos.clear();
      }
      link.messages.complete();
    };
    if (clean) this.options.scheduler.schedule(finish, this.options.latencyMs);
    else finish();
  }

  private cut(client: string, fault: Extract<Fault, { type: 'connection' }>, step: number): void {
    const line = this.line(client);
    const scheduler = this.options.scheduler;
    const once = (): boolean => {
      const link = line.link;
      if (link === undefined) return false;
      this.log.hit(step, client, `connection.${fault.effect}`, scheduler.now());
      if (fault.effect === 'half_open') {
        line.chaos.blackhole(step);
        return true;
      }
      line.refuseUntil = scheduler.now() + fault.downMs;
      this.drop(line, link, fault.effect === 'close');
      return true;
    };
    once();
    if (fault.effect !== 'flap') return;
    const times = Math.max(1, fault.times ?? 2);
    for (let i = 1; i < times; i++) {
      this.flapsPending++;
      const later = (): void => {
        this.flapsPending--;
        once();
      };
      this.timers.push(scheduler.schedule(later, i * Math.max(1, fault.intervalMs ?? 50)));
    }
  }

  /** SIGKILL: every session vanishes with what was in flight; the journal survives. */
  private crash(step: number, client: string, downMs: number): Reply {
    const scheduler = this.options.scheduler;
    const now = scheduler.now();
    // Down already from an earlier crash of this run: it stays down longer (nothing to kill).
    if (now < this.downUntil) {
      this.downUntil = Math.max(this.downUntil, now + downMs);
      return ok('already down; stays down longer');
    }
    const record: CrashRecord = { step, at: now, txnBefore: this.host.engine.txn };
    this.crashes.push(record);
    this.log.hit(step, client, 'process.crash_restart', now, { downMs });
    this.paused = undefined;
    for (const line of this.lines.values()) if (line.link) this.drop(line, line.link, false);
    this.downUntil = now + downMs;
    const restart = (): void => {
      const left = this.downUntil - scheduler.now();
      if (left > 0) {
        this.timers.push(scheduler.schedule(restart, left));
        return;
      }
      this.host = this.newHost();
      record.restartedAt = scheduler.now();
    };
    this.timers.push(scheduler.schedule(restart, downMs));
    return ok(`crashed; restarts in ${downMs} ms`);
  }

  /** SIGSTOP: frames wait at the venue's door and are handled, in order, at SIGCONT. */
  private pause(step: number, client: string, downMs: number): Reply {
    const scheduler = this.options.scheduler;
    // Stopped already (paused or crashed by an earlier fault of this run): nothing more to stop.
    if (this.paused !== undefined || scheduler.now() < this.downUntil)
      return ok('not running; nothing to pause');
    this.log.hit(step, client, 'process.pause', scheduler.now(), { downMs });
    const waiting: (() => void)[] = [];
    this.paused = waiting;
    this.timers.push(
      scheduler.schedule(() => {
        if (this.paused === waiting) this.paused = undefined;
        for (const handle of waiting) handle();
      }, downMs),
    );
    return ok(`paused for ${downMs} ms`);
  }
}

/** A frame the venue takes in, unless its connection died while it waited. */
function handOver(link: Link, frame: ClientRequest | string): void {
  if (!link.open) return;
  if (typeof frame === 'string') link.session.receive(frame);
  else link.session.receiveObject(frame);
}

function ok(what: string): Reply {
  return { status: 'ok', result: { fault: what } };
}

/** A damaged frame is what a socket would have handed over: the dialer's error for junk. */
function readFrame(text: string): ServerMessage {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as ServerMessage;
  } catch {
    // falls through to the bad-frame message
  }
  return { type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: 'frame is not a JSON object' } };
}
