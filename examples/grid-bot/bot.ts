import seedrandom from 'seedrandom';
import type {
  IntentAck,
  Subject,
  SubjectContext,
  SubjectFactory,
  SubjectIntent,
  SubjectInvariant,
  SubjectState,
} from '../../src/domains/bots/subject.ts';
import type { EventMessage } from '../../src/domains/trading/protocol/protocol-messages.ts';
import type { ResyncSnapshot } from '../../src/domains/trading/protocol/resync-snapshot.ts';
import { adoptSnapshot, applyEvent, emptyBelief, openOrders } from './belief.ts';
import {
  decodeState,
  encodeState,
  type Grid,
  type GridBotData,
  type IntentRecord,
  type Slot,
  STATE_FILE,
} from './grid-state.ts';
import { type Answer, VenueSession } from './venue-session.ts';

/**
 * A small grid-trading bot, the worked example of a subject (docs/bots.md). It lays a price
 * grid around a center: buy orders below, sell orders above, one order per slot; when a slot's
 * order fills, the slot flips to the other side one step further (buy low, sell high). It keeps
 * its state in a JSON file with a checksum, reconciles with the venue when it boots (resume
 * from the last seqs it applied, then a resync to check), derives every client order id from
 * the grid, the slot and its cycle (or from the intent), backs off as the venue asks, and trips
 * a circuit breaker, which it persists, on a volatility event.
 *
 * Its planted bugs (env GRID_BOT_BUGS, a comma list, or the context's bugs) each break one of
 * those on purpose; shakedown's bots invariants name the one that catches each.
 */
export const GRID_BOT_BUGS = [
  'no_boot_reconciliation',
  'random_client_ids',
  'retry_at_once_after_429',
  'state_without_checksum',
  'breaker_not_persisted',
  'fills_applied_twice_after_resync',
] as const;
export type GridBotBug = (typeof GRID_BOT_BUGS)[number];

/** Planted bugs, for `--bug` (SubjectModule.plantedBugs). */
export const plantedBugs: readonly string[] = GRID_BOT_BUGS;

const EPS = 1e-9;

/** The bot's own checks over its state, run by shakedown like built-in invariants. */
export const GRID_BOT_INVARIANTS: readonly SubjectInvariant[] = [
  {
    name: 'grid-bot.cash-never-negative',
    description: 'the cash it believes it has is never below zero',
    check: (state) => (state.cash !== null && state.cash < 0 ? [`cash ${state.cash} is negative`] : []),
  },
  {
    name: 'grid-bot.one-order-per-slot',
    description: 'no two open orders of one grid slot',
    check: (state) => {
      const seen = new Map<string, string>();
      const problems: string[] = [];
      for (const id of Object.keys(state.openOrders)) {
        const slot = /^(.+\.s-?\d+)\.\d+$/.exec(id)?.[1];
        if (slot === undefined) continue;
        const other = seen.get(slot);
        if (other !== undefined) problems.push(`slot ${slot} has two open orders: ${other} and ${id}`);
        seen.set(slot, id);
      }
      return problems;
    },
  },
];

