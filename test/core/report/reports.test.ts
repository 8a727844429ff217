import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayFile } from '../../../src/core/replay/replay-file.ts';
import type { CampaignSummary, FailureSummary } from '../../../src/core/report/campaign-summary.ts';
import { escapeHtml, jsonForScript, renderHtmlReport } from '../../../src/core/report/html-report.ts';
import {
  escapeMarkdown,
  renderCampaignMarkdown,
  renderFailureMarkdown,
} from '../../../src/core/report/markdown-report.ts';
import type { ReportFailure, ReportInput } from '../../../src/core/report/report-input.ts';
import { writeReport } from '../../../src/core/report/write-report.ts';
import { sampleReplay } from '../replay/replay-fixture.ts';

const HOSTILE = '<script>alert("x")</script> | a&b';

function failureOf(
  replay: ReplayFile,
  replayFile: string | null = 'replays/p-42-abcd1234.json',
): FailureSummary {
  return {
    property: replay.property,
    seed: replay.seed,
    runIndex: replay.runIndex,
    path: replay.path,
    shrinks: 9,
    actions: replay.actions.length,
    replayFile,
    violations: replay.violations,
    regression: false,
  };
}

/** A failed campaign of two properties, one failure drawn, one listed without a replay. */
function reportInput(change: (replay: ReplayFile) => void = () => {}): ReportInput {
  const replay = sampleReplay((r) => {
    r.evidence.history[0].reply = { status: 'ok', result: { orderId: 'o1' } };
    r.evidence.history[1].reply = { status: 'fail', code: 'qty_zero', message: 'qty | must be > 0' };
    r.evidence.extra = { faults: [{ step: 1, client: 'taker', kind: 'frame.drop', time: 1, hits: 3 }] };
    change(r);
  });
  const drawn = failureOf(replay);
  const listed: FailureSummary = { ...failureOf(replay, null), property: 'other', runIndex: 3 };
  const summary: CampaignSummary = {
    format: 'shakedown-summary',
    version: 1,
    tool: '0.1.0',
    domain: 'trading',
    seed: 42,
    seedSource: 'flag',
    target: 'inproc',
    transport: 'inproc',
    bugs: ['overfill'],
    runs: 30,
    actions: 400,
    durationMs: 1500,
    passed: false,
    verdict: 'fail',
    interrupted: false,
    properties: [
      {
        name: replay.property,
        seed: 42,
        runs: 8,
        actions: 100,
        durationMs: 700,
        passed: false,
        verdict: 'fail',
        interrupted: false,
        tags: [],
        faultKinds: ['frame.drop'],
        faults: { 'frame.drop': 2 },
        requiredFaults: [],
        latency: [],
        slos: [
          {
            slo: { action: 'place', percentile: 99, maxMs: 5 },
            observedMs: 9,
            observedSuccessRate: 1,
            breached: true,
          },
        ],
      },
      {
        name: 'quiet',
        seed: 42,
        runs: 22,
        actions: 300,
        durationMs: 800,
        passed: true,
        verdict: 'pass',
        interrupted: false,
        tags: [],
        faultKinds: [],
        faults: {},
        requiredFaults: [],
        latency: [],
        slos: [],
      },
    ],
    faults: { 'frame.drop': 2 },
    requiredFaults: [],
    unfiredFaults: [],
    failures: [drawn, listed],
    coverage: {
      categories: [
        {
          name: 'reject',
          label: 'reject reasons',
          items: ['qty_zero', 'qty_negative', 'price_off_tick'],
          exercised: ['qty_zero'],
        },
        { name: 'action', label: 'action types', items: ['place'], exercised: ['place'] },
      ],
      declared: 4,
      exercised: 2,
      percent: 50,
    },
    latency: [
      {
        action: 'place',
        count: 10,
        ok: 8,
        fail: 1,
        info: 1,
        successRate: 0.9,
        p50: 1,
        p90: 3,
        p99: 9,
        max: 12,
        histogram: [[1, 5]],
      },
      {
        action: 'cancel',
        count: 2,
        ok: 0,
        fail: 0,
        info: 2,
        successRate: 0,
        p50: null,
        p90: null,
        p99: null,
        max: null,
        histogram: [],
      },
    ],
  };
  return {
    summary,
    failures: [{ summary: drawn, replay }],
    describeAction: (action) => `send ${JSON.stringify(action)}`,
    describeEvent: (event) => `got ${(event as { type: string }).type}`,
  };
}

const onlyFailure = (input: ReportInput): ReportFailure => input.failures[0];

