/** Exponential backoff: attempt k waits between half and all of min(maxMs, baseMs·2^(k-1)). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 20, maxMs: 1_000 };

/**
 * "Equal jitter": half the step is fixed, half random. The fixed half keeps successive waits
 * growing (a client never hammers a venue that is down); the random half spreads clients apart.
 * `random` is seeded by the caller, so a run with backoff replays exactly.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(step / 2 + random() * (step / 2));
}
