import { sameNumber, show } from './numbers.ts';

/** Where two plain-data values first differ: a path and the two values there. */
export interface Difference {
  path: string;
  left: unknown;
  right: unknown;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A path as a chain from its last key back to the start, written out only for a difference. */
interface PathLink {
  readonly parent: PathLink | string;
  readonly key: string | number;
}

function written(path: PathLink | string): string {
  return typeof path === 'string' ? path : join(written(path.parent), path.key);
}

/**
 * Depth-first comparison of JSON-like data; numbers are equal within EPSILON. Keys listed in
 * `first` are compared before the others, so the most telling difference is the one reported.
 */
export function firstDifference(
  left: unknown,
  right: unknown,
  options: { ignore?: readonly string[]; first?: readonly string[] } = {},
  path = '',
): Difference | undefined {
  return differenceAt(left, right, options, path);
}

function differenceAt(
  left: unknown,
  right: unknown,
  options: { ignore?: readonly string[]; first?: readonly string[] } | undefined,
  path: PathLink | string,
): Difference | undefined {
  if (typeof left === 'number' && typeof right === 'number') {
    return sameNumber(left, right) ? undefined : { path: written(path), left, right };
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    const n = Math.min(left.length, right.length);
    for (let i = 0; i < n; i++) {
      const d = differenceAt(left[i], right[i], undefined, { parent: path, key: i });
      if (d !== undefined) return d;
    }
    if (left.length !== right.length) {
      return { path: join(written(path), 'length'), left: left.length, right: right.length };
    }
    return undefined;
  }
  if (isRecord(left) && isRecord(right)) {
    if (options === undefined) return recordDifference(left, right, path);
    const ignore = options?.ignore === undefined ? undefined : new Set(options.ignore);
    const keys = new Set<string>(options?.first);
    for (const key of Object.keys(left)) keys.add(key);
    for (const key of Object.keys(right)) keys.add(key);
    for (const key of keys) {
      if (ignore?.has(key)) continue;
      if (!(key in left) || !(key in right)) {
        if (left[key] === undefined && right[key] === undefined) continue;
        return { path: join(written(path), key), left: left[key], right: right[key] };
      }
      const d = differenceAt(left[key], right[key], undefined, { parent: path, key });
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(left, right) ? undefined : { path: written(path), left, right };
}

const enumerableOwn = Object.prototype.propertyIsEnumerable;

/**
 * Two records compared key by key, with no keys put first or left out (every level below the
 * top): the left's keys, then the right's that the left lacks, as the ordered key set of
 * differenceAt would list them, without building that set.
 */
function recordDifference(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  path: PathLink | string,
): Difference | undefined {
  for (const key of Object.keys(left)) {
    const d = keyDifference(left, right, key, path);
    if (d !== undefined) return d;
  }
  for (const key of Object.keys(right)) {
    // Already compared: one of the left's own enumerable keys (what Object.keys lists).
    if (enumerableOwn.call(left, key)) continue;
    const d = keyDifference(left, right, key, path);
    if (d !== undefined) return d;
  }
  return undefined;
}

function keyDifference(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  key: string,
  path: PathLink | string,
): Difference | undefined {
  if (!(key in left) || !(key in right)) {
    if (left[key] === undefined && right[key] === undefined) return undefined;
    return { path: join(written(path), key), left: left[key], right: right[key] };
  }
  return differenceAt(left[key], right[key], undefined, { parent: path, key });
}

/** A short, one-line rendering of a value for a message. */
export function brief(x: unknown): string {
  if (x === undefined) return 'absent';
  if (typeof x === 'number' || typeof x === 'string') return show(x);
  const text = JSON.stringify(x);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