describe('renderFailureMarkdown', () => {
  it('holds the replay command, a mermaid sequenceDiagram block, the numbered actions and the violations', () => {
    const input = reportInput();
    const md = renderFailureMarkdown(onlyFailure(input), input);
    expect(md).toMatch(/^# ❌ Failure in orders.no-overfill/);
    expect(md).toContain('npx shakedown replay replays/p-42-abcd1234.json');
    expect(md).toContain('npx shakedown run --seed 42 --property orders.no-overfill --bug overfill');
    expect(md).toMatch(/```mermaid\nsequenceDiagram\n {2}participant c1 as maker\n/);
    expect(md).toContain('0. **send {"kind":"place","client":"maker","gapMs":0,"qty":1}** ❗');
    expect(md).toContain('1. **send {"kind":"place","client":"taker","gapMs":0,"qty":2}** ❗');
    expect(md).toContain('1. `orders.quantities`: o1 filled 2 of 1');
    // The involved event: gseq, client, stream#seq, the event described.
    expect(md).toContain('| 3 | taker | `account:taker#1` | got fill |');
    expect(md).toContain('| `frame.drop` | 3 | 1 |');
  });

  it('has the timeline as a table too, with table cells escaped', () => {
    const input = reportInput((r) => {
      r.violations[0].message = HOSTILE;
    });
    const md = renderFailureMarkdown(onlyFailure(input), input);
    expect(md).toContain('| t (ms) | Client | Kind | What | |');
    expect(md).toContain(
      '| 2 | taker | reply | (1) fail qty_zero after 2 ms (qty \\| must be &gt; 0) | ❗ |',
    );
    expect(md).toContain('&lt;script&gt;alert("x")&lt;/script&gt; \\| a&b');
    expect(md).not.toContain('<script>');
  });
});

describe('renderCampaignMarkdown', () => {
  it('says the verdict, the facts, each property, failures with links, faults, latency, SLOs, coverage, replays', () => {
    const md = renderCampaignMarkdown(reportInput());
    expect(md).toMatch(/^# ❌ shakedown: FAIL\n/);
    expect(md).toContain('- **Seed:** `42` (flag)');
    expect(md).toContain('- **Ran:** 30 runs, 400 actions in 1.5 s (267 actions/s)');
    expect(md).toContain('| orders.no-overfill | ❌ FAIL | 42 | 8 | 100 | 2 | 700 ms | 1 SLO breached |');
    expect(md).toContain('| quiet | ✅ PASS | 42 | 22 | 300 | 0 | 800 ms |  |');
    expect(md).toContain('1. [orders.no-overfill, seed 42, run 7](failure-1-orders.no-overfill.md)');
    expect(md).toContain('2. other, seed 42, run 3: 2 actions after 9 shrinks');
    expect(md).toContain('| `frame.drop` | 2 |');
    expect(md).toContain('| `place` | 10 | 8 | 1 | 1 | 90.0% | 1 | 3 | 9 | 12 |');
    expect(md).toContain('| `cancel` | 2 | 0 | 0 | 2 | 0.0% | - | - | - | - |');
    expect(md).toContain('| orders.no-overfill | place p99 ≤ 5 ms | 9 ms, success 100.0% | ❌ breached |');
    expect(md).toContain('| reject reasons | 1 of 3 | `qty_negative`, `price_off_tick` |');
    expect(md).toContain('| action types | 1 of 1 | none |');
    expect(md).toContain(
      '```sh\nnpx shakedown run --seed 42 --bug overfill\nnpx shakedown replay replays/p-42-abcd1234.json\n```',
    );
  });

  it('escapes Markdown in table cells', () => {
    expect(escapeMarkdown('a|b\nc *d* <e>')).toBe('a\\|b c \\*d\\* &lt;e&gt;');
  });
});

describe('renderHtmlReport', () => {
  it('refers to nothing outside the file', () => {
    const html = renderHtmlReport(reportInput());
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/|data:|file:)/i);
    expect(html).not.toMatch(/<link\b|@import|url\(/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed)\b/i);
    for (const href of html.matchAll(/href="([^"]*)"/g)) expect(href[1]).toMatch(/^#/);
  });

  it('escapes hostile text everywhere it shows it, and keeps the embedded data intact', () => {
    const input = reportInput((r) => {
      r.violations[0].message = HOSTILE;
      r.events[0].client = '<b>evil</b>';
    });
    input.summary.bugs = ['</script><script>alert(1)</script>'];
    const html = renderHtmlReport(input);
    const data = html.match(/<script type="application\/json" id="shakedown-data">(.*?)<\/script>/s);
    expect(data).not.toBeNull();
    // The data block ends only where it should: the hostile `</script>` inside it is escaped.
    expect(data![1]).not.toContain('</');
    const page = html.replace(data![0], '');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<b>evil</b>');
    expect(page).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; | a&#38;b');
    expect(html).toContain('data-client="&#60;b&#62;evil&#60;/b&#62;"');
    const parsed = JSON.parse(data![1]) as { summary: CampaignSummary; failures: ReportFailure[] };
    expect(parsed.summary).toEqual(input.summary);
    expect(parsed.failures[0].replay.violations[0].message).toBe(HOSTILE);
    expect(jsonForScript({ a: '</script><!--' })).toBe('{"a":"<\\/script><\\u0021--"}');
    expect(escapeHtml(`<a href='x'>&"`)).toBe('&#60;a href=&#39;x&#39;&#62;&#38;&#34;');
  });

  it('marks its parts for tests and people: verdict, properties, failure lanes, violations, charts, coverage', () => {
    const html = renderHtmlReport(reportInput());
    expect(html).toContain('data-testid="verdict" data-verdict="fail"');
    expect(html.match(/data-testid="property-row"/g)).toHaveLength(2);
    expect(html.match(/data-testid="failure"/g)).toHaveLength(1);
    expect(html).toContain('data-testid="lane" data-client="maker"');
    expect(html).toContain('data-testid="lane" data-client="taker"');
    expect(html.match(/data-testid="violation"/g)).toHaveLength(1);
    expect(html).toMatch(/data-testid="latency-chart".*class="bar bar-p50"/s);
    expect(html).toContain('no answered request');
    expect(html).toMatch(/data-testid="coverage".*reject reasons.*1 of 3.*<code>qty_negative<\/code>/s);
    // Each mark carries a tooltip; involved ones are classed so CSS can draw them red.
    expect(html).toMatch(
      /<g class="mark mark-event involved" data-gseq="3"[^>]*><title>[^<]*g3 account:taker#1/,
    );
    expect(html).toMatch(/<g class="mark mark-fault involved"/);
    expect(html).toContain('all 22 runs passed');
  });
});

describe('writeReport', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('writes index.md, a file per drawn failure and report.html, creating the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-report-'));
    dirs.push(dir);
    const out = join(dir, 'nested', 'report');
    const { files } = writeReport(out, reportInput());
    expect(files).toEqual([
      join(out, 'index.md'),
      join(out, 'failure-1-orders.no-overfill.md'),
      join(out, 'report.html'),
    ]);
    expect(readdirSync(out).sort()).toEqual(['failure-1-orders.no-overfill.md', 'index.md', 'report.html']);
    expect(readFileSync(join(out, 'index.md'), 'utf8')).toContain('(failure-1-orders.no-overfill.md)');
  });
});

