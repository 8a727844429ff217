/**
 * What a run lock is keyed on: the target and the sandbox it trades in. A URL is compared after
 * the WHATWG URL parser's own normalization (scheme and host lowercased, a default port dropped)
 * and without a trailing slash, so `WS://Host:9000/` and `ws://host:9000` are one key. Names are
 * not resolved (no DNS): `localhost` and `127.0.0.1` are two keys, and so are two spellings of
 * one module path. Anything that is not a URL is taken as written, trimmed.
 */
export function runLockKey(target: string, sandboxPrefix: string): string {
  return `${normalTarget(target.trim())}\u0000${sandboxPrefix}`;
}

function normalTarget(target: string): string {
  if (!/^wss?:\/\//i.test(target)) return target;
  try {
    return new URL(target).href.replace(/\/+$/, '');
  } catch {
    // Not a URL after all: the text itself still keys the lock consistently.
    return target;
  }
}

/** A run lock key in words, for messages: `target ws://host:9000 (sandbox SANDBOX.)`. */
export function describeRunLockKey(key: string): string {
  const [target, sandboxPrefix] = key.split('\u0000');
  return sandboxPrefix === undefined ? key : `target ${target} (sandbox ${sandboxPrefix})`;
}
