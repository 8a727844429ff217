import type { SchedulerLike, Subscription } from 'rxjs';
import type { SubjectContext } from '../../src/domains/bots/subject.ts';
import type {
  ClientRequest,
  ErrorResponse,
  EventMessage,
  OkResponse,
  ServerMessage,
} from '../../src/domains/trading/protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../../src/domains/trading/protocol/resync-snapshot.ts';
import type { VenueConnection } from '../../src/domains/trading/transport/venue-connection.ts';

/** A request without its id: the session numbers requests per connection. */
export type Outgoing = ClientRequest extends infer R
  ? R extends ClientRequest
    ? Omit<R, 'id'>
    : never
  : never;
export type Answer = OkResponse | ErrorResponse | { type: 'no_answer'; reason: string };

/** How long a request may go unanswered before it is sent again. */
const REQUEST_TIMEOUT_MS = 1000;
const RECONNECT_FIRST_MS = 50;
const RECONNECT_MAX_MS = 2000;
const RETRY_5XX_MS = 100;

export interface SessionHooks {
  /** One event of a stream, in seq order, each once. `replayed`: it came with a resume. */
  event(message: EventMessage, replayed: boolean): void;
  /** A resync answered: the snapshot to adopt. */
  snapshot(snapshot: ResyncSnapshot, seqs: Record<string, number>): void;
  /** Connected, logged in and caught up: requests flow. */
  ready(): void;
}

export interface SessionOptions {
  context: SubjectContext;
  streams: string[];
  /** The last seq applied per stream (from the state file), to resume from. */
  seqs: Record<string, number>;
  hooks: SessionHooks;
  /** Bugs: `retry_at_once_after_429`, `no_boot_reconciliation`. */
  bugs: ReadonlySet<string>;
}

interface Pending {
  request: Outgoing;
  /** Makes the request anew before it is sent again (a place with a new client order id). */
  renew?: () => Outgoing;
  /** Asked before each attempt: false drops the request (answered `no_answer`). */
  wanted?: () => boolean;
  answer: (answer: Answer) => void;
  /** Sent before the session is ready (login, resume, resync). */
  session: boolean;
  attempts: number;
  timer?: Subscription;
}

/**
 * The bot's connection to the venue, kept alive: it dials, logs in, catches up (resume from
 * the last seqs it applied, then a resync to check its belief against the venue's), and from
 * then on sends requests, each retried after a timeout, a 5xx or a lost connection (a place
 * keeps its client order id, so the venue refuses the second copy). A 429 stops everything
 * but login and ping until its retry-after has passed; a lost connection is dialled again
 * after a backoff that doubles. All time is the context's scheduler.
 */
export class VenueSession {
  private connection: VenueConnection | undefined;
  private subscription: Subscription | undefined;
  private readonly inFlight = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private isReady = false;
  private syncing = false;
  private pauseUntil = Number.NEGATIVE_INFINITY;
  private reconnectAttempt = 0;
  private readonly timers = new Set<Subscription>();
  private stopped = false;
  private firstConnect = true;
  private resyncWanted = false;
  /** The last seq applied per stream. */
  readonly seqs: Record<string, number>;

  constructor(private readonly options: SessionOptions) {
    this.seqs = { ...options.seqs };
  }

  private get scheduler(): SchedulerLike {
    return this.options.context.scheduler;
  }

