/** Array helpers that keep the backing store, so the hot path neither reallocates nor leaves garbage. */

/** Empties a list but keeps its capacity (setting length to 0 would free the backing store). */
export function clearList(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/** Drops the first `count` items in place, instead of slice() allocating a copy. */
export function dropFront(list: unknown[], count: number): void {
  const kept = list.length - count;
  for (let i = 0; i < kept; i++) list[i] = list[i + count];
  list.length = kept;
}
