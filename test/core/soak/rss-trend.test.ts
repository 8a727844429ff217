import { describe, expect, it } from 'vitest';
import { describeRss, RssTrend } from '../../../src/core/soak/rss-trend.ts';

const MB = 1024 * 1024;

describe('RssTrend', () => {
  it('ignores the warm-up, then reports start, peak, end and growth in MB', () => {
    const trend = new RssTrend(10_000, 64);
    trend.add(0, 500 * MB); // warm-up: not judged
    trend.add(9_999, 400 * MB);
    trend.add(10_000, 100 * MB);
    trend.add(20_000, 140 * MB);
    trend.add(30_000, 110 * MB);
    const s = trend.summary();
    expect(s).toMatchObject({ warmupMs: 10_000, samples: 3, startMB: 100, peakMB: 140, endMB: 110 });
    expect(s.growthMB).toBe(10);
    expect(s.judgement).toBe('flat');
  });

  it('judges by the fitted line, so a GC sawtooth ending on a crest is still flat', () => {
    const trend = new RssTrend(0, 64);
    // Troughs at 100 MB, crests at 180 MB, every 40 s for 10 minutes; the last sample is a crest.
    for (let t = 0; t <= 600_000; t += 1000) {
      const phase = (t % 40_000) / 40_000;
      trend.add(t, (100 + 80 * phase) * MB);
    }
    trend.add(600_500, 180 * MB);
    const s = trend.summary();
    expect(s.growthMB).toBeGreaterThan(64);
    expect(Math.abs(s.fittedGrowthMB)).toBeLessThan(20);
    expect(s.judgement).toBe('flat');
  });

  it('judges a steady rise beyond the limit as growing, with its slope per minute', () => {
    const trend = new RssTrend(0, 64);
    for (let t = 0; t <= 300_000; t += 1000) trend.add(t, (100 * MB * (60_000 + t)) / 60_000);
    const s = trend.summary();
    expect(s.slopeMBPerMin).toBeCloseTo(100, 0);
    expect(s.fittedGrowthMB).toBeCloseTo(500, 0);
    expect(s.judgement).toBe('growing');
  });

  it('says too-short when no sample came after the warm-up', () => {
    const trend = new RssTrend(60_000, 64);
    trend.add(1000, 100 * MB);
    expect(trend.summary()).toMatchObject({ samples: 0, judgement: 'too-short' });
  });

  it('reports the limit it judged against and the time it judged over', () => {
    const trend = new RssTrend(15_000, 64);
    for (let t = 15_000; t <= 60_000; t += 1000) trend.add(t, 200 * MB);
    expect(trend.summary()).toMatchObject({ limitMB: 64, spanMs: 45_000, judgement: 'flat' });
  });
});

describe('describeRss: the closing RSS lines state the rule', () => {
  const grown = (warmupMs: number, spanMs: number) => {
    const trend = new RssTrend(warmupMs, 64);
    // 2 MB a second after the warm-up: beyond 64 MB within a minute.
    for (let t = warmupMs; t <= warmupMs + spanMs; t += 1000)
      trend.add(t, (100 + (2 * (t - warmupMs)) / 1000) * MB);
    return trend.summary();
  };

  it('a short soak judged growing says it does not fail the soak, why, and that it is too short to judge', () => {
    const r = grown(15_000, 45_000);
    expect(r.judgement).toBe('growing');
    const [figures, rule] = describeRss(r);
    expect(figures).toContain('(fitted +90 MB over 0:45: growing, beyond the 64 MB limit)');
    expect(rule).toContain('growing is reported, not a failure');
    expect(rule).toContain('a soak fails only on a property failure, an SLO breach');
    expect(rule).toContain('too short to tell a leak');
  });

  it('a long soak judged growing states the rule, without the too-short caveat', () => {
    const lines = describeRss(grown(60_000, 20 * 60_000));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('growing is reported, not a failure');
    expect(lines[1]).not.toContain('too short');
  });

  it('flat names the limit it stayed within; within the warm-up says it was not judged, and why', () => {
    const flat = new RssTrend(0, 64);
    for (let t = 0; t <= 60_000; t += 1000) flat.add(t, 100 * MB);
    expect(describeRss(flat.summary())).toEqual([
      'RSS after warm-up 100 MB, peak 100 MB, end 100 MB, growth +0 MB (fitted +0 MB over 1:00: flat, within the 64 MB limit)',
    ]);
    const early = new RssTrend(60_000, 64);
    early.add(1000, 100 * MB);
    const [line] = describeRss(early.summary());
    expect(line).toBe(
      'RSS not judged: the soak ended within its 1:00 warm-up (RSS is judged after it, and never fails a soak)',
    );
  });
});
