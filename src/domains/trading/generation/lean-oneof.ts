import fc from 'fast-check';

/** One weighted choice of leanOneof. */
export interface WeightedArbitrary<T> {
  readonly weight: number;
  readonly arbitrary: fc.Arbitrary<T>;
}

/**
 * `fc.oneof(...entries)` (weighted, no options) drawn the short way: the same draws, value and
 * context as fast-check's, so that shrinking is left to a real `fc.oneof(...entries)`. Not
 * recursive, fast-check's oneof sits at depth 0, where its depth bias is nothing: it draws one
 * integer in [0, total weight), generates the entry whose cumulated weight passes it and wraps the
 * value with the entry's index and context (no fallback to the first entry: that is
 * withCrossShrink's). The generator asks for a oneof several times per command. No entry here
 * draws values fast-check clones; one that did would throw.
 */
export function leanOneof<T>(...entries: WeightedArbitrary<T>[]): fc.Arbitrary<T> {
  return new LeanOneofArbitrary(entries);
}

class LeanOneofArbitrary<T> extends fc.Arbitrary<T> {
  private readonly reference: fc.Arbitrary<T>;
  private readonly arbitraries: readonly fc.Arbitrary<T>[];
  private readonly cumulated: readonly number[];
  private readonly total: number;

  constructor(entries: readonly WeightedArbitrary<T>[]) {
    super();
    // fast-check checks the weights (integers, at least 0, some above 0).
    this.reference = fc.oneof(...entries.map((e) => ({ weight: e.weight, arbitrary: e.arbitrary })));
    let total = 0;
    this.cumulated = entries.map((e) => (total += e.weight));
    this.total = total;
    this.arbitraries = entries.map((e) => e.arbitrary);
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const selected = mrng.nextInt(0, this.total - 1);
    const cumulated = this.cumulated;
    let index = 0;
    while (selected >= cumulated[index]) index++;
    const drawn = this.arbitraries[index].generate(mrng, biasFactor);
    if (drawn.hasToBeCloned) throw new Error('leanOneof: a drawn value must be cloned; use fc.oneof');
    return new fc.Value(drawn.value_, {
      selectedIndex: index,
      originalBias: biasFactor,
      originalContext: drawn.context,
      clonedMrngForFallbackFirst: null,
    });
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.reference.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.reference.shrink(value, context);
  }
}
