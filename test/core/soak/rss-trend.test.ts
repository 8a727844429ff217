import { describe, expect, it } from 'vitest';
import { RssTrend } from '../../../src/core/soak/rss-trend.ts';

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
});
