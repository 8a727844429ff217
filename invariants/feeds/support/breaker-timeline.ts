import type { BreakerState, BreakerTransition } from '../../../src/domains/feeds/protocol/breaker-state.ts';
import type { FeedsSnapshot } from '../../../src/domains/feeds/protocol/feeds-snapshot.ts';

/**
 * Each upstream's breaker transitions, oldest first. A proxy crash takes every breaker with it
 * (the restarted proxy starts them closed): each crash stands in the list as a move to closed,
 * reason `proxy_restart`, from whatever state the breaker was in.
 */
export function transitionsByUpstream(snapshot: FeedsSnapshot): Map<string, BreakerTransition[]> {
  const out = new Map<string, BreakerTransition[]>();
  for (const upstream of snapshot.upstreams) out.set(upstream.status.name, []);
  for (const t of snapshot.proxy.breakerTransitions) {
    const list = out.get(t.upstream) ?? [];
    list.push(t);
    out.set(t.upstream, list);
  }
  for (const [upstream, list] of out) {
    for (const crash of snapshot.proxy.crashes) {
      const before = list.filter((t) => t.at <= crash.at);
      const from = before[before.length - 1]?.to ?? 'closed';
      list.push({ upstream, from, to: 'closed', at: crash.at, reason: 'proxy_restart', failures: 0 });
    }
    list.sort((a, b) => a.at - b.at);
  }
  return out;
}

/** The breaker's state once every transition strictly before `at` (or at `at`, when `inclusive`) happened. */
export function stateAt(
  transitions: readonly BreakerTransition[],
  at: number,
  inclusive = false,
): BreakerState {
  let state: BreakerState = 'closed';
  for (const t of transitions) {
    if (t.at < at || (inclusive && t.at === at)) state = t.to;
    else break;
  }
  return state;
}
