import { EXIT, ShakedownError } from '../shakedown-error.ts';

/**
 * How the properties of a campaign share the one thread that runs them:
 * - 'interleaved': run by run, round robin (run 0 of each property, then run 1 of each, ...),
 *   so every property starts exploring at once and a bug only the last property finds is found
 *   after a few rounds, not after every earlier property's runs;
 * - 'sequential': property after property, each to the end of its runs.
 * Either way only one run executes at a time, and each property keeps its own seed and
 * fast-check stream: only the order in which runs of different properties execute differs.
 */
export type PropertyOrder = 'sequential' | 'interleaved';

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