/**
 * The README's second run: the saved failure is replayed from the corpus and fails again
 * (a regression), and the campaign's own run finds it again, shrunk to the same file.
 */
function foundTwiceInput(): ReportInput {
  const input = reportInput();
  const [drawn] = input.failures;
  const file = drawn.summary.replayFile as string;
  const regression: FailureSummary = { ...drawn.summary, regression: true, runIndex: 0, shrinks: 0 };
  const again: FailureSummary = { ...drawn.summary, runIndex: 4, duplicateOf: file };
  const fresh: FailureSummary = {
    ...failureOf(drawn.replay, 'replays/p-42-99999999.json'),
    property: 'quiet',
    runIndex: 11,
  };
  input.summary.failures = [regression, again, fresh];
  input.failures = [
    { summary: regression, replay: drawn.replay },
    { summary: again, replay: drawn.replay },
    { summary: fresh, replay: drawn.replay },
  ];
  return input;
}

describe('a failure found twice', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is one failure file, one article and one index line, found 2 times, a regression apart from the new', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-report-'));
    dirs.push(dir);
    const input = foundTwiceInput();
    writeReport(dir, input);
    expect(readdirSync(dir).sort()).toEqual([
      'failure-1-orders.no-overfill.md',
      'failure-2-quiet.md',
      'index.md',
      'report.html',
    ]);
    const index = readFileSync(join(dir, 'index.md'), 'utf8');
    expect(index).toContain('- **Failures:** 2: 1 regression (saved failures that still fail), 1 new');
    expect(index).toContain(
      '1. 🔁 [regression in orders.no-overfill, seed 42, run 0](failure-1-orders.no-overfill.md): 2 actions after 0 shrinks, **found 2 times**',
    );
    expect(index).toContain(
      '   - regression: saved by an earlier campaign (replays/p-42-abcd1234.json), still fails, and found again by run 4',
    );
    expect(index).toContain('2. 🆕 [quiet, seed 42, run 11](failure-2-quiet.md)');
    expect(index.match(/npx shakedown replay replays\/p-42-abcd1234\.json/g)).toHaveLength(2);
    const failure = readFileSync(join(dir, 'failure-1-orders.no-overfill.md'), 'utf8');
    expect(failure).toMatch(/^# ❌ Regression in orders.no-overfill/);
    expect(failure).toContain(
      '- **Origin:** regression: saved by an earlier campaign (replays/p-42-abcd1234.json), still fails, and found again by run 4 (**found 2 times**)',
    );
    expect(readFileSync(join(dir, 'failure-2-quiet.md'), 'utf8')).toContain(
      '- **Origin:** new: found by run 11 of this campaign',
    );

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/data-testid="failure"/g)).toHaveLength(2);
    expect(html.match(/data-testid="found">found 2 times</g)).toHaveLength(2);
    expect(html).toContain('data-testid="origin-badge" data-origin="regression"');
    expect(html).toContain('data-testid="origin-badge" data-origin="new"');
    expect(html).toContain('2 failures (1 regression, 1 new)');
  });

  it('keeps counting the runs that failed the same way (--keep-going) in the count', () => {
    const input = foundTwiceInput();
    input.summary.failures[1] = { ...input.summary.failures[1], duplicates: 2 };
    expect(renderCampaignMarkdown(input)).toContain('**found 4 times**');
  });
});

