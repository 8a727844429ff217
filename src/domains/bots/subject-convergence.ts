import { NEVER } from 'rxjs';
import seedrandom from 'seedrandom';
import { type ValueDifference, valueDifferences } from '../../core/diff/value-differences.ts';
import type { RecordedEvent } from '../../core/model/evidence.ts';
import { SortedVirtualTimeScheduler } from '../../core/time/sorted-virtual-scheduler.ts';
import type { ExchangeConfig } from '../trading/protocol/exchange-config.ts';
import type { EventMessage } from '../trading/protocol/protocol-messages.ts';
import type { BotEvent, BotsSnapshot } from './bot-event.ts';
import {
  BOT_ACCOUNT,
  BOT_SYMBOL,
  botsExchangeConfig,
  DEFAULT_RISK_LIMITS,
  subjectInstrument,
} from './bots-venue.ts';
import { MemoryStateStore } from './memory-state-store.ts';
import type { SubjectFactory, SubjectState } from './subject.ts';

/** The part of a subject's belief that replay compares: open orders, positions, cash. */
export interface ComparedState {
  openOrders: Record<
    string,
    { symbol: string; side: string; price: number | null; qty: number; filledQty: number }
  >;
  positions: Record<string, number>;
  cash: number | null;
}

/** What a replay into a fresh subject found. */
export interface ReplayConvergence {
  /** `unsupported`: the subject has no consume(), or the recording has no final state to compare. */
  status: 'converged' | 'diverged' | 'unsupported';
  order: 'in-order' | 'shuffled';
  /** The shuffle's seed. */
  seed?: number;
  /** Venue events fed to the fresh instance. */
  events: number;
  /** The first field that differs (`positions.SANDBOX.BTC-USD`, `openOrders.i0.s-1.0.filledQty`), live vs replayed. */
  firstDifference?: ValueDifference;
  /** Up to three differences, the first included. */
  differences: ValueDifference[];
  live?: ComparedState;
  replayed?: ComparedState;
  reason?: string;
}

export interface ReplayOptions {
  /** Feed the events in an order drawn from `seed` instead of the order they arrived in. */
  shuffle?: boolean;
  seed?: number;
  /** The live subject's planted bugs, so the fresh instance is the same program. */
  bugs?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  config?: ExchangeConfig;
}

/** A recording to replay: a run's evidence, or a saved replay file's events and final snapshot. */
export interface SubjectRecording {
  events: readonly RecordedEvent<unknown>[];
  snapshot: unknown;
}

/**
 * The venue events the subject received during the run, over all its boots, in the order they
 * arrived (a resumed or resent event appears as often as it came).
 */
export function capturedVenueEvents(events: readonly RecordedEvent<unknown>[]): EventMessage[] {
  const out: EventMessage[] = [];
  for (const record of events) {
    const event = record.event as BotEvent | undefined;
    if (record.client !== 'subject' || event?.type !== 'received') continue;
    if (event.message.type === 'event') out.push(event.message);
  }
  return out;
}

/** The compared part of a state, as plain sorted data (positions at zero left out). */
export function comparedState(state: SubjectState): ComparedState {
  const openOrders: ComparedState['openOrders'] = {};
  for (const id of Object.keys(state.openOrders ?? {}).sort()) {
    const o = state.openOrders[id];
    openOrders[id] = { symbol: o.symbol, side: o.side, price: o.price, qty: o.qty, filledQty: o.filledQty };
  }
  const positions: Record<string, number> = {};
  for (const symbol of Object.keys(state.positions ?? {}).sort()) {
    const qty = Math.round((state.positions[symbol] ?? 0) * 1e9) / 1e9;
    if (qty !== 0) positions[symbol] = qty;
  }
  return { openOrders, positions, cash: state.cash ?? null };
}

/**
 * Feeds the venue events a live subject received into a fresh instance through `consume` (in
 * the order they came, or shuffled by `seed`), then compares its final belief with the live
 * run's: open orders, positions and cash. A subject whose belief is a function of the events
 * converges in any order; the verdict names the first field that differs when it does not.
 */
export function replayIntoFresh(
  factory: SubjectFactory,
  recording: SubjectRecording,
  options: ReplayOptions = {},
): ReplayConvergence {
  const order: ReplayConvergence['order'] = options.shuffle ? 'shuffled' : 'in-order';
  const seed = options.seed ?? 0;
  const base = { order, ...(options.shuffle ? { seed } : {}), differences: [] as ValueDifference[] };
  const live = (recording.snapshot as BotsSnapshot | undefined)?.subject;
  const events = capturedVenueEvents(recording.events);
  if (live === null || live === undefined)
    return {
      ...base,
      status: 'unsupported',
      events: 0,
      reason: 'the recording has no final state of the subject to compare with',
    };
  const feed = options.shuffle ? shuffled(events, seed) : events;
  const config = options.config ?? botsExchangeConfig();
  const fresh = factory({
    dial: () => NEVER,
    scheduler: new SortedVirtualTimeScheduler(),
    account: BOT_ACCOUNT,
    instrument: subjectInstrument(config, BOT_SYMBOL),
    risk: DEFAULT_RISK_LIMITS,
    store: new MemoryStateStore(),
    env: options.env ?? {},
    bugs: options.bugs ?? [],
    seed,
    boot: 0,
    replay: true,
  });
  try {
    if (fresh.consume === undefined)
      return {
        ...base,
        status: 'unsupported',
        events: 0,
        reason: 'the subject has no consume(event): it cannot be replayed into',
      };
    for (const message of feed) fresh.consume(message);
    const want = comparedState(live);
    const got = comparedState(fresh.state());
    const differences = valueDifferences(want, got, 3);
    return {
      ...base,
      status: differences.length === 0 ? 'converged' : 'diverged',
      events: feed.length,
      ...(differences.length > 0 ? { firstDifference: differences[0] } : {}),
      differences,
      live: want,
      replayed: got,
    };
  } finally {
    fresh.stop();
  }
}

/** One line for a verdict: `converged (in-order, 42 events)` or what differs first. */
export function describeConvergence(verdict: ReplayConvergence): string {
  const how = `${verdict.order}${verdict.seed === undefined ? '' : ` seed ${verdict.seed}`}, ${verdict.events} events`;
  if (verdict.status === 'unsupported') return `replay unsupported: ${verdict.reason ?? ''}`;
  if (verdict.status === 'converged') return `converged (${how})`;
  const d = verdict.firstDifference;
  return `diverged (${how}): ${d?.path || 'the state'} is ${JSON.stringify(d?.left)} live, ${JSON.stringify(d?.right)} replayed`;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seedrandom(`shuffle/${seed}`);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
