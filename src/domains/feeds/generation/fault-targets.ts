/**
 * Where a feeds fault is aimed, by the name its fault action carries in `client`: a
 * subscriber's link to the proxy (`alice`), or one upstream's link to the proxy
 * (`upstream:u1`). Process faults name the subscriber that noticed them and act on the proxy.
 */
export const UPSTREAM_LINK_PREFIX = 'upstream:';

/** The fault target naming the proxy ↔ `upstream` link. */
export function upstreamLink(upstream: string): string {
  return `${UPSTREAM_LINK_PREFIX}${upstream}`;
}

/** The upstream a fault target names, or undefined when it names a client. */
export function upstreamOfLink(target: string): string | undefined {
  return target.startsWith(UPSTREAM_LINK_PREFIX) && target.length > UPSTREAM_LINK_PREFIX.length
    ? target.slice(UPSTREAM_LINK_PREFIX.length)
    : undefined;
}
