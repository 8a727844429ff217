import type { Observable, SchedulerLike } from 'rxjs';
import type { Side } from '../trading/protocol/exchange-input.ts';
import type { EventMessage } from '../trading/protocol/protocol-messages.ts';
import type { VenueConnection } from '../trading/transport/venue-connection.ts';

/**
 * The contract of a subject: a trading client (a bot, an execution kernel) put under test in
 * the `bots` domain. The venue is shakedown's reference exchange, spoken to over the reference
 * protocol (docs/protocol.md); the subject is the system under test.
 *
 * A subject comes in two forms that share these types:
 * - an in-process module (TypeScript or JavaScript) exporting a {@link SubjectFactory} as
 *   `createSubject` (or as its default export). It gets a {@link SubjectContext}: a way to dial
 *   the venue, the run's scheduler (virtual time in-process, so a run is a function of its
 *   seed), its account, a state store, an environment and a bag of planted bugs;
 * - a separate process in any language, started from a command line, reached through the
 *   line-delimited JSON control channel of {@link ControlRequest} / {@link ControlReply} on its
 *   stdin/stdout, with the venue's URL and its keys in its environment ({@link SUBJECT_ENV}).
 *
 * A subject must not read the host clock or Math.random for anything that matters: time and
 * timers come from `context.scheduler`, randomness from `context.seed`. That is what makes an
 * in-process run replay byte for byte.
 */

/** The instrument a subject trades, as the venue is configured for the run. */
export interface SubjectInstrument {
  symbol: string;
  tickSize: number;
  lotSize: number;
  minQty: number;
  maxQty: number;
  /** The mark when the run starts. */
  markPrice: number;
  /** Limit prices must lie within mark x (1 +/- bandPct). */
  bandPct: number;
}

/**
 * What the harness holds a subject's risk controls to: a mark move larger than
 * `maxMarkMovePct` percent within `windowMs` is a volatility event that must trip the
 * subject's circuit breaker (it halts, and stays halted across a restart).
 */
export interface SubjectRiskLimits {
  maxMarkMovePct: number;
  windowMs: number;
}

/**
 * The subject's durable storage, by file name: the one place it may keep state across a kill
 * and restart. In-process it is a virtual file store that faults can corrupt between a kill and
 * the next start; as a process it is the state directory (`SHAKEDOWN_STATE_DIR`). Synchronous,
 * so a write is done (durable) when it returns, as after an fsync.
 */
export interface StateStore {
  /** The file's text, or undefined when there is none. */
  read(name: string): string | undefined;
  write(name: string, text: string): void;
  remove(name: string): void;
  /** Every file name, sorted. */
  list(): string[];
}

/** Everything a subject is given when it starts (every start: a restart gets a fresh context). */
export interface SubjectContext {
  /**
   * Opens one connection to the venue (each subscription dials anew); errors when the venue
   * refuses it. The connection speaks the reference protocol: the subject logs in with
   * `account.key`, subscribes, places and cancels, resumes or resyncs after a cut.
   */
  dial(): Observable<VenueConnection>;
  /** Time and timers: virtual in-process, the real clock as a process. */
  readonly scheduler: SchedulerLike;
  readonly account: { id: string; key: string };
  readonly instrument: SubjectInstrument;
  readonly risk: SubjectRiskLimits;
  readonly store: StateStore;
  /** The subject's environment (GRID_BOT_BUGS and the like); never the host's in-process. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Planted bugs to switch on, by name (the subject's own names). */
  readonly bugs: readonly string[];
  /** Seed for any randomness the subject wants (it must not use Math.random). */
  readonly seed: number;
  /** 0 on the first start, then 1, 2... after each kill and restart. */
  readonly boot: number;
  /**
   * True for a fresh instance that only folds replayed events (`consume`): it must not dial,
   * write its store or trade.
   */
  readonly replay?: boolean;
  /** Diagnostics; shown on the subject's lane of the timeline. */
  log?(message: string): void;
}

