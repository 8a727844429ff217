/**
 * `read` remembered per key, for pure functions of a value that a campaign asks about again and
 * again (a run spells the same few prices and sizes): the memo changes no answer. It is emptied
 * when it holds `limit` keys, so a long campaign does not keep every value it ever saw; a few
 * thousand cover a campaign's values, and more would only grow the heap. What it hands out is
 * shared by every caller: never change it.
 */
export function boundedMemo<K, V>(read: (key: K) => V, limit = 4096): (key: K) => V {
  const memo = new Map<K, V>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as V;
    const value = read(key);
    if (memo.size >= limit) memo.clear();
    memo.set(key, value);
    return value;
  };
}
