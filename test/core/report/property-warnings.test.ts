import { describe, expect, it } from 'vitest';
import { printSummary } from '../../../src/cli/print-summary.ts';
import type { ActionLatency } from '../../../src/core/report/campaign-summary.ts';
import { renderHtmlReport } from '../../../src/core/report/html-report.ts';
import { renderCampaignMarkdown } from '../../../src/core/report/markdown-report.ts';
import { mergeSummaries } from '../../../src/core/report/merge-summaries.ts';
import {
  MOSTLY_REFUSED_MIN_ANSWERED,
  propertyWarnings,
} from '../../../src/core/report/summarize-campaign.ts';
import { checkedSummary } from '../../support/summary-fixtures.ts';

const latency = (action: string, ok: number, fail: number): ActionLatency => ({
  action,
  count: ok + fail,
  ok,
  fail,
  info: 0,
  successRate: 1,
  p50: 1,
  p90: 1,
  p99: 1,
  max: 1,
  histogram: [[1, ok + fail]],
});

const lines = (summary: ReturnType<typeof checkedSummary>): string[] => {
  const out: string[] = [];
  printSummary(summary, (line) => out.push(line));
  return out;
};

describe('property warnings', () => {
  it('mostly refused: more than 90% of at least 20 answered requests of one action type', () => {
    const warnings = propertyWarnings(undefined, [
      latency('place', 2, 48),
      latency('cancel', 5, 45),
      latency('replace', 0, MOSTLY_REFUSED_MIN_ANSWERED - 1),
    ]);
    expect(warnings).toEqual([
      {
        kind: 'mostly-refused',
        subject: 'place',
        message:
          "48 of 50 answered place requests (96.0%) were refused: the runs hardly got past the venue's checks",
      },
    ]);
  });

  it('vacuous: reported nothing checked in every run; not for no runs, some runs, or an invariant that does not report', () => {
    const warnings = propertyWarnings(
      [
        { name: 'a', runs: 5, checkedRuns: 0, examined: 0 },
        { name: 'b', runs: 0, checkedRuns: 0, examined: 0 },
        { name: 'c', runs: 5, checkedRuns: 1, examined: 3 },
        { name: 'd', runs: 5, checkedRuns: null, examined: null },
      ],
      [],
    );
    expect(warnings.map((w) => [w.kind, w.subject])).toEqual([['vacuous', 'a']]);
  });

  it('the text summary names what was not checked and why, and each warning', () => {
    const text = lines(checkedSummary());
    expect(text).toContain('        not checked (missing: accounts): funds.conservation');
    expect(text).toContain('        not checked (missing: accounts, margin): ledger.equity');
    expect(text).toContain('        not checked (--skip-invariants): funds.reserves');
    expect(text).toContain(
      '        warning: book.best-price had nothing to check in any of its 30 runs: its pass says nothing',
    );
    expect(text.at(-1)).toMatch(/^passed: /);
    const strict = lines(checkedSummary({ strict: true }));
    expect(strict).toContain(
      '        FAIL (--strict): book.best-price had nothing to check in any of its 30 runs: its pass says nothing',
    );
    expect(strict.at(-1)).toMatch(/^failed: /);
  });

  it('the Markdown and HTML reports show per invariant how many runs it checked, and what it skipped', () => {
    const input = { summary: checkedSummary(), failures: [], describeAction: String, describeEvent: String };
    const md = renderCampaignMarkdown(input);
    expect(md).toContain('## Invariants checked');
    expect(md).toContain('| `trades.within-band` | 26 of 30 | 412 trades |  |');
    expect(md).toContain('| `book.best-price` | 0 of 30 | 0 | ⚠️ nothing to check |');
    expect(md).toContain('| `funds.conservation` | - | - | ➖ not checked: missing: accounts |');
    const html = renderHtmlReport(input);
    expect(html).toContain('data-invariant="trades.within-band" data-checked-runs="26"');
    expect(html).toContain('not checked: missing: accounts, margin');
    expect(html).toContain('data-testid="warning"');
  });

  it('merging a strict shard keeps strict; the counts of every shard add up', () => {
    const one = checkedSummary({ strict: true });
    const merged = mergeSummaries([
      { ...one, shard: { index: 1, count: 2 } },
      { ...checkedSummary(), shard: { index: 2, count: 2 } },
    ]);
    expect(merged.strict).toBe(true);
    expect(merged.verdict).toBe('fail');
    expect(
      merged.properties[0]?.invariants?.map((i) => [i.name.slice(0, 17), i.runs, i.checkedRuns]),
    ).toEqual([
      ['trades.within-ban', 60, 52],
      ['book.best-price', 60, 0],
      ['requests.answered', 60, null],
    ]);
  });
});
