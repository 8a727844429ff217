const MB = 1024 * 1024;

/** The RSS of a soak after its warm-up, in MB: what `--json` and the last line report. */
export interface RssSummary {
  warmupMs: number;
  /** A fitted rise beyond this many MB is judged 'growing'. */
  limitMB: number;
  /** From the first sample after the warm-up to the last: the time the judgement covers. */
  spanMs: number;
  /** Samples taken after the warm-up. */
  samples: number;
  /** The first sample after the warm-up: the baseline growth is measured from. */
  startMB: number;
  peakMB: number;
  endMB: number;
  /** End minus start. */
  growthMB: number;
  /** Least-squares slope over the samples after the warm-up, MB per minute. */
  slopeMBPerMin: number;
  /** The fitted line's rise from the first sample after the warm-up to the last. */
  fittedGrowthMB: number;
  /**
   * 'growing' when the fitted rise exceeds the limit, else 'flat'; 'too-short' when nothing
   * followed the warm-up. The fit, not end minus start: GC makes RSS a sawtooth tens of MB
   * high, and two single samples can land on a trough and a crest.
   */
  judgement: 'flat' | 'growing' | 'too-short';
}

/**
 * RSS samples of a long run, judged after a warm-up (JIT, heap sizing and caches settle in
 * the first seconds: that growth is not a leak). O(1) memory whatever the duration: a start,
 * a peak, the last sample and the running sums of a linear fit, never the samples themselves.
 */
export class RssTrend {
  private count = 0;
  private start = 0;
  private peak = 0;
  private end = 0;
  /** Minutes from the first sample after the warm-up to the last. */
  private span = 0;
  private sumT = 0;
  private sumR = 0;
  private sumTT = 0;
  private sumTR = 0;
  /** Time of the first sample after the warm-up: the fit is over t - origin, kept small. */
  private origin = 0;

  constructor(
    readonly warmupMs: number,
    /** Growth beyond this many MB is judged 'growing'. */
    readonly limitMB: number,
  ) {}

  /** One sample: `elapsedMs` since the soak started, `rssBytes` as the process reports it. */
  add(elapsedMs: number, rssBytes: number): void {
    if (elapsedMs < this.warmupMs) return;
    const mb = rssBytes / MB;
    if (this.count === 0) {
      this.start = mb;
      this.peak = mb;
      this.origin = elapsedMs;
    }
    this.count++;
    this.peak = Math.max(this.peak, mb);
    this.end = mb;
    const t = (elapsedMs - this.origin) / 60_000;
    this.span = t;
    this.sumT += t;
    this.sumR += mb;
    this.sumTT += t * t;
    this.sumTR += t * mb;
  }

  summary(): RssSummary {
    const n = this.count;
    const denominator = n * this.sumTT - this.sumT * this.sumT;
    const slope = n < 2 || denominator === 0 ? 0 : (n * this.sumTR - this.sumT * this.sumR) / denominator;
    const growth = this.end - this.start;
    const fitted = slope * this.span;
    return {
      warmupMs: this.warmupMs,
      limitMB: this.limitMB,
      spanMs: Math.round(this.span * 60_000),
      samples: n,
      startMB: round1(this.start),
      peakMB: round1(this.peak),
      endMB: round1(this.end),
      growthMB: round1(growth),
      slopeMBPerMin: round1(slope),
      fittedGrowthMB: round1(fitted),
      judgement: n === 0 ? 'too-short' : fitted > this.limitMB ? 'growing' : 'flat',
    };
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Under this, RSS after the warm-up says little: the heap may still be sizing itself. */
export const SHORT_SPAN_MS = 10 * 60_000;

/**
 * The closing lines on RSS, stating the rule: what was judged, against which limit, and that a
 * growing RSS is reported, never a failure (a soak fails on its properties, SLOs and faults).
 */
export function describeRss(r: RssSummary): string[] {
  if (r.judgement === 'too-short')
    return [
      `RSS not judged: the soak ended within its ${clock(r.warmupMs)} warm-up (RSS is judged after it, and never fails a soak)`,
    ];
  const sign = (x: number): string => `${x >= 0 ? '+' : ''}${x}`;
  const figures = `RSS after warm-up ${r.startMB} MB, peak ${r.peakMB} MB, end ${r.endMB} MB, growth ${sign(r.growthMB)} MB (fitted ${sign(r.fittedGrowthMB)} MB over ${clock(r.spanMs)}: ${r.judgement}`;
  if (r.judgement === 'flat') return [`${figures}, within the ${r.limitMB} MB limit)`];
  const short =
    r.spanMs < SHORT_SPAN_MS
      ? `; ${clock(r.spanMs)} after the warm-up is also too short to tell a leak from a heap still sizing itself (soak ${clock(r.warmupMs + SHORT_SPAN_MS)} or longer to judge)`
      : '';
  return [
    `${figures}, beyond the ${r.limitMB} MB limit)`,
    `  growing is reported, not a failure: a soak fails only on a property failure, an SLO breach, a run that proved nothing or a fault kind that never fired${short}`,
  ];
}

/** m:ss, or h:mm:ss from an hour. */
function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
