import fc from 'fast-check';

type Arbitraries<A extends unknown[]> = [...{ [K in keyof A]: fc.Arbitrary<A[K]> }];

/**
 * `fc.tuple(...arbitraries).map(build)`, generated with less garbage: the same draws in the same
 * order, the same value, and a Value whose context has the shape fast-check's map gives it (the
 * tuple's values and their contexts), so shrinking is left to a real `fc.tuple(...).map(build)`
 * and walks the very same candidates. fast-check's tuple grows three arrays by push per value and
 * the map wraps it once more; the generator draws several tuples per command, every run.
 * No arbitrary here draws values that must be cloned (fc.context and the like); one that did
 * would throw rather than be shared between runs.
 */
export function mappedTuple<A extends unknown[], T>(
  arbitraries: Arbitraries<A>,
  build: (values: A) => T,
): fc.Arbitrary<T> {
  return new MappedTupleArbitrary(arbitraries as fc.Arbitrary<unknown>[], build as (values: unknown[]) => T);
}

/**
 * What `fc.record` draws, built by `build` from the field values in order: fc.record is a tuple
 * of its fields plus one boolean (whether the object gets a null prototype), mapped to an object.
 * The boolean is drawn here too (and passed last, unused), so that draws and shrinks stay exactly
 * those of `fc.record({...}).map(build)`; `build` makes the object with its fields in the
 * record's order, without the record's generic key-by-key copy.
 */
export function recordOf<A extends unknown[], T>(
  fields: Arbitraries<A>,
  build: (values: A) => T,
): fc.Arbitrary<T> {
  return new MappedTupleArbitrary(
    [...(fields as fc.Arbitrary<unknown>[]), fc.boolean()],
    build as (values: unknown[]) => T,
  );
}

/**
 * `fc.tuple(...arbitraries).map(build)` for the top of a property, where an item may be a value
 * fast-check clones (fc.commands: its commands must start afresh on each read). fast-check's map
 * would make the built value cloneable too (a getter that builds it again from clones), which
 * only matters to whoever reads a generated value twice: fast-check's runner and fc.sample read
 * it once. The value is built once from the items as drawn, as fast-check's first read gives
 * them; shrinking is fast-check's own (the tuple clones the items it does not shrink, as ever).
 * That getter, a closure over the whole generated tree on every run, kept each run's values
 * alive through a young-generation collection, and garbage collection took a third of
 * generation's time.
 */
export function mappedTopTuple<A extends unknown[], T>(
  arbitraries: Arbitraries<A>,
  build: (values: A) => T,
): fc.Arbitrary<T> {
  return new MappedTupleArbitrary(
    arbitraries as fc.Arbitrary<unknown>[],
    build as (values: unknown[]) => T,
    true,
  );
}

class MappedTupleArbitrary<T> extends fc.Arbitrary<T> {
  /** The same tuple and map as fast-check builds them: shrinking is theirs. */
  private readonly reference: fc.Arbitrary<T>;

  constructor(
    private readonly arbitraries: readonly fc.Arbitrary<unknown>[],
    private readonly build: (values: unknown[]) => T,
    /** Whether items fast-check clones are taken (mappedTopTuple), rather than refused. */
    private readonly readOnce = false,
  ) {
    super();
    this.reference = fc.tuple(...arbitraries).map(build);
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const count = this.arbitraries.length;
    const values: unknown[] = new Array(count);
    const contexts: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const drawn = this.arbitraries[i].generate(mrng, biasFactor);
      if (drawn.hasToBeCloned && !this.readOnce)
        throw new Error('mappedTuple: a drawn value must be cloned; use fc.tuple');
      values[i] = drawn.value_;
      contexts[i] = drawn.context;
    }
    return new fc.Value(this.build(values), { originalValue: values, originalContext: contexts });
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.reference.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.reference.shrink(value, context);
  }
}
