import type { Violation } from '../model/invariant.ts';
import type { ActionLatency } from '../report/campaign-summary.ts';
import type { Slo, SloResult } from './slo.ts';

export const DEFAULT_MIN_SAMPLES = 20;

/**
 * Judges each SLO that applies to this transport against the measured latency. An SLO with too
 * few requests to go on is skipped, not passed: there was nothing to judge.
 */
export function evaluateSlos(
  slos: readonly Slo[],
  latency: readonly ActionLatency[],
  transport: string,
): SloResult[] {
  const results: SloResult[] = [];
  for (const slo of slos) {
    if (slo.transports && !slo.transports.includes(transport)) continue;
    const measured = latency.find((l) => l.action === slo.action);
    if (!measured || measured.count === 0 || measured.count < (slo.minSamples ?? DEFAULT_MIN_SAMPLES)) {
      results.push({ slo, observedMs: null, observedSuccessRate: null, breached: false, skipped: true });
      continue;
    }
    const percentile = slo.percentile ?? 99;
    const observedMs = percentile === 50 ? measured.p50 : percentile === 90 ? measured.p90 : measured.p99;
    const slow = slo.maxMs !== undefined && observedMs !== null && observedMs > slo.maxMs;
    const unreliable = slo.minSuccessRate !== undefined && measured.successRate < slo.minSuccessRate;
    results.push({
      slo,
      observedMs: slo.maxMs === undefined ? null : observedMs,
      observedSuccessRate: measured.successRate,
      breached: slow || unreliable,
      // Nothing answered: no latency to judge. A success-rate breach still stands, not skipped.
      ...(slo.maxMs !== undefined && observedMs === null && !unreliable ? { skipped: true } : {}),
    });
  }
  return results;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Each breach as a violation, named `slo.<action>.p99` or `slo.<action>.success-rate`. */
export function sloViolations(
  results: readonly SloResult[],
  latency: readonly ActionLatency[] = [],
): Violation[] {
  const out: Violation[] = [];
  for (const r of results) {
    if (!r.breached) continue;
    const { slo } = r;
    const n = latency.find((l) => l.action === slo.action)?.count;
    const over = n === undefined ? '' : ` over ${count(n)} requests`;
    const p = slo.percentile ?? 99;
    if (slo.maxMs !== undefined && r.observedMs !== null && r.observedMs > slo.maxMs)
      out.push({
        invariant: `slo.${slo.action}.p${p}`,
        message: `p${p} of ${slo.action} is ${r.observedMs} ms${over}, above the SLO of ${slo.maxMs} ms`,
        steps: [],
        events: [],
      });
    if (
      slo.minSuccessRate !== undefined &&
      r.observedSuccessRate !== null &&
      r.observedSuccessRate < slo.minSuccessRate
    )
      out.push({
        invariant: `slo.${slo.action}.success-rate`,
        message: `${(r.observedSuccessRate * 100).toFixed(2)}% of ${slo.action} requests were answered${over}, below the SLO of ${(slo.minSuccessRate * 100).toFixed(2)}%`,
        steps: [],
        events: [],
      });
  }
  return out;
}
