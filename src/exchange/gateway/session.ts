import { accountStream } from '../../domains/trading/protocol/exchange-event.ts';
import type {
  CancelInput,
  ExchangeInput,
  PlaceInput,
} from '../../domains/trading/protocol/exchange-input.ts';
import type {
  AdminRequest,
  ClientRequest,
  ErrorCode,
  ErrorResponse,
  EventMessage,
  LoginRequest,
  MessageBatch,
  OkResponse,
  ProtocolError,
  ResumeRequest,
  ResyncRequest,
  Role,
  ServerMessage,
  StreamSeqs,
  TradingRequest,
} from '../../domains/trading/protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../../domains/trading/protocol/resync-snapshot.ts';
import type { EngineResponse } from '../engine/exchange-output.ts';
import type { ExchangeHost } from './exchange-host.ts';
import { checkRequest, parseFrame } from './parse-frame.ts';
import { RateLimiter } from './rate-limiter.ts';
import { parseStreamName } from './stream-names.ts';

/** Told about an unexpected throw in a handler; the client got `internal` unless already answered. */
export type SessionErrorHandler = (error: unknown, request: ClientRequest) => void;

/** Where a batched session's frames go: set by a transport that can carry a JSON array per frame. */
export type BatchSink = (batch: MessageBatch) => void;

type Identity = { role: 'none' } | { role: 'trader'; account: string } | { role: 'admin' };

/**
 * How a request is answered. `then` runs right after the response is sent: the planted resend
 * bug uses it so that its duplicate arrives after the catch-up, as live events do.
 */
type Answer =
  | { ok: true; result: unknown; then?: () => void; txn?: number }
  | { ok: false; error: ProtocolError; txn?: number };

const ok = (result: unknown, then?: () => void): Answer =>
  then === undefined ? { ok: true, result } : { ok: true, result, then };

const fail = (code: ErrorCode, message: string, retryAfterMs?: number): Answer => ({
  ok: false,
  error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
});

/** Engine answers carry the txn of the input, so a client can tie events to its request. */
const engineAnswer = (response: EngineResponse, txn: number): Answer => {
  const answer = response.ok
    ? ok(response.result)
    : fail(response.reason, response.detail ?? `rejected: ${response.reason}`);
  if (txn > 0) answer.txn = txn;
  return answer;
};

/** Thrown by the access checks deep inside a handler; becomes an error answer. */
class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const TRADING = new Set<string>(['place', 'cancel', 'replace', 'cancel_all', 'status']);
const ADMIN = new Set<string>(['set_mark', 'halt', 'resume_trading', 'reset', 'snapshot']);

/**
 * Copies an object without its undefined fields, so journaled inputs carry only what was sent.
 * A plain loop: it runs for every trading request, and entries/filter/fromEntries cost more
 * than the engine's own work on a cancel.
 */
function defined<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) copy[key] = value[key];
  return copy as T;
}

/**
 * The engine input of a place request: what defined() makes of the full field list (only the
 * fields sent, in the order the journal writes them: op, account, symbol, side, type, tif,
 * price, stopPrice, qty, clientOrderId, stp), built field by field instead of copied.
 */
function placeInput(request: Extract<TradingRequest, { type: 'place' }>, account: string): PlaceInput {
  const input: Partial<PlaceInput> = { op: 'place', account };
  if (request.symbol !== undefined) input.symbol = request.symbol;
  if (request.side !== undefined) input.side = request.side;
  if (request.orderType !== undefined) input.type = request.orderType;
  if (request.tif !== undefined) input.tif = request.tif;
  const price = amount(request.price);
  if (price !== undefined) input.price = price as PlaceInput['price'];
  const stopPrice = amount(request.stopPrice);
  if (stopPrice !== undefined) input.stopPrice = stopPrice as PlaceInput['stopPrice'];
  const qty = amount(request.qty);
  if (qty !== undefined) input.qty = qty as PlaceInput['qty'];
  if (request.clientOrderId !== undefined) input.clientOrderId = request.clientOrderId;
  if (request.stp !== undefined) input.stp = request.stp;
  return input as PlaceInput;
}

/**
 * JSON.parse turns an overflowing literal such as 1e400 into Infinity, which the journal's JSON
 * would write as null. Its string spelling is classified the same by the engine and survives.
 */
