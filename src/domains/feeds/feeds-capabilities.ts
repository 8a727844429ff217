import type { Capability } from '../../core/model/capabilities.ts';

/**
 * What a feeds target can provide, by name. `truth`: the system's own record (chains, breakers,
 * routing, metrics: the reference proxy's `shakedown_snapshot`), which most feeds invariants
 * compare the clients with. `upstream-control`: the operator can act on the upstreams.
 * `proxy-config`: a proxy built per run from the run's configure action. `upstream-links`: link
 * faults can be aimed at one upstream's link to the proxy (`upstream:u1`), not only at a
 * subscriber's.
 */
export const FEEDS_CAPABILITIES = {
  truth: 'truth',
  upstreamControl: 'upstream-control',
  proxyConfig: 'proxy-config',
  upstreamLinks: 'upstream-links',
} as const satisfies Record<string, Capability>;

export const ALL_FEEDS_CAPABILITIES: readonly Capability[] = Object.values(FEEDS_CAPABILITIES);