interface IntentBase<T extends string> {
  type: T;
  /**
   * The intent's id, unique in a run. The same id sent again is a retry of the same intent
   * (after a timeout, a 5xx or a restart): it must execute once. A subject derives its client
   * order ids from it (deterministically), so the venue can refuse the duplicate.
   */
  id: string;
}

/** Open or grow a position: a limit order at `price`, or a market order without one. */
export interface EnterIntent extends IntentBase<'enter'> {
  side: Side;
  qty: number;
  price?: number;
}

/** Reduce the position by `qty` (all of it when absent), at `price` or at market. */
export interface ExitIntent extends IntentBase<'exit'> {
  qty?: number;
  price?: number;
}

/** Cancel the order an earlier intent made (`target`, its intent id), or every open order. */
export interface CancelIntent extends IntentBase<'cancel'> {
  target?: string;
}

/** Lay a price grid: `levels` buy levels below `center` and as many sell levels above, `step` apart. */
export interface SetGridIntent extends IntentBase<'set_grid'> {
  center: number;
  step: number;
  levels: number;
  qty: number;
}

/** Tune the subject's own parameters (names are the subject's). */
export interface SetParamsIntent extends IntentBase<'set_params'> {
  params: Record<string, number | string | boolean>;
}

/** A reference price the subject is told of (as seed 001's kernels are); venue marks arrive as events. */
export interface MarkIntent extends IntentBase<'mark'> {
  price: number;
}

/** Check its belief against the venue now (resync and adopt what the venue says). */
export interface ReconcileIntent extends IntentBase<'reconcile'> {}

/** An operator clears a tripped circuit breaker. */
export interface ResumeIntent extends IntentBase<'resume'> {}

export type SubjectIntent =
  | EnterIntent
  | ExitIntent
  | CancelIntent
  | SetGridIntent
  | SetParamsIntent
  | MarkIntent
  | ReconcileIntent
  | ResumeIntent;
export type SubjectIntentType = SubjectIntent['type'];

export const SUBJECT_INTENT_TYPES: readonly SubjectIntentType[] = [
  'enter',
  'exit',
  'cancel',
  'set_grid',
  'set_params',
  'mark',
  'reconcile',
  'resume',
];

/**
 * The subject's immediate answer to an intent: taken (the work goes on, on the scheduler) or
 * refused now, with the reason (`halted`, `bad_intent`, `not_ready`...). Not the outcome of the
 * orders the intent leads to: those show in `state()` and on the wire.
 */
export type IntentAck = { accepted: true } | { accepted: false; reason: string };

/** One order the subject believes is open at the venue. */
export interface SubjectOrder {
  clientOrderId: string;
  symbol: string;
  side: Side;
  /** null for a market order. */
  price: number | null;
  qty: number;
  filledQty: number;
}

/**
 * The subject's belief, as plain JSON: what the reconciliation invariant compares with the
 * venue's truth for its account once the run has settled.
 */
export interface SubjectState {
  /** Open orders by client order id. */
  openOrders: Record<string, SubjectOrder>;
  /** Net position by symbol (absent or 0: flat). */
  positions: Record<string, number>;
  /** Its belief of the account's cash; null when it does not track cash. */
  cash: number | null;
  /** True when it refuses to trade (breaker tripped, state it cannot trust, an operator stop). */
  halted: boolean;
  /** Why, on one line (`volatility`, `state_corrupted: checksum mismatch`...). */
  haltReason?: string;
  /** Free-form fields of the subject's own (grid slots, counters). Compared by replay, not by reconciliation. */
  extra?: Record<string, unknown>;
}

/** A check the subject declares over its own state, run by shakedown like a built-in invariant. */
export interface SubjectInvariant {
  readonly name: string;
  readonly description: string;
  /** The problems found in this state (none: it holds), one line each. */
  check(state: SubjectState): string[];
}

