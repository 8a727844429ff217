import { EXIT, ShakedownError } from '../shakedown-error.ts';

/**
 * How the properties of a campaign share the thread (or the pool) that runs them:
 * - 'interleaved': in turns, round robin. On one thread a turn is one run (run 0 of each
 *   property, then run 1 of each, ...); on a pool it is a window of runs dealt to every slot
 *   at once (poolTurnRuns). Every property starts exploring at once, so a bug only the last
 *   property finds is found after a few rounds, not after every earlier property's runs;
 * - 'sequential': property after property, each to the end of its runs.
 * Either way only one property's runs execute at a time, and each property keeps its own seed
 * and fast-check stream: only the order in which runs of different properties execute differs.
 */
export type PropertyOrder = 'sequential' | 'interleaved';

/** Runs per slot in a property's first turn on a pool: every slot gets one. */
export const FIRST_POOL_TURN_RUNS = 1;
/** Runs per slot in a property's longest turn on a pool (turns double up to it). */
export const MAX_POOL_TURN_RUNS = 32;

/**
 * The runs (consecutive run indices, owned by this shard or not) that turn `turn` (0 for a
 * property's first) of a property may deal on a pool of `slots`: one per slot at first, then
 * twice as many each turn, up to MAX_POOL_TURN_RUNS per slot (from its sixth turn on). A
 * pool's turn ends when its runs are all settled, so each turn costs one wait for the slowest
 * slot: the first rounds are short, so every property's first runs come early, and the later
 * ones long, so those waits stay few over a property's whole run count. The sizes depend on
 * the turn and the pool's size alone: every campaign takes the same turns.
 */
export function poolTurnRuns(turn: number, slots: number): number {
  const perSlot = Math.min(MAX_POOL_TURN_RUNS, FIRST_POOL_TURN_RUNS * 2 ** Math.min(turn, 30));
  return Math.max(1, slots) * perSlot;
}

/**
 * The turn token of one campaign's properties: a property runs (or shrinks) only while it holds
 * the token. Each property explores in its own task; before a run it waits for its turn
 * (`take`), after the run it hands the token on (`pass`: to the next property still exploring
 * when interleaved, nowhere when sequential), and once done for good it leaves the rotation
 * (`retire`), handing the token on either way. Only the holder moves the token, so the order
 * of turns is a function of the runs alone, never of how the promises happen to settle.
 */
export class PropertyTurns {
  private holder: number | undefined;
  private readonly active: boolean[];
  private readonly waiting: ((() => void) | undefined)[];

  constructor(
    count: number,
    readonly order: PropertyOrder,
  ) {
    this.active = Array.from({ length: count }, () => true);
    this.waiting = Array.from({ length: count }, () => undefined);
    this.holder = count > 0 ? 0 : undefined;
  }

  /** The property holding the token (undefined once every property has retired). */
  get current(): number | undefined {
    return this.holder;
  }

  /** Whether `index` is the only property still exploring: its turns would come straight back. */
  alone(index: number): boolean {
    return this.active[index] === true && this.active.every((active, i) => i === index || !active);
  }

  /** Resolves when `index` holds the token (at once if it already does). */
  take(index: number): Promise<void> {
    if (!this.active[index]) throw misused(`property ${index} has retired and takes no more turns`);
    if (this.holder === index) return Promise.resolve();
    if (this.waiting[index]) throw misused(`property ${index} is already waiting for its turn`);
    return new Promise((resolve) => {
      this.waiting[index] = resolve;
    });
  }

  /** `index` ran one run and explores on: interleaved, the next property gets the token. */
  pass(index: number): void {
    this.expectHolder(index);
    if (this.order === 'interleaved') this.handTo(this.nextAfter(index));
  }

  /** `index` is done for good: it leaves the rotation, and the token goes to the next property. */
  retire(index: number): void {
    if (!this.active[index]) return;
    this.expectHolder(index);
    this.active[index] = false;
    this.handTo(this.nextAfter(index));
  }

  /** The next property still exploring after `index`, in campaign order, wrapping round. */
  private nextAfter(index: number): number | undefined {
    const count = this.active.length;
    for (let step = 1; step <= count; step++) {
      const next = (index + step) % count;
      if (this.active[next]) return next;
    }
    return undefined;
  }

  private handTo(next: number | undefined): void {
    this.holder = next;
    if (next === undefined) return;
    const wake = this.waiting[next];
    this.waiting[next] = undefined;
    wake?.();
  }

  private expectHolder(index: number): void {
    if (this.holder !== index)
      throw misused(`property ${index} does not hold the turn (property ${this.holder} does)`);
  }
}

/** A turn taken or handed on out of order: a bug of the runner, never of the system under test. */
function misused(message: string): ShakedownError {
  return new ShakedownError('SHK_TURN_MISUSED', `property turns: ${message}`, { exitCode: EXIT.failed });
}
