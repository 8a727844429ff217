import fc from 'fast-check';

/**
 * `fc.array(item, constraints)` that generates with less garbage where it can: the same draws,
 * the same array, and a Value whose context has the shape fast-check's array gives it, so that
 * shrinking is left to a real `fc.array(item, constraints)` and walks the same candidates.
 *
 * Only the unbiased case is generated here (inside fc.commands every value is: commands are drawn
 * without bias), and only when the lengths fast-check sized the reference with can be read from it
 * (they depend on its global configuration); otherwise the reference generates, as it would. Unbiased,
 * fast-check draws the length in [minLength, maxGeneratedLength], then each item unbiased, one after
 * the other. No item here must be cloned (fc.context and the like); one that did would throw.
 */
export function leanArray<T>(
  item: fc.Arbitrary<T>,
  constraints: { minLength?: number; maxLength: number },
): fc.Arbitrary<T[]> {
  return new LeanArrayArbitrary(item, fc.array(item, constraints));
}

/** The lengths an fc.array was built with, when its fields say so plainly. */
function lengthsOf(reference: fc.Arbitrary<unknown>): { min: number; maxGenerated: number } | undefined {
  const fields = reference as unknown as Record<string, unknown>;
  const { minLength, maxGeneratedLength, setBuilder, customSlices } = fields;
  if (typeof minLength !== 'number' || typeof maxGeneratedLength !== 'number') return undefined;
  if (setBuilder !== undefined || !Array.isArray(customSlices) || customSlices.length !== 0) return undefined;
  return { min: minLength, maxGenerated: maxGeneratedLength };
}

class LeanArrayArbitrary<T> extends fc.Arbitrary<T[]> {
  private readonly lengths: { min: number; maxGenerated: number } | undefined;

  constructor(
    private readonly item: fc.Arbitrary<T>,
    private readonly reference: fc.Arbitrary<T[]>,
  ) {
    super();
    this.lengths = lengthsOf(reference);
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    const lengths = this.lengths;
    if (biasFactor !== undefined || lengths === undefined) return this.reference.generate(mrng, biasFactor);
    const count = mrng.nextInt(lengths.min, lengths.maxGenerated);
    const values: T[] = new Array(count);
    const contexts: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const drawn = this.item.generate(mrng, undefined);
      if (drawn.hasToBeCloned) throw new Error('leanArray: a drawn item must be cloned; use fc.array');
      values[i] = drawn.value_;
      contexts[i] = drawn.context;
    }
    return new fc.Value(values, {
      shrunkOnce: false,
      lengthContext: undefined,
      itemsContexts: contexts,
      startIndex: 0,
    });
  }

  canShrinkWithoutContext(value: unknown): value is T[] {
    return this.reference.canShrinkWithoutContext(value);
  }

  shrink(value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    return this.reference.shrink(value, context);
  }
}
