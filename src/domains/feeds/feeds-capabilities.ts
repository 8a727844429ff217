import type { Capability } from '../../core/model/capabilities.ts';

/**
 * What a feeds target can provide, by name. `truth`: the system's own record (chains, breakers,
 * routing, metrics: the reference proxy's `shakedown_snapshot`), which most feeds invariants
 * compare the clients with. `upstream-control`: the operator can act on the upstreams.
 * `proxy-config`: a proxy built per run from the run's configure action.
 */
export const FEEDS_CAPABILITIES = {
  truth: 'truth',
  upstreamControl: 'upstream-control',
  proxyConfig: 'proxy-config',
} as const satisfies Record<string, Capability>;

export const ALL_FEEDS_CAPABILITIES: readonly Capability[] = Object.values(FEEDS_CAPABILITIES);