  start(): void {
    this.dial();
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** Nothing in flight, queued or waiting on a timer, and caught up. */
  settled(): boolean {
    return (
      this.stopped ||
      (this.isReady &&
        !this.syncing &&
        this.inFlight.size === 0 &&
        this.queue.length === 0 &&
        this.timers.size === 0)
    );
  }

  /** Sends a request once the session is ready and no 429 holds it back; retried until answered. */
  request(
    request: Outgoing,
    answer: (answer: Answer) => void,
    options: { renew?: () => Outgoing; wanted?: () => boolean } = {},
  ): void {
    this.enqueue({ request, answer, session: false, attempts: 0, ...options });
  }

  /** Checks its belief against the venue's now. */
  resync(): void {
    if (!this.isReady || this.syncing) {
      this.resyncWanted = true;
      return;
    }
    this.syncing = true;
    this.sessionRequest({ type: 'resync', streams: this.options.streams }, (answer) =>
      this.resynced(answer, true),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) timer.unsubscribe();
    this.timers.clear();
    for (const pending of this.inFlight.values()) pending.timer?.unsubscribe();
    this.inFlight.clear();
    this.subscription?.unsubscribe();
    this.connection?.close();
    this.connection = undefined;
  }

  private later(work: () => void, ms: number): void {
    const timer = this.scheduler.schedule(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) work();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  private log(message: string): void {
    this.options.context.log?.(message);
  }

  private dial(): void {
    if (this.stopped) return;
    this.options.context.dial().subscribe({
      next: (connection) => this.connected(connection),
      error: (error: unknown) => {
        this.log(`dial failed: ${error instanceof Error ? error.message : String(error)}`);
        this.reconnectLater();
      },
    });
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    this.reconnectAttempt++;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** (this.reconnectAttempt - 1));
    this.later(() => this.dial(), delay);
  }

  private connected(connection: VenueConnection): void {
    if (this.stopped) {
      connection.close();
      return;
    }
    this.connection = connection;
    this.nextId = 1;
    this.subscription = connection.messages$.subscribe({
      next: (message) => this.receive(message),
      complete: () => this.lost(connection),
      error: () => this.lost(connection),
    });
    this.sessionRequest({ type: 'login', key: this.options.context.account.key }, (answer) =>
      this.loggedIn(answer),
    );
  }

  /** The connection is gone: what was in flight goes back in the queue, and it dials again later. */
  private lost(connection: VenueConnection): void {
    if (this.connection !== connection || this.stopped) return;
    this.connection = undefined;
    this.subscription?.unsubscribe();
    this.isReady = false;
    this.syncing = false;
    const requeue = [...this.inFlight.values()].filter((p) => !p.session);
    for (const pending of this.inFlight.values()) pending.timer?.unsubscribe();
    this.inFlight.clear();
    // Session requests are made anew on the next connection; the rest wait for it.
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].session) this.queue.splice(i, 1);
    this.queue.unshift(...requeue);
    this.log('connection lost');
    this.reconnectLater();
  }

  private loggedIn(answer: Answer): void {
    if (answer.type === 'no_answer') return;
    if (!answer.ok && answer.error.code !== 'already_logged_in') {
      this.log(`login refused: ${answer.error.code}`);
      this.connection?.close();
      return;
    }
    const market = this.options.streams.filter((s) => !s.startsWith('account:'));
    if (this.firstConnect && this.options.bugs.has('no_boot_reconciliation')) {
      // Planted bug: trusts the state file and carries on from wherever the venue is now.
      this.firstConnect = false;
      this.sessionRequest({ type: 'subscribe', streams: market }, (sub) => {
        if (sub.type === 'no_answer') return;
        const login = answer.ok ? ((answer.result as { seqs?: Record<string, number> }).seqs ?? {}) : {};
        const subscribed = sub.ok ? ((sub.result as { seqs?: Record<string, number> }).seqs ?? {}) : {};
        Object.assign(this.seqs, login, subscribed);
        this.becomeReady();
      });
      return;
    }
    this.firstConnect = false;
    const known = this.options.streams.every((s) => this.seqs[s] !== undefined);
    this.syncing = true;
    if (!known) {
      this.sessionRequest({ type: 'resync', streams: this.options.streams }, (a) => this.resynced(a, false));
      return;
    }
    const from: Record<string, number> = {};
    for (const stream of this.options.streams) from[stream] = this.seqs[stream];
    this.resuming = true;
    this.sessionRequest({ type: 'resume', from }, (resumed) => {
      this.resuming = false;
      if (resumed.type === 'no_answer') return;
      if (!resumed.ok) this.log(`resume refused (${resumed.error.code}): resync`);
      // Either way an explicit check against the venue's truth.
      this.sessionRequest({ type: 'resync', streams: this.options.streams }, (a) => this.resynced(a, false));
    });
  }

  /** Events that come while a resume is answered are the missed ones. */
  private resuming = false;

  private resynced(answer: Answer, live: boolean): void {
    if (answer.type === 'no_answer') return;
    if (!answer.ok) {
      this.log(`resync refused: ${answer.error.code}`);
      this.syncing = false;
      if (!live) this.connection?.close();
      return;
    }
    const result = answer.result as { seqs: Record<string, number>; snapshot: ResyncSnapshot };
    for (const [stream, seq] of Object.entries(result.seqs)) this.seqs[stream] = seq;
    this.options.hooks.snapshot(result.snapshot, result.seqs);
    this.syncing = false;
    if (!live) this.becomeReady();
  }

  private becomeReady(): void {
    this.isReady = true;
    this.reconnectAttempt = 0;
    this.options.hooks.ready();
    this.flush();
    if (this.resyncWanted) {
      this.resyncWanted = false;
      this.resync();
    }
  }

  private sessionRequest(request: Outgoing, answer: (answer: Answer) => void): void {
    this.enqueue({ request, answer, session: true, attempts: 0 }, true);
  }

  private enqueue(pending: Pending, front = false): void {
    if (front) this.queue.unshift(pending);
    else this.queue.push(pending);
    this.flush();
  }

  /** Sends what may go now: nothing while a 429 holds, only session requests until ready. */
  private flush(): void {
    if (this.stopped || this.connection === undefined) return;
    const now = this.scheduler.now();
    if (now < this.pauseUntil) return;
    let i = 0;
    while (i < this.queue.length) {
      const pending = this.queue[i];
      if (!pending.session && !this.isReady) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.transmit(pending);
      if (this.scheduler.now() < this.pauseUntil) return;
    }
  }

  private transmit(pending: Pending): void {
    const connection = this.connection;
    if (connection === undefined) {
      this.queue.unshift(pending);
      return;
    }
    if (pending.wanted && !pending.wanted()) {
      pending.answer({ type: 'no_answer', reason: 'no longer wanted' });
      return;
    }
    const id = this.nextId++;
    if (pending.attempts > 0 && pending.renew) pending.request = pending.renew();
    pending.attempts++;
    this.inFlight.set(id, pending);
    pending.timer = this.scheduler.schedule(() => {
      if (this.inFlight.get(id) !== pending) return;
      this.inFlight.delete(id);
      this.log(`${pending.request.type} #${id} unanswered: sent again`);
      this.enqueue(pending, true);
    }, REQUEST_TIMEOUT_MS);
    connection.send({ ...pending.request, id } as ClientRequest);
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'event') {
      this.onEvent(message);
      return;
    }
    if (message.type !== 'response') return;
    const id = typeof message.id === 'number' ? message.id : Number(message.id);
    const pending = this.inFlight.get(id);
    if (pending === undefined) return;
    this.inFlight.delete(id);
    pending.timer?.unsubscribe();
    if (!message.ok && message.error.code === 'rate_limited') {
      const wait = message.error.retryAfterMs ?? 100;
      if (this.options.bugs.has('retry_at_once_after_429')) {
        // Planted bug: sends it again at once, whatever the venue asked.
        this.enqueue(pending, true);
        return;
      }
      this.pauseUntil = Math.max(this.pauseUntil, this.scheduler.now() + wait);
      this.queue.unshift(pending);
      this.later(() => this.flush(), this.pauseUntil - this.scheduler.now());
      return;
    }
    if (!message.ok && message.error.code === 'unavailable') {
      this.later(() => this.enqueue(pending, true), RETRY_5XX_MS * pending.attempts);
      return;
    }
    pending.answer(message);
  }

  private onEvent(message: EventMessage): void {
    const last = this.seqs[message.stream];
    if (last !== undefined && message.seq <= last) return;
    if (last !== undefined && message.seq > last + 1) {
      this.log(`gap on ${message.stream}: ${last + 1} expected, ${message.seq} came: resync`);
      this.seqs[message.stream] = message.seq;
      this.options.hooks.event(message, this.resuming);
      this.resync();
      return;
    }
    this.seqs[message.stream] = message.seq;
    this.options.hooks.event(message, this.resuming);
  }
}
