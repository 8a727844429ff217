import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSlos, sloViolations } from '../../../src/core/latency/evaluate-slos.ts';
import { LatencyHistogram, latencyBucket } from '../../../src/core/latency/latency-histogram.ts';
import { LatencyTally, mergeLatency } from '../../../src/core/latency/latency-tally.ts';
import type { Operation } from '../../../src/core/model/evidence.ts';

/** Nearest-rank percentile over the exact samples. */
const exact = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
};

const op = (
  kind: string,
  invokedAt: number,
  outcome: 'ok' | 'fail' | 'info' | 'pending',
  latency = 0,
): Operation => ({
  step: 0,
  client: 'maker',
  action: { kind },
  invokedAt,
  ...(outcome === 'pending' ? {} : { completedAt: invokedAt + latency }),
  ...(outcome === 'ok'
    ? { reply: { status: 'ok', result: {} } }
    : outcome === 'fail'
      ? { reply: { status: 'fail', code: 'qty_zero', message: 'zero' } }
      : outcome === 'info'
        ? { reply: { status: 'info', reason: 'timeout' } }
        : {}),
});

describe('latency histogram', () => {
  it('rounds to two significant digits, tenths below 10 ms', () => {
    expect([0.27, 7.44, 12.6, 347, 1234, -5, 0].map(latencyBucket)).toEqual([0.3, 7.4, 13, 350, 1200, 0, 0]);
  });

  it('reads percentiles within 5% of the exact nearest rank, and keeps the exact max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.05, max: 50_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(50, 90, 99),
        (samples, p) => {
          const h = new LatencyHistogram();
          for (const s of samples) h.record(s);
          const truth = exact(samples, p);
          const read = h.percentile(p) as number;
          expect(Math.abs(read - truth)).toBeLessThanOrEqual(Math.max(0.05, truth * 0.05) + 1e-9);
          expect(h.max).toBe(Math.max(...samples));
          expect(h.count).toBe(samples.length);
        },
      ),
    );
  });

  it('merging two histograms equals the histogram of all the samples', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000)), fc.array(fc.nat(5000)), (a, b) => {
        const ha = new LatencyHistogram();
        const hb = new LatencyHistogram();
        const all = new LatencyHistogram();
        for (const s of a) {
          ha.record(s);
          all.record(s);
        }
        for (const s of b) {
          hb.record(s);
          all.record(s);
        }
        ha.merge(hb);
        expect(ha.toPairs()).toEqual(all.toPairs());
        expect(LatencyHistogram.fromPairs(all.toPairs()).percentile(90)).toBe(all.percentile(90));
      }),
    );
  });

  it('has no percentile without samples', () => {
    expect(new LatencyHistogram().percentile(50)).toBeNull();
    expect(new LatencyHistogram().max).toBeNull();
  });
});

describe('latency tally', () => {
  it('counts ok, refusals and indeterminate requests per action; only answered ones have a latency; faults are left out', () => {
    const tally = new LatencyTally();
    tally.recordOperations([
      op('place', 0, 'ok', 4),
      op('place', 10, 'fail', 2),
      op('place', 20, 'info'),
      op('place', 30, 'pending'),
      { ...op('place', 40, 'ok', 1), completedAt: undefined },
      op('cancel', 0, 'ok', 1),
      op('fault', 0, 'ok', 0),
    ]);
    const [cancel, place] = tally.toSummary();
    expect(place).toMatchObject({
      action: 'place',
      count: 5,
      ok: 1,
      fail: 1,
      info: 3,
      successRate: 0.4,
      p50: 2,
      p99: 4,
      max: 4,
    });
    expect(cancel).toMatchObject({ action: 'cancel', count: 1, successRate: 1, p50: 1 });
    expect(tally.toSummary().map((l) => l.action)).not.toContain('fault');
  });

  it('merges summaries as if one tally had seen both', () => {
    const a = new LatencyTally();
    const b = new LatencyTally();
    const both = new LatencyTally();
    const opsA = [op('place', 0, 'ok', 3), op('replace', 0, 'fail', 8)];
    const opsB = [op('place', 0, 'ok', 40), op('place', 0, 'info')];
    a.recordOperations(opsA);
    b.recordOperations(opsB);
    both.recordOperations([...opsA, ...opsB]);
    expect(mergeLatency(a.toSummary(), b.toSummary())).toEqual(both.toSummary());
  });
});

describe('SLOs', () => {
  const tally = new LatencyTally();
  tally.recordOperations(
    Array.from({ length: 100 }, (_, i) => op('place', i, i < 95 ? 'ok' : 'info', i < 95 ? i : 0)),
  );
  const latency = tally.toSummary();

  it('passes, breaches on a slow percentile or a low success rate, and names the numbers', () => {
    const [fast, slow, reliable, flaky] = evaluateSlos(
      [
        { action: 'place', percentile: 50, maxMs: 60 },
        { action: 'place', percentile: 99, maxMs: 50 },
        { action: 'place', minSuccessRate: 0.9 },
        { action: 'place', minSuccessRate: 0.99 },
      ],
      latency,
      'ws',
    );
    expect([fast?.breached, slow?.breached, reliable?.breached, flaky?.breached]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    const messages = sloViolations(
      [slow, flaky].filter((r) => r !== undefined),
      latency,
    );
    expect(messages.map((v) => v.invariant)).toEqual(['slo.place.p99', 'slo.place.success-rate']);
    expect(messages[0]?.message).toBe('p99 of place is 94 ms over 100 requests, above the SLO of 50 ms');
    expect(messages[1]?.message).toContain('95.00% of place requests were answered');
  });

  it('skips an SLO with too few samples, leaves out other transports', () => {
    const results = evaluateSlos(
      [
        { action: 'cancel', percentile: 99, maxMs: 1 },
        { action: 'place', percentile: 99, maxMs: 1, minSamples: 1000 },
        { action: 'place', percentile: 99, maxMs: 1, transports: ['ws'] },
      ],
      latency,
      'inproc',
    );
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.skipped && !r.breached)).toBe(true);
  });

  it('judges the success rate when nothing was answered, instead of skipping the SLO', () => {
    const silent = new LatencyTally();
    silent.recordOperations(Array.from({ length: 30 }, (_, i) => op('cancel', i, 'info')));
    const [both, latencyOnly] = evaluateSlos(
      [
        { action: 'cancel', percentile: 99, maxMs: 100, minSuccessRate: 0.9 },
        { action: 'cancel', percentile: 99, maxMs: 100 },
      ],
      silent.toSummary(),
      'ws',
    );
    expect(both).toMatchObject({ breached: true, observedSuccessRate: 0, observedMs: null });
    expect(both?.skipped).toBeUndefined();
    expect(latencyOnly).toMatchObject({ breached: false, skipped: true });
    expect(sloViolations([both!]).map((v) => v.message)).toEqual([
      '0.00% of cancel requests were answered, below the SLO of 90.00%',
    ]);
  });
});