function amount(value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Everything sent while one request is handled, on every session of the host, belongs to one
 * delivery round: the events the request causes (to the requester and to every other
 * subscriber), then its response. A batched session holds what it is sent during a round and
 * hands it over as one batch when the round ends; other sessions are sent each message at once.
 * A request handled from inside another's round (a synchronous re-entry) joins that round.
 */
interface DeliveryRound {
  /** How many requests are being handled (more than one only on re-entry); 0: no round. */
  depth: number;
  /** Batched sessions holding messages, in the order they were first sent one. */
  holding: Session[];
}

/** Each host's round, kept between rounds so that a request costs no allocation for it. */
const rounds = new WeakMap<ExchangeHost, DeliveryRound>();

/**
 * One connection's state: not logged in, then a trader (one account) or the admin. It turns
 * requests into engine inputs, always naming the account from the login, and answers each
 * request exactly once, synchronously, through `deliver`. Events caused by a request reach
 * subscribers before the request's response. A session that logged in with `batch: true`
 * (and whose transport gave it a BatchSink) is sent batches instead: one per request it makes,
 * one per engine input that reaches it through a subscription, and one per message sent outside
 * of any request. Batching only groups: what is sent, and its order, stay the same.
 */
export class Session {
  private identity: Identity = { role: 'none' };
  private readonly streams = new Set<string>();
  private readonly limiter: RateLimiter;
  private open = true;
  /** Where batches would go, if the client asks for them. */
  private batchSink: BatchSink | undefined;
  /** Set once the client logged in with batch: true; from then on every frame is a batch. */
  private batchTo: BatchSink | undefined;
  /** Messages held during the current round; undefined while not in the round's holding list. */
  private held: ServerMessage[] | undefined;

  constructor(
    private readonly host: ExchangeHost,
    private readonly deliver: (message: ServerMessage) => void,
    private readonly onError?: SessionErrorHandler,
  ) {
    this.limiter = new RateLimiter(host.config.rateLimit);
  }

  get role(): Role | undefined {
    return this.identity.role === 'none' ? undefined : this.identity.role;
  }

  get account(): string | undefined {
    return this.identity.role === 'trader' ? this.identity.account : undefined;
  }

  get subscriptions(): string[] {
    return [...this.streams];
  }

  /** Whether the client asked for batched delivery at login and gets it. */
  get batched(): boolean {
    return this.batchTo !== undefined;
  }

  /**
   * Called by a transport that can carry batched frames, before the first frame. Without it,
   * `batch: true` at login is accepted but delivery stays one message at a time (the login
   * result says `batch: false`).
   */
  acceptBatches(sink: BatchSink): void {
    this.batchSink = sink;
  }

  /** A text frame from the client. */
  receive(text: string): void {
    this.take(parseFrame(text, this.host.config.maxFrameBytes));
  }

  /**
   * A request a transport carried as an object (the in-process link): checked as a text frame's
   * fields are (checkRequest), so a malformed one gets the same answer as over a socket.
   */
  receiveObject(value: unknown): void {
    this.take(checkRequest(value));
  }

  private take(parsed: ReturnType<typeof parseFrame>): void {
    if (parsed.ok) {
      this.handle(parsed.request);
    } else if (parsed.id === undefined) {
      this.send({ type: 'error', error: parsed.error });
    } else {
      this.send({ type: 'response', id: parsed.id, ok: false, error: parsed.error });
    }
  }

  /** A binary frame: the protocol is text only. */
  receiveBinary(): void {
    this.send({ type: 'error', error: { code: 'binary_frame', message: 'frames must be text (JSON)' } });
  }

  handle(request: ClientRequest): void {
    const round = this.beginRound();
    try {
      this.answer(request);
    } finally {
      this.endRound(round);
    }
  }

  /** Delivers a message unless the session is closed. The host calls it for events. */
  send(message: ServerMessage): void {
    if (!this.open) return;
    const sink = this.batchTo;
    if (sink === undefined) {
      this.deliver(message);
      return;
    }
    const round = rounds.get(this.host);
    if (round === undefined || round.depth === 0) {
      sink([message]);
      return;
    }
    if (this.held === undefined) {
      this.held = [];
      round.holding.push(this);
    }
    this.held.push(message);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.held = undefined;
    this.host.disconnect(this);
    this.streams.clear();
  }

  private beginRound(): DeliveryRound {
    let round = rounds.get(this.host);
    if (round === undefined) {
      round = { depth: 0, holding: [] };
      rounds.set(this.host, round);
    }
    round.depth++;
    return round;
  }

  /** The outermost round's end hands every held batch over; one failing sink does not stop the rest. */
  private endRound(round: DeliveryRound): void {
    round.depth--;
    if (round.depth > 0 || round.holding.length === 0) return;
    const holding = round.holding;
    round.holding = [];
    const failures: unknown[] = [];
    for (const session of holding) {
      try {
        session.flush();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  private flush(): void {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined && held.length > 0 && this.open) this.batchTo?.(held);
  }

  private answer(request: ClientRequest): void {
    let answer: Answer;
    try {
      answer = this.dispatch(request);
    } catch (error) {
      if (error instanceof RequestError) {
        answer = { ok: false, error: { code: error.code, message: error.message } };
      } else {
        answer = { ok: false, error: { code: 'internal', message: 'internal error handling this request' } };
        this.onError?.(error, request);
      }
    }
    const response: OkResponse | ErrorResponse = answer.ok
      ? { type: 'response', id: request.id, ok: true, result: answer.result }
      : { type: 'response', id: request.id, ok: false, error: answer.error };
    if (answer.txn !== undefined) response.txn = answer.txn;
    // Planted: never_answers_set_mark applies the new mark and never answers.
    if (request.type === 'set_mark' && this.host.hasBug('never_answers_set_mark')) return;
    this.send(response);
    if (!answer.ok || answer.then === undefined) return;
    try {
      answer.then();
    } catch (error) {
      this.onError?.(error, request);
    }
  }

  private dispatch(request: ClientRequest): Answer {
    if (request.type === 'ping') return ok({ pong: true, time: this.host.now(), seqs: this.lastSeqs() });
    if (request.type === 'login') return ok(this.login(request));

    const allowed = this.limiter.take(this.host.now());
    if (!allowed.ok) {
      const { retryAfterMs } = allowed;
      return fail('rate_limited', `too many requests; retry in ${retryAfterMs} ms`, retryAfterMs);
    }
    const identity = this.identity;
    if (identity.role === 'none') return fail('not_logged_in', `${request.type} needs a login first`);

    switch (request.type) {
      case 'subscribe':
        return ok({ seqs: this.subscribe(request.streams) });
      case 'unsubscribe':
        for (const stream of request.streams) {
          this.streams.delete(stream);
          this.host.unsubscribe(this, stream);
        }
        return ok({ subscriptions: this.subscriptions });
      case 'resync':
        return this.resync(request);
      case 'resume':
        return this.resume(request);
    }
    if (TRADING.has(request.type)) {
      if (identity.role !== 'trader') return fail('not_authorized', 'the admin session does not trade');
      return this.trade(request as TradingRequest, identity.account);
    }
    if (ADMIN.has(request.type)) {
      if (identity.role !== 'admin') return fail('not_authorized', `${request.type} is an admin operation`);
      return this.administer(request as AdminRequest);
    }
    throw new Error(`no handler for request type ${request.type}`);
  }

  private login({ key, batch }: LoginRequest): unknown {
    if (this.identity.role !== 'none')
      throw new RequestError('already_logged_in', 'this session is logged in');
    let result: Record<string, unknown>;
    if (key === this.host.config.adminKey) {
      this.identity = { role: 'admin' };
      result = { role: 'admin', seqs: {} };
    } else {
      const account = this.host.config.accounts.find((a) => a.key === key);
      if (account === undefined) throw new RequestError('login_failed', 'unknown key');
      this.identity = { role: 'trader', account: account.id };
      // The own private stream comes with the login.
      result = { role: 'trader', account: account.id, seqs: this.subscribe([accountStream(account.id)]) };
    }
    if (batch !== true) return result;
    // From here on every frame is a batch, starting with the one that carries this response.
    this.batchTo = this.batchSink;
    return { ...result, batch: this.batched };
  }

  /** Throws unless this session may read every one of the streams. */
  private checkReadable(streams: Iterable<string>): void {
    for (const stream of streams) {
      // A trader learns nothing about other accounts, not even whether they exist.
      if (this.identity.role === 'trader' && stream.startsWith('account:')) {
        if (stream !== accountStream(this.identity.account)) {
          throw new RequestError('not_authorized', `${stream} is another account's private stream`);
        }
        continue;
      }
      if (parseStreamName(stream, this.host.config) === undefined) {
        throw new RequestError('unknown_stream', `no stream named ${JSON.stringify(stream)}`);
      }
    }
  }

  /**
   * The last seq issued on each subscribed stream. A ping carries them so that a client can
   * notice it lost the last events of a stream, which no later event would ever reveal.
   */
  private lastSeqs(): StreamSeqs {
    const seqs: StreamSeqs = {};
    for (const stream of this.streams) seqs[stream] = this.host.lastSeq(stream);
    return seqs;
  }

  /** All or nothing: one bad name and no subscription changes. */
  private subscribe(streams: readonly string[]): StreamSeqs {
    this.checkReadable(streams);
    const seqs: StreamSeqs = {};
    for (const stream of streams) {
      this.streams.add(stream);
      this.host.subscribe(this, stream);
      seqs[stream] = this.host.lastSeq(stream);
    }
    return seqs;
  }

  private resync(request: ResyncRequest): Answer {
    const streams = request.streams ?? this.subscriptions;
    const seqs = this.subscribe(streams);
    const engine = this.host.engine;
    const snapshot: ResyncSnapshot = { accounts: [], books: [], instruments: [] };
    for (const stream of new Set(streams)) {
      const name = parseStreamName(stream, this.host.config);
      if (name?.kind === 'account') {
        const account = engine.accountSnapshot(name.account);
        if (account !== undefined)
          snapshot.accounts.push({ account, openOrders: engine.openOrders(name.account) });
      } else if (name?.kind === 'book') {
        const book = engine.book(name.symbol);
        if (book !== undefined) snapshot.books.push(book);
      } else if (name?.kind === 'market') {
        const instrument = engine.instrument(name.symbol);
        if (instrument !== undefined) snapshot.instruments.push(instrument);
      }
    }
    return ok({ seqs, snapshot }, () => this.afterCatchUp(streams));
  }

  /**
   * Replays what the client missed on each stream, in the order the streams are listed, then
   * answers; from then on the streams are live. Nothing is replayed or subscribed unless
   * every stream can be resumed.
   */
  private resume(request: ResumeRequest): Answer {
    const entries = Object.entries(request.from);
    const streams = entries.map(([stream]) => stream);
    this.checkReadable(streams);
    const replays: [string, EventMessage[]][] = [];
    const tooOld: string[] = [];
    const ahead: string[] = [];
    for (const [stream, lastSeen] of entries) {
      const replay = this.host.replay(stream, lastSeen);
      if (replay.ok) replays.push([stream, replay.events]);
      else (replay.problem === 'ahead' ? ahead : tooOld).push(stream);
    }
    if (ahead.length > 0) {
      return fail('resume_seq_ahead', `${ahead.join(', ')} never reached the given seq; resync instead`);
    }
    if (tooOld.length > 0) {
      return fail(
        'resume_gap_too_old',
        `missed events of ${tooOld.join(', ')} are no longer kept; resync instead`,
      );
    }
    const seqs = this.subscribe(streams);
    const replayed: StreamSeqs = {};
    for (const [stream, events] of replays) {
      replayed[stream] = events.length;
      // Planted bug seq_gap_after_resync: the first missed event is lost.
      const skip = this.host.hasBug('seq_gap_after_resync') && events.length > 0 ? 1 : 0;
      for (const event of events.slice(skip)) this.send(event);
    }
    return ok({ seqs, replayed }, () => this.afterCatchUp(streams));
  }

  /** Planted bug duplicate_fill_on_resync: the own stream's last fill comes again, under a new seq. */
  private afterCatchUp(streams: readonly string[]): void {
    if (this.identity.role !== 'trader' || !this.host.hasBug('duplicate_fill_on_resync')) return;
    const own = accountStream(this.identity.account);
    if (streams.includes(own)) this.host.repeatLastFill(own);
  }

  private trade(request: TradingRequest, account: string): Answer {
    switch (request.type) {
      case 'place':
        return this.submit(placeInput(request, account));
      case 'cancel': {
        // As defined() would copy it, built in place: the most frequent request after place.
        const input: Partial<CancelInput> = { op: 'cancel', account };
        if (request.orderId !== undefined) input.orderId = request.orderId;
        if (request.clientOrderId !== undefined) input.clientOrderId = request.clientOrderId;
        return this.submit(input as CancelInput);
      }
      case 'replace':
        return this.submit(
          defined({
            op: 'replace',
            account,
            orderId: request.orderId,
            clientOrderId: request.clientOrderId,
            price: amount(request.price),
            qty: amount(request.qty),
          }),
        );
      case 'cancel_all':
        return this.submit(defined({ op: 'cancel_all', account, symbol: request.symbol }));
      case 'status': {
        const ref = defined({ orderId: request.orderId, clientOrderId: request.clientOrderId });
        return engineAnswer(this.host.engine.orderStatus(account, ref), 0);
      }
    }
  }

  private administer(request: AdminRequest): Answer {
    switch (request.type) {
      case 'set_mark':
        return this.submit({
          op: 'set_mark',
          symbol: request.symbol,
          price: amount(request.price),
        });
      case 'halt':
        return this.submit(defined({ op: 'halt', symbol: request.symbol }));
      case 'resume_trading':
        return this.submit(defined({ op: 'resume', symbol: request.symbol }));
      case 'reset':
        return this.submit({ op: 'reset' });
      case 'snapshot':
        return ok(this.host.snapshot());
    }
  }

  private submit(input: ExchangeInput): Answer {
    const outcome = this.host.submit(input);
    return outcome.kind === 'applied'
      ? engineAnswer(outcome.response, outcome.txn)
      : fail('unavailable', outcome.message);
  }
}