describe('one invariant broken twice in a run', () => {
  it('is one group with its count, in the index, the failure file and the HTML', () => {
    const input = reportInput((r) => {
      r.violations = [
        { invariant: 'orders.quantities', message: 'o1 filled 2 of 1', steps: [0], events: [3] },
        { invariant: 'orders.quantities', message: 'o2 filled 3 of 1', steps: [1], events: [] },
        { invariant: 'funds.reserves', message: 'reserved 0', steps: [1], events: [] },
      ];
    });
    input.summary.failures[0].violations = input.failures[0].replay.violations;
    const md = renderCampaignMarkdown(input);
    expect(md).toContain(
      '   - `orders.quantities` broken 2 times:\n     - o1 filled 2 of 1\n     - o2 filled 3 of 1',
    );
    expect(md).toContain('   - `funds.reserves` reserved 0');
    const failure = renderFailureMarkdown(onlyFailure(input), input);
    expect(failure).toContain('1. `orders.quantities` broken 2 times\n   - o1 filled 2 of 1');
    expect(failure).toContain('2. `funds.reserves`: reserved 0');
    const html = renderHtmlReport(input);
    expect(html).toContain('data-testid="violation-group" data-invariant="orders.quantities" data-count="2"');
    expect(html.match(/data-testid="violation"/g)).toHaveLength(3);
    expect(html).toContain('<code class="invariant">orders.quantities ×2</code>');
  });
});

describe('the HTML timeline', () => {
  it('labels its marks where there is room, and lists the others under it', () => {
    const html = renderHtmlReport(reportInput());
    const labels = [
      ...html.matchAll(/data-testid="mark-label" data-for="(\d+)"><line[^>]*\/><text[^>]*>([^<]*)</g),
    ];
    expect(labels.map((m) => m[2])).toEqual(
      expect.arrayContaining([
        '(0) send {&#34;kind&#34;:&#34;place&#34;,&#34;c…',
        '(1) fail qty_zero',
        'got fill',
        '⚡ frame.drop (3 hits)',
        '✖ orders.quantities',
      ]),
    );
    // Every mark says whether it has a label, is listed, or (an ok reply) needs none.
    const marks = [...html.matchAll(/data-mark="(\d+)" data-label="(\w+)"/g)];
    expect(marks.length).toBeGreaterThan(0);
    for (const [, id, state] of marks) {
      if (state === 'shown') expect(html).toContain(`data-for="${id}"`);
      if (state === 'listed') expect(html).toMatch(new RegExp(`<li data-for="${id}"`));
    }
  });

  it('puts the violation on the lane of the client it concerns', () => {
    const html = renderHtmlReport(reportInput());
    // The violation names taker's fill (account:taker): on taker's lane.
    expect(html).toMatch(
      /data-testid="lane" data-client="taker">(?:(?!data-testid="lane").)*data-testid="violation-mark" data-client="taker" data-invariant="orders.quantities" data-by="event"/s,
    );
  });

  it('has a step axis for a run on virtual time, and a millisecond one otherwise', () => {
    expect(renderHtmlReport(reportInput())).toContain('data-axis="ms"');
    const virtual = renderHtmlReport(
      reportInput((r) => {
        r.evidence.extra = { ...r.evidence.extra, virtualTime: true };
      }),
    );
    expect(virtual).toContain('data-axis="step"');
    expect(virtual).toMatch(/<text class="tick-label" data-testid="tick"[^>]*>step 0<\/text>/);
    expect(virtual).toMatch(/<text class="tick-label tick-ms"[^>]*>0 ms<\/text>/);
  });
});
