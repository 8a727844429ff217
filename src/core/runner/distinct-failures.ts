/** A failure found while exploring: its run, its signature, and how many later runs failed the same way. */
export interface FoundFailure {
  runIndex: number;
  signature: string;
  /** Later runs with the same signature: counted, not shrunk or reported again. */
  duplicates: number;
}

/**
 * The distinct failures of one property, noted in generation order (whichever thread ran the
 * runs), so the same seed finds the same ones in the same order with or without workers.
 * Exploring ends once `max` distinct failures are in: 1, the first failure, unless the
 * campaign keeps going (`--keep-going`, `--max-failures`).
 */
export class DistinctFailures {
  readonly found: FoundFailure[] = [];
  private readonly bySignature = new Map<string, FoundFailure>();

  constructor(readonly max = 1) {}

  /** Notes a failing run: a new failure (true), or one more duplicate of a known one (false). */
  note(runIndex: number, signature: string): boolean {
    const known = this.bySignature.get(signature);
    if (known) {
      known.duplicates++;
      return false;
    }
    const failure: FoundFailure = { runIndex, signature, duplicates: 0 };
    this.found.push(failure);
    this.bySignature.set(signature, failure);
    return true;
  }

  /** Enough distinct failures: no more runs are worth starting. */
  get full(): boolean {
    return this.found.length >= this.max;
  }

  /** The first failing run, in generation order. */
  get firstIndex(): number | undefined {
    return this.found[0]?.runIndex;
  }
}
