import type { SelectionStrategy } from '../../domains/feeds/protocol/feeds-config.ts';
import type { Ineligibility, RoutingDecision } from '../../domains/feeds/protocol/routing-decision.ts';

/** One upstream as the selector sees it, in priority order. */
export interface Candidate {
  name: string;
  /** Why it cannot take the call, or undefined when it can. */
  ineligible?: Ineligibility;
  /** Mean latency (ms) of its recent successful calls of this method; undefined: never measured. */
  meanLatencyMs?: number;
}

export interface Selection {
  decision: RoutingDecision;
  /** The round-robin cursor after this choice. */
  cursor: number;
}

export interface SelectionRequest {
  at: number;
  purpose: RoutingDecision['purpose'];
  method: string;
  strategy: SelectionStrategy;
  candidates: readonly Candidate[];
  /** Round-robin position: the index to start looking from. */
  cursor: number;
  attempt: number;
  /** Planted bug: take the first eligible upstream whatever the strategy. */
  ignoreStrategy?: boolean;
}

/**
 * Picks an upstream by the strategy, among the eligible ones:
 * - priority: the first eligible in priority order (u0 before u1 ...);
 * - round-robin: the first eligible at or after the cursor, wrapping; the cursor moves past it;
 * - fastest: the lowest mean latency, an unmeasured upstream counting as 0 (so each gets tried),
 *   ties to the earlier in priority order.
 * The decision records the candidates, so an invariant can recompute the answer.
 */
export function selectUpstream(request: SelectionRequest): Selection {
  const eligible = request.candidates.filter((c) => c.ineligible === undefined);
  const excluded = request.candidates
    .filter((c) => c.ineligible !== undefined)
    .map((c) => ({ upstream: c.name, why: c.ineligible as Ineligibility }));
  const decision: RoutingDecision = {
    at: request.at,
    purpose: request.purpose,
    method: request.method,
    strategy: request.strategy,
    eligible: eligible.map((c) => c.name),
    excluded,
    attempt: request.attempt,
  };
  let cursor = request.cursor;
  let chosen: Candidate | undefined;
  if (request.strategy === 'priority') {
    chosen = eligible[0];
  } else if (request.strategy === 'round-robin') {
    decision.cursor = cursor;
    const n = request.candidates.length;
    for (let k = 0; k < n && chosen === undefined; k++) {
      const candidate = request.candidates[(cursor + k) % n];
      if (candidate.ineligible === undefined) chosen = candidate;
    }
  } else {
    const means: Record<string, number> = {};
    for (const c of eligible) if (c.meanLatencyMs !== undefined) means[c.name] = c.meanLatencyMs;
    decision.meanLatencyMs = means;
    for (const c of eligible) {
      if (chosen === undefined || (c.meanLatencyMs ?? 0) < (chosen.meanLatencyMs ?? 0)) chosen = c;
    }
  }
  if (request.ignoreStrategy) chosen = eligible[0];
  if (request.strategy === 'round-robin' && chosen !== undefined)
    cursor = (request.candidates.indexOf(chosen) + 1) % request.candidates.length;
  if (chosen !== undefined) decision.chosen = chosen.name;
  return { decision, cursor };
}
