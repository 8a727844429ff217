import type { HistogramPairs } from '../report/campaign-summary.ts';

/**
 * A sample rounded to two significant digits (tenths of a millisecond below 10 ms): at most
 * 5% off, and the buckets of two histograms line up, so shards' histograms add.
 */
export function latencyBucket(ms: number): number {
  const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (v < 10) return Math.round(v * 10) / 10;
  const magnitude = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Math.round(v / magnitude) * magnitude;
}

/** Latency samples as counts per bucket: small whatever the run count, and mergeable. */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private largest: number | null = null;

  record(ms: number): void {
    const bucket = latencyBucket(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    if (this.largest === null || value > this.largest) this.largest = value;
  }

  merge(other: LatencyHistogram): void {
    for (const [bucket, n] of other.counts) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.total += other.total;
    if (other.largest !== null && (this.largest === null || other.largest > this.largest))
      this.largest = other.largest;
  }

  get count(): number {
    return this.total;
  }

  get max(): number | null {
    return this.largest;
  }

  /** Nearest rank: the smallest bucket with at least p% of the samples at or below it. */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const [bucket, n] of this.sorted()) {
      seen += n;
      if (seen >= rank) return bucket;
    }
    return this.largest;
  }

  toPairs(): HistogramPairs {
    return this.sorted().map(([bucket, n]) => [bucket, n]);
  }

  /** From the pairs of a summary; the exact max is lost, the largest bucket stands for it. */
  static fromPairs(pairs: HistogramPairs, max?: number | null): LatencyHistogram {
    const histogram = new LatencyHistogram();
    for (const [bucket, n] of pairs) {
      if (!(n > 0)) continue;
      histogram.counts.set(bucket, (histogram.counts.get(bucket) ?? 0) + n);
      histogram.total += n;
      if (histogram.largest === null || bucket > histogram.largest) histogram.largest = bucket;
    }
    if (max !== undefined && max !== null && histogram.total > 0) histogram.largest = max;
    return histogram;
  }

  private sorted(): [number, number][] {
    return [...this.counts.entries()].sort(([a], [b]) => a - b);
  }
}
