import type { Operation } from '../model/evidence.ts';
import type { ActionLatency } from '../report/campaign-summary.ts';
import { LatencyHistogram } from './latency-histogram.ts';

interface ActionTally {
  count: number;
  ok: number;
  fail: number;
  info: number;
  /** Refusals of requests sent to be refused (ActionBase.expectRefusal). */
  expectedRefusals: number;
  histogram: LatencyHistogram;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Latency and outcomes per action type, from the recorded invoke/complete pairs. Only answered
 * requests (ok or a definite refusal) have a latency; an indeterminate one counts against the
 * success rate. Faults are commands, not requests: they are left out.
 */
export class LatencyTally {
  private readonly byAction = new Map<string, ActionTally>();

  recordOperations(history: readonly Operation[]): void {
    for (const op of history) {
      const kind = (op.action as { kind?: unknown } | undefined)?.kind;
      if (typeof kind !== 'string' || kind === 'fault') continue;
      const tally = this.tallyOf(kind);
      tally.count++;
      const status = op.reply?.status;
      if ((status === 'ok' || status === 'fail') && op.completedAt !== undefined) {
        tally[status]++;
        if (status === 'fail' && (op.action as { expectRefusal?: unknown }).expectRefusal === true)
          tally.expectedRefusals++;
        tally.histogram.record(op.completedAt - op.invokedAt);
      } else tally.info++;
    }
  }

  merge(other: LatencyTally): void {
    for (const [action, theirs] of other.byAction) {
      const mine = this.tallyOf(action);
      mine.count += theirs.count;
      mine.ok += theirs.ok;
      mine.fail += theirs.fail;
      mine.info += theirs.info;
      mine.expectedRefusals += theirs.expectedRefusals;
      mine.histogram.merge(theirs.histogram);
    }
  }

  toSummary(): ActionLatency[] {
    return [...this.byAction.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, t]) => ({
        action,
        count: t.count,
        ok: t.ok,
        fail: t.fail,
        info: t.info,
        successRate: t.count === 0 ? 1 : round4((t.ok + t.fail) / t.count),
        p50: t.histogram.percentile(50),
        p90: t.histogram.percentile(90),
        p99: t.histogram.percentile(99),
        max: t.histogram.max,
        histogram: t.histogram.toPairs(),
        ...(t.expectedRefusals > 0 ? { expectedRefusals: t.expectedRefusals } : {}),
      }));
  }

  /** A tally rebuilt from a summary's figures (to merge shards). */
  static fromSummary(list: readonly ActionLatency[]): LatencyTally {
    const tally = new LatencyTally();
    for (const l of list)
      tally.byAction.set(l.action, {
        count: l.count,
        ok: l.ok,
        fail: l.fail,
        info: l.info,
        expectedRefusals: l.expectedRefusals ?? 0,
        histogram: LatencyHistogram.fromPairs(l.histogram, l.max),
      });
    return tally;
  }

  private tallyOf(action: string): ActionTally {
    let tally = this.byAction.get(action);
    if (!tally) {
      tally = { count: 0, ok: 0, fail: 0, info: 0, expectedRefusals: 0, histogram: new LatencyHistogram() };
      this.byAction.set(action, tally);
    }
    return tally;
  }
}

/** Two summaries' latency as one, bucket by bucket. */
export function mergeLatency(a: readonly ActionLatency[], b: readonly ActionLatency[]): ActionLatency[] {
  const tally = LatencyTally.fromSummary(a);
  tally.merge(LatencyTally.fromSummary(b));
  return tally.toSummary();
}
