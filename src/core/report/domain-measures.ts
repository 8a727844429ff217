import { LatencyHistogram } from '../latency/latency-histogram.ts';
import type { HistogramPairs } from './campaign-summary.ts';

/**
 * What a domain measured, in one run or over a campaign, as named series that merge: sample
 * histograms (ms: latency per upstream, failover time), maxima (the longest gap) and counts.
 * Plain JSON, so it crosses worker threads and shard summaries as it is. The domain pack fills
 * it from each run's evidence (`DomainPack.report.measure`) and turns the merged whole into
 * report sections (`DomainPack.report.sections`).
 */
export interface DomainMeasures {
  histograms?: Record<string, { pairs: HistogramPairs; max: number | null }>;
  maxima?: Record<string, number>;
  counts?: Record<string, number>;
}

/**
 * A table the domain adds to the summary, the printed summary, the HTML report and the JUnit
 * properties: a title, column headings and rows of cells (null prints as `-`).
 */
export interface DomainSection {
  /** Stable, for the HTML anchor and the JUnit property names: `upstream-latency`. */
  id: string;
  title: string;
  /** One line under the title: what the figures are and on which clock. */
  note?: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** One thing the system did, for a lane of a failure's timeline (`upstream:u1`: killed). */
export interface DomainTimelineNote {
  /** The lane: a client's name, or one of the domain's own (an upstream's link). */
  lane: string;
  /** On the run's clock, as the history's times. */
  time: number;
  text: string;
  detail?: string;
}

/** Builds one run's measures. */
export class DomainMeasuresBuilder {
  private readonly histograms = new Map<string, LatencyHistogram>();
  private readonly maxima = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  /** One sample (ms, or any non-negative figure) of a series. */
  sample(series: string, value: number): this {
    let histogram = this.histograms.get(series);
    if (histogram === undefined) {
      histogram = new LatencyHistogram();
      this.histograms.set(series, histogram);
    }
    histogram.record(value);
    return this;
  }

  /** Keeps the largest value seen for a series. */
  max(series: string, value: number): this {
    if (!Number.isFinite(value)) return this;
    const seen = this.maxima.get(series);
    if (seen === undefined || value > seen) this.maxima.set(series, value);
    return this;
  }

  count(series: string, n = 1): this {
    this.counts.set(series, (this.counts.get(series) ?? 0) + n);
    return this;
  }

  toMeasures(): DomainMeasures {
    const out: DomainMeasures = {};
    if (this.histograms.size > 0)
      out.histograms = Object.fromEntries(
        [...this.histograms]
          .sort(([a], [b]) => compare(a, b))
          .map(([k, h]) => [k, { pairs: h.toPairs(), max: h.max }]),
      );
    if (this.maxima.size > 0)
      out.maxima = Object.fromEntries([...this.maxima].sort(([a], [b]) => compare(a, b)));
    if (this.counts.size > 0)
      out.counts = Object.fromEntries([...this.counts].sort(([a], [b]) => compare(a, b)));
    return out;
  }
}

/** Two measures as one: histograms add bucket by bucket, maxima keep the larger, counts add. Pure. */
export function mergeDomainMeasures(a: DomainMeasures, b: DomainMeasures): DomainMeasures {
  const histograms = new Map<string, LatencyHistogram>();
  for (const side of [a, b])
    for (const [series, h] of Object.entries(side.histograms ?? {})) {
      const mine = histograms.get(series) ?? new LatencyHistogram();
      mine.merge(LatencyHistogram.fromPairs(h.pairs, h.max));
      histograms.set(series, mine);
    }
  const maxima = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const side of [a, b]) {
    for (const [series, v] of Object.entries(side.maxima ?? {}))
      maxima.set(series, Math.max(v, maxima.get(series) ?? Number.NEGATIVE_INFINITY));
    for (const [series, n] of Object.entries(side.counts ?? {}))
      counts.set(series, (counts.get(series) ?? 0) + n);
  }
  const out: DomainMeasures = {};
  if (histograms.size > 0)
    out.histograms = Object.fromEntries(
      [...histograms]
        .sort(([x], [y]) => compare(x, y))
        .map(([k, h]) => [k, { pairs: h.toPairs(), max: h.max }]),
    );
  if (maxima.size > 0) out.maxima = Object.fromEntries([...maxima].sort(([x], [y]) => compare(x, y)));
  if (counts.size > 0) out.counts = Object.fromEntries([...counts].sort(([x], [y]) => compare(x, y)));
  return out;
}

/** A series' figures, read off merged measures: sample count, percentiles (nearest rank on the buckets), max. */
export function seriesStats(
  measures: DomainMeasures,
  series: string,
): { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null } {
  const h = measures.histograms?.[series];
  if (h === undefined) return { count: 0, p50: null, p90: null, p99: null, max: null };
  const histogram = LatencyHistogram.fromPairs(h.pairs, h.max);
  return {
    count: histogram.count,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p99: histogram.percentile(99),
    max: histogram.max,
  };
}

/** The series of one kind (`upstream:`), by name after the prefix, in order. */
export function seriesNames(measures: DomainMeasures, prefix: string): string[] {
  const names = new Set<string>();
  for (const group of [measures.histograms, measures.maxima, measures.counts])
    for (const key of Object.keys(group ?? {})) if (key.startsWith(prefix)) names.add(key);
  return [...names].sort(compare);
}

/** A section as plain text lines: the title, its note, then an aligned table. */
export function formatDomainSection(section: DomainSection): string[] {
  const cell = (v: string | number | null): string => (v === null ? '-' : String(v));
  const table = [section.columns, ...section.rows.map((row) => row.map(cell))];
  const widths = section.columns.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const lines = [`${section.title}${section.note ? ` (${section.note})` : ''}:`];
  for (const row of table)
    lines.push(
      `  ${row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd()}`,
    );
  return lines;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
