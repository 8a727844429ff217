import { faultRecordsOf } from '../../../src/core/faults/fault-record.ts';
import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';
import { upstreamOfLink } from '../../../src/domains/feeds/generation/fault-targets.ts';

/** What the run's faults did between the proxy and its upstreams, for rules that read their timing. */
export interface UpstreamChaos {
  /** Whether a fault acted on `upstream`'s link to the proxy at or before `at`. */
  linkFaulted(upstream: string, at: number): boolean;
  /** Whether the proxy's process was paused or down at some time in [from, to]. */
  proxyHeld(from: number, to: number): boolean;
}

/** Reads the run's fault records: faults aimed at upstream links, and the proxy's pauses and kills. */
export function upstreamChaos(evidence: FeedsEvidence): UpstreamChaos {
  const firstOnLink = new Map<string, number>();
  const held: { from: number; to: number }[] = [];
  for (const record of faultRecordsOf(evidence.extra ?? {})) {
    const upstream = upstreamOfLink(record.client);
    if (upstream !== undefined) {
      firstOnLink.set(upstream, Math.min(firstOnLink.get(upstream) ?? Number.POSITIVE_INFINITY, record.time));
      continue;
    }
    if (record.kind === 'process.pause' || record.kind === 'process.crash_restart') {
      const downMs = Number((record.detail as { downMs?: unknown } | undefined)?.downMs ?? 0);
      held.push({ from: record.time, to: record.time + (Number.isFinite(downMs) ? downMs : 0) });
    }
  }
  return {
    linkFaulted: (upstream, at) => (firstOnLink.get(upstream) ?? Number.POSITIVE_INFINITY) <= at,
    proxyHeld: (from, to) => held.some((h) => h.from <= to && h.to >= from),
  };
}