/** One running instance of a subject. */
export interface Subject {
  /** Takes an intent; the work it leads to happens on the scheduler. */
  intent(intent: SubjectIntent): IntentAck;
  /** Its current belief. */
  state(): SubjectState;
  /**
   * A graceful stop: cancel its timers and close its connections (a kill is done by the
   * harness and gives the subject no say).
   */
  stop(): void;
  /**
   * Folds one venue event as if it had arrived on its connection, without trading: how a
   * fresh instance is replayed the events a live one received, in order or shuffled.
   */
  consume?(event: EventMessage): void;
  /**
   * False while it still has work of its own under way (a request unanswered, a retry or a
   * reconnect scheduled, booting): the run waits before it reads the final state. Absent: always.
   */
  settled?(): boolean;
  /** Its own checks over its state. */
  readonly invariants?: readonly SubjectInvariant[];
}

/** What an in-process subject module exports, as `createSubject` or as the default export. */
export type SubjectFactory = (context: SubjectContext) => Subject;

/** The shape of a subject module once loaded. */
export interface SubjectModule {
  createSubject?: SubjectFactory;
  default?: SubjectFactory | { createSubject?: SubjectFactory };
  /** Its planted bugs, by name, when it has any (a campaign's --bug names them). */
  plantedBugs?: readonly string[];
}

/**
 * The environment of a subject run as a process (the process form of {@link SubjectContext}).
 * Values are strings; instrument and risk limits are JSON.
 */
export const SUBJECT_ENV = {
  venueUrl: 'SHAKEDOWN_VENUE_URL',
  account: 'SHAKEDOWN_ACCOUNT',
  apiKey: 'SHAKEDOWN_API_KEY',
  stateDir: 'SHAKEDOWN_STATE_DIR',
  /** JSON of SubjectInstrument. */
  instrument: 'SHAKEDOWN_INSTRUMENT',
  /** JSON of SubjectRiskLimits. */
  risk: 'SHAKEDOWN_RISK',
  seed: 'SHAKEDOWN_SEED',
  boot: 'SHAKEDOWN_BOOT',
  /** Comma list of the subject's planted bugs (a subject may also read its own variable). */
  bugs: 'SHAKEDOWN_BUGS',
} as const;

/**
 * One line on the subject's stdin. `id` is echoed by the reply. `consume` is only sent to an
 * instance started for replay.
 */
export type ControlRequest =
  | { id: number; op: 'intent'; intent: SubjectIntent }
  | { id: number; op: 'state' }
  | { id: number; op: 'settled' }
  | { id: number; op: 'consume'; event: EventMessage }
  /** Runs its declared invariants over its current state. */
  | { id: number; op: 'invariants' }
  | { id: number; op: 'stop' };

/** The result each op answers with. */
export interface ControlResults {
  intent: IntentAck;
  state: SubjectState;
  settled: { settled: boolean };
  consume: Record<string, never>;
  invariants: DeclaredCheck[];
  stop: Record<string, never>;
}

/** One declared invariant run once: its name and the problems found (none: it held). */
export interface DeclaredCheck {
  name: string;
  description?: string;
  problems: string[];
}

/**
 * One line on the subject's stdout: a reply to a request, or a log line of its own (`log`),
 * which the harness puts on the subject's lane. Anything else on stdout is a protocol error.
 */
export type ControlReply =
  | { id: number; ok: true; result: ControlResults[keyof ControlResults] }
  | { id: number; ok: false; error: string }
  | { log: string };

/** A state with nothing in it: no orders, flat, unknown cash, trading. */
export function emptySubjectState(): SubjectState {
  return { openOrders: {}, positions: {}, cash: null, halted: false };
}

/** The factory a loaded module offers, if it offers one. */
export function subjectFactoryOf(module: SubjectModule): SubjectFactory | undefined {
  if (typeof module.createSubject === 'function') return module.createSubject;
  const fallback = module.default;
  if (typeof fallback === 'function') return fallback;
  if (fallback && typeof fallback.createSubject === 'function') return fallback.createSubject;
  return undefined;
}
