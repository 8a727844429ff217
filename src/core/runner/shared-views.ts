/**
 * Views of one run's evidence that several invariants share (an index, a replay), each built
 * once while the run is checked instead of once per invariant. checkInvariants opens the scope
 * around one evidence object while its invariants run (withSharedViews); inside it, a view
 * asked for twice under the same key is built once. Outside it (an invariant called on its
 * own, as unit tests do), nothing is kept: evidence edited between two calls is never judged
 * from a stale view. The Invariant interface is unchanged: a checker still gets the evidence.
 */
const scopes = new WeakMap<object, Map<unknown, unknown>>();

/** Whether the invariants of this evidence are being checked together (views are kept). */
export function sharingViews(evidence: unknown): boolean {
  return typeof evidence === 'object' && evidence !== null && scopes.has(evidence);
}

/**
 * The view under `key` for this evidence: built by `build` the first time it is asked for
 * while the evidence is checked, then the same value; outside a check, built on every call.
 */
export function sharedView<T>(evidence: unknown, key: unknown, build: () => T): T {
  const views = typeof evidence === 'object' && evidence !== null ? scopes.get(evidence) : undefined;
  if (views === undefined) return build();
  if (views.has(key)) return views.get(key) as T;
  const view = build();
  views.set(key, view);
  return view;
}

/** Runs `check` with views of `evidence` shared (nested calls share the outer scope). */
export function withSharedViews<T>(evidence: unknown, check: () => T): T {
  if (typeof evidence !== 'object' || evidence === null || scopes.has(evidence)) return check();
  scopes.set(evidence, new Map());
  try {
    return check();
  } finally {
    scopes.delete(evidence);
  }
}
