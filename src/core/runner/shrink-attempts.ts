/**
 * Shrink candidates run per failure unless told otherwise, in-process: every planted bug
 * shrinks all the way within it (they need 33 to 8,012, docs/ci.md "The time budget and
 * shrinking"), and a failure that would shrink on for longer stops after about 10,000 runs
 * (seconds to half a minute in-process, by the property's cost, not the machine's load).
 */
export const DEFAULT_SHRINK_ATTEMPTS = 10_000;
/**
 * The same over a real-time transport (WebSocket, an adapter), where every candidate is a real
 * run of a second or more: shrinking is bounded by about that many runs.
 */
export const DEFAULT_SHRINK_ATTEMPTS_REAL_TIME = 200;

/** The default count for a campaign on `transport` ('inproc', virtual time, unless told otherwise). */
export function defaultShrinkAttempts(transport: string | undefined): number {
  return transport === undefined || transport === 'inproc'
    ? DEFAULT_SHRINK_ATTEMPTS
    : DEFAULT_SHRINK_ATTEMPTS_REAL_TIME;
}