function bugsOf(context: SubjectContext): Set<string> {
  const fromEnv = (context.env.GRID_BOT_BUGS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  return new Set([...context.bugs, ...fromEnv]);
}

function freshData(context: SubjectContext): GridBotData {
  return {
    grid: null,
    slots: [],
    intents: {},
    halted: null,
    marks: [[0, context.instrument.markPrice]],
    seqs: {},
    belief: emptyBelief(context.account.id),
    drawn: 0,
  };
}

function onTick(price: number, tick: number): number {
  return Math.round(Math.round(price / tick) * tick * 1e9) / 1e9;
}

class GridBot implements Subject {
  readonly invariants = GRID_BOT_INVARIANTS;
  private data: GridBotData;
  private readonly bugs: Set<string>;
  private readonly session: VenueSession | undefined;
  private readonly symbol: string;
  private readonly random: () => number;
  /** Client order ids with a place on its way (not to be sent twice at once). */
  private readonly placing = new Set<string>();
  /** The position that fills seen in a resume replay added, since the last resync. */
  private replayedFills: Record<string, number> = {};
  private corrupted: string | undefined;

  constructor(private readonly context: SubjectContext) {
    this.bugs = bugsOf(context);
    this.symbol = context.instrument.symbol;
    this.random = seedrandom(`${context.seed}/${context.boot}`);
    const loaded = context.replay
      ? ({ kind: 'none' } as const)
      : decodeState(context.store.read(STATE_FILE), !this.bugs.has('state_without_checksum'));
    if (loaded.kind === 'corrupted') {
      // Fail closed: a state it cannot trust is no state to trade on. It stays down, halted.
      this.corrupted = loaded.why;
      this.data = freshData(context);
      this.data.halted = `state_corrupted: ${loaded.why}`;
      context.log?.(`state file corrupted (${loaded.why}): refusing to trade`);
      this.session = undefined;
      return;
    }
    this.data = loaded.kind === 'ok' ? loaded.data : freshData(context);
    this.data.belief ??= emptyBelief(context.account.id);
    if (context.replay) {
      this.session = undefined;
      return;
    }
    this.session = new VenueSession({
      context,
      streams: [`account:${context.account.id}`, `market:${this.symbol}`],
      seqs: this.data.seqs,
      bugs: this.bugs,
      hooks: {
        event: (message, replayed) => this.onEvent(message, replayed),
        snapshot: (snapshot, seqs) => this.onSnapshot(snapshot, seqs),
        ready: () => this.onReady(),
      },
    });
    this.persist();
    this.session.start();
  }

  intent(intent: SubjectIntent): IntentAck {
    if (this.corrupted !== undefined) return { accepted: false, reason: 'halted' };
    switch (intent.type) {
      case 'set_grid':
        return this.setGrid(intent.id, intent.center, intent.step, intent.levels, intent.qty);
      case 'enter':
        return this.enter(intent.id, intent.side, intent.qty, intent.price);
      case 'exit':
        return this.exit(intent.id, intent.qty, intent.price);
      case 'cancel':
        return this.cancel(intent.target);
      case 'mark':
        this.observeMark(this.context.scheduler.now(), intent.price);
        this.persist();
        return { accepted: true };
      case 'reconcile':
        this.session?.resync();
        return { accepted: true };
      case 'resume':
        this.data.halted = null;
        this.persist();
        this.repair();
        return { accepted: true };
      case 'set_params':
        return { accepted: true };
    }
  }

  state(): SubjectState {
    const belief = this.data.belief;
    const state: SubjectState = {
      openOrders: this.corrupted ? {} : openOrders(belief),
      positions: this.corrupted ? {} : { ...belief.positions },
      cash: this.corrupted ? null : belief.cash,
      halted: this.data.halted !== null,
      extra: {
        slots: this.data.slots.map((s) => `${s.index}:${s.side}@${s.price}/${s.status}`),
        grid: this.data.grid?.id ?? null,
      },
    };
    if (this.data.halted !== null) state.haltReason = this.data.halted;
    return state;
  }

  stop(): void {
    this.session?.stop();
  }

  consume(message: EventMessage): void {
    applyEvent(this.data.belief, message);
    if (message.event.type === 'mark_price') this.observeMark(message.time, message.event.price);
  }

  settled(): boolean {
    return this.session === undefined || (this.session.settled() && this.placing.size === 0);
  }

  // ---- intents ------------------------------------------------------------------------------

  private refusal(): IntentAck | undefined {
    if (this.data.halted !== null) return { accepted: false, reason: 'halted' };
    return undefined;
  }

  private setGrid(id: string, center: number, step: number, levels: number, qty: number): IntentAck {
    const refused = this.refusal();
    if (refused) return refused;
    if (!(step > 0) || !(levels >= 1) || !(qty > 0) || !(center > 0))
      return { accepted: false, reason: 'bad_intent' };
    if (this.data.grid?.id === id) return { accepted: true };
    this.cancelGrid();
    const tick = this.context.instrument.tickSize;
    const grid: Grid = { id, center, step, levels: Math.min(levels, 10), qty };
    const slots: Slot[] = [];
    for (let k = 1; k <= grid.levels; k++) {
      for (const index of [-k, k]) {
        const side = index < 0 ? 'buy' : 'sell';
        slots.push({
          index,
          side,
          price: onTick(center + index * step, tick),
          cycle: 0,
          clientOrderId: '',
          status: 'idle',
        });
      }
    }
    this.data.grid = grid;
    this.data.slots = slots;
    this.repair();
    return { accepted: true };
  }

  private enter(id: string, side: 'buy' | 'sell', qty: number, price: number | undefined): IntentAck {
    const refused = this.refusal();
    if (refused) return refused;
    const known = this.data.intents[id];
    if (known !== undefined) {
      this.sendIntent(id, known);
      return { accepted: true };
    }
    if (!(qty > 0)) return { accepted: false, reason: 'bad_intent' };
    const at = onTick(price ?? this.lastMark(), this.context.instrument.tickSize);
    const record: IntentRecord = {
      clientOrderId: this.clientOrderId(`${id}.e`),
      side,
      price: at,
      qty,
      status: 'pending',
    };
    this.data.intents[id] = record;
    this.sendIntent(id, record);
    return { accepted: true };
  }

  private exit(id: string, qty: number | undefined, price: number | undefined): IntentAck {
    const refused = this.refusal();
    if (refused) return refused;
    const known = this.data.intents[id];
    if (known !== undefined) {
      this.sendIntent(id, known);
      return { accepted: true };
    }
    const position = this.data.belief.positions[this.symbol] ?? 0;
    if (Math.abs(position) < EPS) return { accepted: false, reason: 'flat' };
    const size = Math.min(Math.abs(position), qty ?? Math.abs(position));
    const side = position > 0 ? 'sell' : 'buy';
    const at = onTick(price ?? this.lastMark(), this.context.instrument.tickSize);
    const record: IntentRecord = {
      clientOrderId: this.clientOrderId(`${id}.x`),
      side,
      price: at,
      qty: size,
      status: 'pending',
    };
    this.data.intents[id] = record;
    this.sendIntent(id, record);
    return { accepted: true };
  }

  private cancel(target: string | undefined): IntentAck {
    if (target === undefined) {
      this.cancelGrid();
      this.data.grid = null;
      this.data.slots = [];
      this.persist();
      this.session?.request({ type: 'cancel_all', symbol: this.symbol }, () => undefined);
      return { accepted: true };
    }
    if (this.data.grid?.id === target) {
      this.cancelGrid();
      this.data.grid = null;
      this.data.slots = [];
      this.persist();
      return { accepted: true };
    }
    const record = this.data.intents[target];
    if (record === undefined) return { accepted: false, reason: 'unknown_intent' };
    this.session?.request({ type: 'cancel', clientOrderId: record.clientOrderId }, () => undefined);
    return { accepted: true };
  }

  private cancelGrid(): void {
    for (const slot of this.data.slots) {
      if (slot.status === 'idle') continue;
      this.session?.request({ type: 'cancel', clientOrderId: slot.clientOrderId }, () => undefined);
      slot.status = 'idle';
    }
  }

  // ---- orders -------------------------------------------------------------------------------

  /** A client order id: derived from what the order is for, unless the bug draws one at random. */
  private clientOrderId(purpose: string): string {
    if (!this.bugs.has('random_client_ids')) return purpose;
    this.data.drawn++;
    return `r${Math.floor(this.random() * 1e12).toString(36)}`;
  }

  private sendIntent(id: string, record: IntentRecord): void {
    if (record.status !== 'pending') return;
    if (this.bugs.has('random_client_ids')) record.clientOrderId = this.clientOrderId(`${id}.e`);
    this.persist();
    this.place(
      record.clientOrderId,
      record.side,
      record.price,
      record.qty,
      (ok) => {
        record.status = ok ? 'placed' : 'failed';
      },
      (renamed) => {
        record.clientOrderId = renamed;
      },
      () => record.clientOrderId,
    );
  }

  /**
   * Places one order. The state file is written before the request goes out (a kill in
   * between leaves the intent to place it on disk, with its id); a venue that already has the
   * id (a retry that had got through) answers duplicate_client_order_id, which is taken as done.
   * `renamed` hears of a new id (random_client_ids draws one for every attempt); `owner` says
   * which id the order's owner (its slot or intent) wants now: a retry of any other is dropped.
   */
  private place(
    clientOrderId: string,
    side: 'buy' | 'sell',
    price: number,
    qty: number,
    done: (ok: boolean, clientOrderId: string) => void,
    renamed: (clientOrderId: string) => void = () => undefined,
    owner: () => string = () => clientOrderId,
  ): void {
    const session = this.session;
    if (session === undefined || this.placing.has(clientOrderId)) return;
    let current = clientOrderId;
    const latest = (): string => current;
    this.placing.add(current);
    const request = (id: string) =>
      ({
        type: 'place',
        symbol: this.symbol,
        side,
        orderType: 'limit',
        tif: 'gtc',
        price,
        qty,
        clientOrderId: id,
      }) as const;
    const renew = this.bugs.has('random_client_ids')
      ? () => {
          // Planted bug: every attempt gets a fresh id, so a retry of a place that had worked places it again.
          this.placing.delete(current);
          current = this.clientOrderId('retry');
          this.placing.add(current);
          renamed(current);
          this.persist();
          return request(current);
        }
      : undefined;
    session.request(
      request(current),
      (answer: Answer) => {
        this.placing.delete(current);
        if (answer.type === 'no_answer') {
          done(false, current);
          return;
        }
        if (answer.ok) done(true, current);
        else if (answer.error.code === 'duplicate_client_order_id') {
          // A copy that had got through: the events (or the next resync) tell what became of it.
          done(this.data.belief.orders[current]?.accepted ?? false, current);
        } else {
          this.context.log?.(`place ${current} refused: ${answer.error.code}`);
          done(false, current);
        }
        this.react();
        this.persist();
      },
      // A place still queued or to be retried when the breaker trips is dropped.
      { ...(renew ? { renew } : {}), wanted: () => this.data.halted === null && owner() === latest() },
    );
  }

  /**
   * Makes the slots agree with the belief: a slot whose order finished filled flips side, one
   * that finished otherwise goes idle, an idle slot gets its order (unless halted).
   */
  private repair(): void {
    this.react();
    if (this.data.halted !== null || !this.session?.ready) {
      this.persist();
      return;
    }
    for (const slot of this.data.slots) {
      if (slot.status === 'open' || slot.status === 'failed') continue;
      if (slot.status === 'idle') {
        // An order of this slot still open (its cancel refused, or not yet done) is kept, not doubled.
        const kept = this.openOrderOfSlot(slot);
        if (kept !== undefined) {
          slot.clientOrderId = kept;
          slot.status = 'open';
          continue;
        }
        slot.clientOrderId = this.clientOrderId(`${this.data.grid?.id}.s${slot.index}.${slot.cycle}`);
        slot.status = 'pending';
      } else if (this.placing.has(slot.clientOrderId)) continue;
      else if (this.bugs.has('random_client_ids'))
        slot.clientOrderId = this.clientOrderId(`${this.data.grid?.id}.s${slot.index}.${slot.cycle}`);
      this.placeSlot(slot);
    }
    this.persist();
  }

  /** The client order id of an open order that belongs to this slot, if the belief has one. */
  private openOrderOfSlot(slot: Slot): string | undefined {
    const prefix = `${this.data.grid?.id}.s${slot.index}.`;
    for (const [id, record] of Object.entries(this.data.belief.orders)) {
      if (
        id.startsWith(prefix) &&
        record.accepted &&
        !record.done &&
        record.side === slot.side &&
        record.price === slot.price
      )
        return id;
    }
    return undefined;
  }

  private placeSlot(slot: Slot): void {
    const qty = this.data.grid?.qty ?? 0;
    const id = slot.clientOrderId;
    this.persist();
    this.place(
      id,
      slot.side,
      slot.price,
      qty,
      (ok, final) => {
        if (slot.clientOrderId !== final) return;
        const record = this.data.belief.orders[final];
        if (!ok && !(record?.accepted ?? false)) slot.status = 'failed';
      },
      (renamed) => {
        slot.clientOrderId = renamed;
      },
      // A slot that moved on (a new cycle, another grid) no longer wants this order.
      () => slot.clientOrderId,
    );
  }

  /** Follows the belief: flips filled slots (and places their next order), settles the rest. */
  private react(): void {
    const grid = this.data.grid;
    let flipped = false;
    for (const slot of this.data.slots) {
      if (slot.status !== 'open' && slot.status !== 'pending') continue;
      const record = this.data.belief.orders[slot.clientOrderId];
      if (record === undefined) continue;
      if (!record.done) {
        if (record.accepted) slot.status = 'open';
        continue;
      }
      if (grid !== undefined && grid !== null && record.filledQty >= grid.qty - EPS) {
        slot.side = slot.side === 'buy' ? 'sell' : 'buy';
        slot.price = onTick(
          slot.price + (slot.side === 'sell' ? grid.step : -grid.step),
          this.context.instrument.tickSize,
        );
        slot.cycle++;
        slot.status = 'idle';
        flipped = true;
      } else slot.status = 'failed';
    }
    if (flipped && this.data.halted === null && this.session?.ready) {
      for (const slot of this.data.slots) {
        if (slot.status !== 'idle') continue;
        const kept = this.openOrderOfSlot(slot);
        if (kept !== undefined) {
          slot.clientOrderId = kept;
          slot.status = 'open';
          continue;
        }
        slot.clientOrderId = this.clientOrderId(`${grid?.id}.s${slot.index}.${slot.cycle}`);
        slot.status = 'pending';
        this.placeSlot(slot);
      }
    }
  }

  // ---- the venue ----------------------------------------------------------------------------

  private onEvent(message: EventMessage, replayed: boolean): void {
    const signed = applyEvent(this.data.belief, message);
    if (replayed && signed !== 0) {
      const symbol = (message.event as { symbol: string }).symbol;
      this.replayedFills[symbol] = (this.replayedFills[symbol] ?? 0) + signed;
    }
    if (message.event.type === 'mark_price') this.observeMark(message.time, message.event.price);
    this.data.seqs = { ...this.session?.seqs };
    this.react();
    this.persist();
  }

  private onSnapshot(snapshot: ResyncSnapshot, seqs: Record<string, number>): void {
    const accountSeq = seqs[`account:${this.context.account.id}`] ?? 0;
    const { vanished } = adoptSnapshot(this.data.belief, snapshot, accountSeq);
    if (vanished.length > 0) this.context.log?.(`reconciled: ${vanished.join(', ')} gone while away`);
    if (this.bugs.has('fills_applied_twice_after_resync')) {
      // Planted bug: the fills the resume replayed are added again on top of the snapshot.
      for (const [symbol, qty] of Object.entries(this.replayedFills))
        this.data.belief.positions[symbol] =
          Math.round(((this.data.belief.positions[symbol] ?? 0) + qty) * 1e9) / 1e9;
    }
    this.replayedFills = {};
    const instrument = snapshot.instruments.find((i) => i.symbol === this.symbol);
    if (instrument !== undefined) this.observeMark(this.context.scheduler.now(), instrument.markPrice);
    this.data.seqs = { ...this.session?.seqs };
    this.react();
    this.persist();
  }

  private onReady(): void {
    // Intents it meant to place before a kill or a cut go out again, with the same ids.
    for (const [id, record] of Object.entries(this.data.intents)) {
      if (
        record.status === 'pending' &&
        this.data.halted === null &&
        !this.data.belief.orders[record.clientOrderId]
      )
        this.sendIntent(id, record);
    }
    this.repair();
  }

  // ---- risk ---------------------------------------------------------------------------------

  private lastMark(): number {
    const marks = this.data.marks;
    return marks.length > 0 ? marks[marks.length - 1][1] : this.context.instrument.markPrice;
  }

  /** A move beyond the limit within the window trips the breaker: cancel everything, halt. */
  private observeMark(time: number, price: number): void {
    const { maxMarkMovePct, windowMs } = this.context.risk;
    const recent = this.data.marks.filter(([t]) => t >= time - windowMs);
    const reference = recent.length > 0 ? recent : this.data.marks.slice(-1);
    const worst = Math.max(0, ...reference.map(([, p]) => (Math.abs(price - p) / p) * 100));
    this.data.marks = [...recent.slice(-20), [time, price]];
    if (worst > maxMarkMovePct && this.data.halted === null)
      this.trip(`volatility: mark moved ${worst.toFixed(2)}%`);
  }

  private trip(reason: string): void {
    this.data.halted = reason;
    this.context.log?.(`circuit breaker: ${reason}`);
    // The orders are cancelled: their slots start afresh, under new ids, once trading resumes.
    for (const slot of this.data.slots) {
      if (slot.status !== 'idle') slot.cycle++;
      slot.status = 'idle';
    }
    if (!this.context.replay)
      this.session?.request({ type: 'cancel_all', symbol: this.symbol }, () => undefined);
    this.persist();
  }

  private persist(): void {
    if (this.context.replay || this.corrupted !== undefined) return;
    let data = this.data;
    if (this.bugs.has('breaker_not_persisted') && data.halted?.startsWith('volatility'))
      data = { ...data, halted: null };
    this.context.store.write(STATE_FILE, encodeState(data, !this.bugs.has('state_without_checksum')));
  }
}

/** The subject factory: one grid bot per start. */
export const createSubject: SubjectFactory = (context) => new GridBot(context);
export default createSubject;
