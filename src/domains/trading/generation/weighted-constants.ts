import fc from 'fast-check';

/** One value of a weighted choice among constants. */
export interface WeightedConstant<T> {
  readonly weight: number;
  readonly value: T;
}

/**
 * A weighted pick among constants, the cheap way: the same values from the same random draws as
 * `fc.oneof(...entries.map((e) => ({ weight: e.weight, arbitrary: fc.constant(e.value) })))`,
 * and, like it, nothing to shrink to. fast-check's oneof draws one integer in [0, total weight)
 * (its depth bias is 0 for an arbitrary that does not recurse), picks the entry whose cumulated
 * weight passes it, and wraps the constant's value twice; a constant never shrinks, so neither
 * does the pick (oneof shrinks to its first entry only with withCrossShrink). Here the same draw
 * picks the same entry, with one Value and no context: the generator asks for these choices a
 * dozen times per command.
 */
export function weightedConstants<T>(entries: readonly WeightedConstant<T>[]): fc.Arbitrary<T> {
  return new WeightedConstantsArbitrary(entries);
}

class WeightedConstantsArbitrary<T> extends fc.Arbitrary<T> {
  private readonly values: readonly T[];
  private readonly cumulated: readonly number[];
  private readonly total: number;

  constructor(entries: readonly WeightedConstant<T>[]) {
    super();
    if (entries.length === 0) throw new Error('weightedConstants: no entry');
    let total = 0;
    const cumulated: number[] = [];
    for (const entry of entries) {
      if (!Number.isInteger(entry.weight) || entry.weight < 0)
        throw new Error('weightedConstants: weights are integers of at least 0');
      total += entry.weight;
      cumulated.push(total);
    }
    if (total <= 0) throw new Error('weightedConstants: the weights sum to 0');
    this.values = entries.map((e) => e.value);
    this.cumulated = cumulated;
    this.total = total;
  }

  generate(mrng: fc.Random, _biasFactor: number | undefined): fc.Value<T> {
    const selected = mrng.nextInt(0, this.total - 1);
    const cumulated = this.cumulated;
    let index = 0;
    while (selected >= cumulated[index]) index++;
    return new fc.Value(this.values[index], undefined);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.values.some(
      (v, i) => this.cumulated[i] > (this.cumulated[i - 1] ?? 0) && Object.is(v, value),
    );
  }

  shrink(_value: T, _context: unknown): fc.Stream<fc.Value<T>> {
    return fc.Stream.nil();
  }
}
