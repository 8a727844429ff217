/** One place where two plain-data values differ: its path (`order.status`, `accounts[1].cash`). */
export interface ValueDifference {
  path: string;
  /** Absent (undefined) when that side has nothing at the path. */
  left: unknown;
  right: unknown;
}

/**
 * Where two plain-data values (JSON-like) differ, depth first in key order, at most `limit`
 * places: enough to tell a person *what* differs without printing two whole objects.
 */
export function valueDifferences(left: unknown, right: unknown, limit = 3): ValueDifference[] {
  const found: ValueDifference[] = [];
  walk(left, right, '', found, limit);
  return found;
}

/** A path and its value as one short phrase: `order.status "filled"`, `qty (absent)`. */
export function describeDifferenceSide(path: string, value: unknown): string {
  const shown = value === undefined ? '(absent)' : (JSON.stringify(value) ?? String(value));
  return path === '' ? shown : `${path} ${shown}`;
}

function walk(a: unknown, b: unknown, path: string, found: ValueDifference[], limit: number): void {
  if (found.length >= limit || Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, found, limit);
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(a[key], b[key], path === '' ? key : `${path}.${key}`, found, limit);
    return;
  }
  found.push({ path, left: a, right: b });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
