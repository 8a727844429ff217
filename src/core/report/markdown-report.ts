import type { FaultCounts } from '../faults/fault-record.ts';
import type { RecordedEvent } from '../model/evidence.ts';
import {
  type ActionLatency,
  type CampaignSummary,
  type PropertySummary,
  type SummaryVerdict,
  summaryClock,
} from './campaign-summary.ts';
import { buildClientTimeline, type ClientTimeline, type TimelineEntry } from './client-timeline.ts';
import { renderMermaidSequence } from './mermaid-sequence.ts';
import {
  describeSlo,
  distinctFailures,
  failureFileName,
  failureOrigin,
  formatDuration,
  formatMs,
  formatRate,
  foundTimesText,
  groupViolations,
  type ReportFailure,
  type ReportInput,
  replayCommand,
  reportFailureIndex,
  rerunCommand,
  withDistinctFailures,
} from './report-input.ts';

const VERDICT_WORD: Record<SummaryVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  hang: 'HANG',
};
const VERDICT_ICON: Record<SummaryVerdict, string> = { pass: '✅', fail: '❌', unknown: '❔', hang: '⏳' };
const INVOLVED = '❗';

/**
 * The campaign as Markdown (`index.md`): verdict and facts, per-property results, the failures
 * with links to their own files, faults fired, latency, SLOs, surface coverage and the
 * commands that replay it all. GitHub renders it as it is.
 */
export function renderCampaignMarkdown(all: ReportInput): string {
  const input = withDistinctFailures(all);
  const { summary } = input;
  const out: string[] = [];
  out.push(`# ${VERDICT_ICON[summary.verdict]} shakedown: ${VERDICT_WORD[summary.verdict]}`, '');
  out.push(...campaignFacts(summary), '');
  out.push(...propertiesSection(summary));
  out.push(...invariantsSection(summary));
  out.push(...failuresSection(input));
  out.push(...faultsSection(summary.faults, summary.unfiredFaults));
  out.push(...latencySection(summary.latency, summaryClock(summary)));
  out.push(...sloSection(summary));
  out.push(...coverageSection(summary));
  out.push(...replaySection(summary));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/**
 * One failure as Markdown: what to run to see it again, the shrunk actions, the run as a
 * Mermaid sequence diagram and as a table, the faults and the violations with their events.
 */
export function renderFailureMarkdown(failure: ReportFailure, input: ReportInput): string {
  const { summary: f, replay } = failure;
  const timeline = buildClientTimeline(replay, input);
  const involvedSteps = new Set(replay.violations.flatMap((v) => v.steps));
  const out: string[] = [];
  const title = f.regression ? 'Regression' : 'Failure';
  const found = foundTimesText(f, input.summary.failures);
  out.push(`# ${VERDICT_ICON[replay.verdict]} ${title} in ${inline(f.property)}`, '');
  out.push(
    bulletFacts([
      ['Verdict', `**${VERDICT_WORD[replay.verdict]}**`],
      ['Origin', `${inline(failureOrigin(f, input.summary.failures))}${found ? ` (**${found}**)` : ''}`],
      ['Invariants broken', [...new Set(replay.violations.map((v) => code(v.invariant)))].join(', ') || '-'],
      ['Seed', `${code(String(f.seed))}, run ${f.runIndex}, path ${code(f.path)}`],
      ['Shrunk to', `${replay.actions.length} actions after ${f.shrinks} shrinks`],
      [
        'Target',
        `${code(replay.target)}${replay.bugs.length ? `, bugs ${replay.bugs.map(code).join(', ')}` : ''}`,
      ],
    ]),
    '',
  );
  out.push('```sh');
  if (f.replayFile) {
    out.push(replayCommand(f.replayFile));
    out.push(`${replayCommand(f.replayFile)} --events-only`);
  }
  out.push(rerunCommand(input.summary, { name: f.property, seed: f.seed }));
  out.push('```', '');

  out.push('## Violations', '');
  const events = new Map(replay.events.map((e) => [e.gseq, e]));
  const concerns = new Map(timeline.violations.map((m) => [replay.violations[m.index], m.client]));
  // One invariant broken several times in the run is one item, with its count.
  groupViolations(replay.violations).forEach((group, i) => {
    const n = group.violations.length;
    out.push(
      `${i + 1}. ${code(group.invariant)}${n > 1 ? ` broken ${n} times` : `: ${inline(group.violations[0].message)}`}`,
    );
    for (const v of group.violations) {
      const indent = n > 1 ? '      ' : '   ';
      if (n > 1) out.push(`   - ${inline(v.message)}`);
      const client = concerns.get(v);
      if (client) out.push(`${indent}- concerns ${inline(client)}`);
      if (v.steps.length) out.push(`${indent}- steps ${v.steps.join(', ')}`);
      if (v.events.length) {
        out.push(
          '',
          `${indent}| gseq | client | stream#seq | event |`,
          `${indent}| ---: | --- | --- | --- |`,
        );
        for (const gseq of v.events) out.push(`${indent}${involvedEventRow(gseq, events.get(gseq), input)}`);
        out.push('');
      }
    }
  });
  if (replay.violations.length === 0) out.push('No violation was recorded (the verdict is unknown).');
  out.push('');

  out.push(`## Actions (shrunk to ${replay.actions.length})`, '');
  if (involvedSteps.size) out.push(`Steps in **bold** ${INVOLVED} are named by a violation.`, '');
  replay.actions.forEach((action, step) => {
    const text = inline(input.describeAction(action));
    out.push(involvedSteps.has(step) ? `${step}. **${text}** ${INVOLVED}` : `${step}. ${text}`);
  });
  out.push('');

  out.push('## Timeline', '');
  out.push(
    `Each client against the ${code('venue')}, each event drawn once: to the client whose stream it is on, or to ${code('public')} when several clients got it. ${INVOLVED} and red boxes mark what a violation names (its note is over the client it concerns), ⚡ a fault that fired, \`gN\` an event's global capture number, \`(N)\` a step.`,
    '',
  );
  out.push('```mermaid', renderMermaidSequence(timeline).trimEnd(), '```', '');
  out.push(...timelineTable(timeline));
  out.push(...runFaultsTable(timeline));
  out.push(`[Back to the campaign](index.md)`);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function campaignFacts(summary: CampaignSummary): string[] {
  const seeds = [...new Set(summary.properties.map((p) => p.seed))].filter((s) => s !== summary.seed);
  const seed = `${code(String(summary.seed))} (${summary.seedSource}${summary.commit ? ` ${code(summary.commit.slice(0, 12))}` : ''})${seeds.length ? `; property seeds ${seeds.map((s) => code(String(s))).join(', ')}` : ''}`;
  const facts: [string, string][] = [
    [
      'Verdict',
      `**${VERDICT_WORD[summary.verdict]}**${summary.interrupted ? ' (stopped by the time budget)' : ''}`,
    ],
    ['Seed', seed],
    [
      'Target',
      `${code(summary.target)}${summary.transport !== summary.target ? ` over ${inline(summary.transport)}` : ''}`,
    ],
    ['Domain', `${inline(summary.domain)}, shakedown ${inline(summary.tool)}`],
    [
      'Ran',
      `${summary.runs} runs, ${summary.actions} actions in ${formatDuration(summary.durationMs)}${rate(summary)}`,
    ],
  ];
  if (summary.bugs.length) facts.push(['Planted bugs', summary.bugs.map(code).join(', ')]);
  if (summary.shard) facts.push(['Shard', `${summary.shard.index} of ${summary.shard.count}`]);
  if (summary.mergedShards) facts.push(['Merged', `${summary.mergedShards} shards`]);
  if (summary.failures.length) facts.push(['Failures', failureCount(summary)]);
  return [bulletFacts(facts)];
}

/** `5: 4 regressions (saved failures that still fail), 1 new`, each failure once. */
function failureCount(summary: CampaignSummary): string {
  const distinct = distinctFailures(summary.failures);
  const regressions = distinct.filter((f) => f.regression).length;
  const fresh = distinct.length - regressions;
  const parts = [
    ...(regressions
      ? [
          `${regressions} ${regressions === 1 ? 'regression' : 'regressions'} (saved failures that still fail)`,
        ]
      : []),
    ...(fresh ? [`${fresh} new`] : []),
  ];
  return `${distinct.length}: ${parts.join(', ')}`;
}

const rate = (summary: CampaignSummary): string =>
  summary.durationMs > 0 ? ` (${Math.round((summary.actions / summary.durationMs) * 1000)} actions/s)` : '';

function propertiesSection(summary: CampaignSummary): string[] {
  const out = ['## Properties', ''];
  out.push('| Property | Verdict | Seed | Runs | Actions | Faults fired | Duration | Notes |');
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const p of summary.properties) {
    const notes: string[] = [];
    if (p.interrupted) notes.push('stopped by the time budget');
    if (p.unfiredFaults?.length) notes.push(`never fired: ${p.unfiredFaults.join(', ')}`);
    if (p.unknown) notes.push(`unknown (${p.unknown.invariant}): ${p.unknown.error}`);
    const breached = p.slos.filter((s) => s.breached).length;
    if (breached) notes.push(`${breached} SLO breached`);
    if (p.skippedInvariants?.length) notes.push(`${p.skippedInvariants.length} invariants not checked`);
    if (p.warnings?.length)
      notes.push(`${p.warnings.length} ${p.warnings.length === 1 ? 'warning' : 'warnings'}`);
    out.push(
      row([
        inline(p.name),
        `${VERDICT_ICON[p.verdict]} ${VERDICT_WORD[p.verdict]}`,
        String(p.seed),
        String(p.runs),
        String(p.actions),
        String(totalFaults(p.faults)),
        formatDuration(p.durationMs),
        inline(notes.join('; ')),
      ]),
    );
  }
  return [...out, ''];
}

/**
 * Per property, what each invariant had to check: in how many runs it examined anything, the
 * invariants not checked and why, and the warnings (vacuous checks, mostly refused requests).
 * Left out for a summary that does not say (an older one, or fixed scenarios).
 */
function invariantsSection(summary: CampaignSummary): string[] {
  const shown = summary.properties.filter(
    (p) => p.invariants?.length || p.skippedInvariants?.length || p.warnings?.length,
  );
  if (shown.length === 0) return [];
  const out = ['## Invariants checked', ''];
  out.push(
    'How many runs gave each invariant something to check: a pass where it had nothing proves nothing.',
    '',
  );
  for (const p of shown) out.push(...propertyInvariants(p, summary.strict === true));
  return out;
}

function propertyInvariants(p: PropertySummary, strict: boolean): string[] {
  const out = [`### ${inline(p.name)}`, ''];
  for (const w of p.warnings ?? [])
    out.push(`- ${strict ? '❌ --strict' : '⚠️ warning'}: ${inline(w.message)}`);
  if (p.warnings?.length) out.push('');
  out.push('| Invariant | Runs with something to check | Examined | Note |', '| --- | ---: | ---: | --- |');
  const vacuous = new Set((p.warnings ?? []).filter((w) => w.kind === 'vacuous').map((w) => w.subject));
  for (const i of p.invariants ?? []) {
    const checked = i.checkedRuns === null ? `${i.runs} judged` : `${i.checkedRuns} of ${i.runs}`;
    const examined = i.examined === null ? '-' : `${i.examined}${i.counts ? ` ${inline(i.counts)}` : ''}`;
    const note = vacuous.has(i.name)
      ? '⚠️ nothing to check'
      : i.checkedRuns === null
        ? 'does not report what it checked'
        : '';
    out.push(row([code(i.name), checked, examined, note]));
  }
  for (const s of p.skippedInvariants ?? [])
    out.push(row([code(s.invariant), '-', '-', `➖ not checked: ${inline(s.reason)}`]));
  return [...out, ''];
}

function failuresSection(input: ReportInput): string[] {
  const all = input.summary.failures;
  // A saved failure the new runs found again is one failure, listed with its regression.
  const failures = distinctFailures(all);
  if (failures.length === 0) return ['## Failures', '', 'None: every run kept every rule.', ''];
  const out = ['## Failures', ''];
  const regressions = failures.filter((f) => f.regression).length;
  if (regressions > 0)
    out.push(
      `🔁 marks a regression: a failure saved by an earlier campaign (the corpus) that still fails; 🆕 a failure new in this campaign.`,
      '',
    );
  failures.forEach((f, i) => {
    const index = reportFailureIndex(input, f);
    const name = `${f.regression ? 'regression in ' : ''}${f.property}, seed ${f.seed}, run ${f.runIndex}`;
    const link =
      index >= 0 ? `[${inline(name)}](${failureFileName(index, input.failures[index])})` : inline(name);
    const hung = f.verdict === 'hang' ? ' (hung)' : '';
    const tag = regressions > 0 ? `${f.regression ? '🔁' : '🆕'} ` : '';
    const found = foundTimesText(f, all);
    const duplicates = f.duplicates
      ? `; ${f.duplicates} more ${f.duplicates === 1 ? 'run' : 'runs'} failed the same way`
      : '';
    out.push(
      `${i + 1}. ${tag}${link}${hung}: ${f.actions} actions after ${f.shrinks} shrinks${found ? `, **${found}**` : ''}${duplicates}`,
    );
    if (f.regression) out.push(`   - ${inline(failureOrigin(f, all))}`);
    const groups = groupViolations(f.violations);
    for (const g of groups.slice(0, 5)) {
      const n = g.violations.length;
      if (n === 1) {
        out.push(`   - ${code(g.invariant)} ${inline(g.violations[0].message)}`);
        continue;
      }
      out.push(`   - ${code(g.invariant)} broken ${n} times:`);
      for (const v of g.violations.slice(0, 3)) out.push(`     - ${inline(v.message)}`);
      if (n > 3) out.push(`     - and ${n - 3} more`);
    }
    if (groups.length > 5) out.push(`   - and ${groups.length - 5} more invariants`);
    out.push(`   - ${f.replayFile ? code(replayCommand(f.replayFile)) : 'no replay file saved'}`);
  });
  return [...out, ''];
}

function faultsSection(faults: FaultCounts, unfired: readonly string[]): string[] {
  const fired = Object.entries(faults).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (fired.length === 0 && unfired.length === 0) return ['## Faults fired', '', 'No fault fired.', ''];
  const out = ['## Faults fired', '', '| Fault | Fired |', '| --- | ---: |'];
  for (const [kind, n] of fired) out.push(row([code(kind), String(n)]));
  for (const kind of unfired) out.push(row([code(kind), '0 ⚠️ never fired']));
  return [...out, ''];
}

function latencySection(latency: readonly ActionLatency[], on: 'virtual' | 'wall'): string[] {
  if (latency.length === 0) return [];
  const clock = on === 'virtual' ? 'virtual time' : 'wall clock';
  const out = [`## Latency (ms, ${clock})`, ''];
  out.push('| Action | Sent | ok | fail | info | Answered | p50 | p90 | p99 | max |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of latency) {
    out.push(
      row([
        code(l.action),
        String(l.count),
        String(l.ok),
        String(l.fail),
        String(l.info),
        formatRate(l.successRate),
        formatMs(l.p50),
        formatMs(l.p90),
        formatMs(l.p99),
        formatMs(l.max),
      ]),
    );
  }
  return [...out, ''];
}

function sloSection(summary: CampaignSummary): string[] {
  const rows = summary.properties.flatMap((p) => p.slos.map((result) => ({ property: p.name, result })));
  if (rows.length === 0) return [];
  const out = ['## SLOs', '', '| Property | Objective | Observed | Result |', '| --- | --- | --- | --- |'];
  for (const { property, result } of rows) {
    const observed = `${formatMs(result.observedMs)} ms, success ${formatRate(result.observedSuccessRate)}`;
    const verdict = result.skipped
      ? '➖ not judged (too few answered requests)'
      : result.breached
        ? '❌ breached'
        : '✅ met';
    out.push(row([inline(property), inline(describeSlo(result.slo)), observed, verdict]));
  }
  return [...out, ''];
}

function coverageSection(summary: CampaignSummary): string[] {
  const { coverage } = summary;
  const out = [
    '## Coverage',
    '',
    `**${coverage.percent}%** of the declared surface exercised (${coverage.exercised} of ${coverage.declared}).`,
    '',
  ];
  out.push('| Category | Exercised | Missing |', '| --- | ---: | --- |');
  for (const c of coverage.categories) {
    const seen = new Set(c.exercised);
    const missing = c.items.filter((item) => !seen.has(item));
    out.push(
      row([
        inline(c.label),
        `${c.exercised.length} of ${c.items.length}`,
        missing.length ? missing.map(code).join(', ') : 'none',
      ]),
    );
  }
  if (summary.minCoverage) {
    out.push('');
    for (const floor of summary.minCoverage.floors) {
      const what = floor.category ?? 'overall';
      out.push(
        `- ${floor.met ? '✅' : '❌'} --min-coverage ${what}: ${floor.observed}% (floor ${floor.percent}%)`,
      );
    }
  }
  return [...out, ''];
}

function replaySection(summary: CampaignSummary): string[] {
  const out = ['## Replay', '', '```sh', rerunCommand(summary)];
  for (const f of distinctFailures(summary.failures)) if (f.replayFile) out.push(replayCommand(f.replayFile));
  return [...out, '```', ''];
}

function involvedEventRow(gseq: number, event: RecordedEvent | undefined, input: ReportInput): string {
  if (!event) return row([String(gseq), '-', '-', 'not among the recorded events']);
  return row([
    String(gseq),
    inline(event.client),
    code(`${event.stream}#${event.seq}`),
    inline(input.describeEvent(event.event)),
  ]);
}

function timelineTable(timeline: ClientTimeline): string[] {
  const out = ['### Timeline table', ''];
  if (timeline.entries.length === 0) return [...out, 'Nothing was recorded.', ''];
  out.push('| t (ms) | Client | Kind | What | |', '| ---: | --- | --- | --- | :---: |');
  for (const entry of timeline.entries) {
    out.push(
      row([
        formatMs(entry.offsetMs),
        inline(entry.client),
        entry.kind,
        inline(entryText(entry)),
        entry.involved ? INVOLVED : '',
      ]),
    );
  }
  return [...out, ''];
}

function entryText(entry: TimelineEntry): string {
  const detail = entry.detail ? ` (${entry.detail})` : '';
  switch (entry.kind) {
    case 'action':
      return `(${entry.step}) ${entry.text}`;
    case 'reply':
      return `(${entry.step}) ${entry.text} after ${formatMs(entry.latencyMs)} ms${detail}`;
    case 'event':
      return `g${entry.gseq} ${entry.stream}#${entry.seq} ${entry.text}`;
    case 'fault':
      return `⚡ ${entry.text}${detail}`;
    case 'note':
      return `◆ ${entry.text}${detail}`;
  }
}

function runFaultsTable(timeline: ClientTimeline): string[] {
  const faults = timeline.entries.filter((e) => e.kind === 'fault');
  const out = ['## Faults in this run', ''];
  if (faults.length === 0) return [...out, 'No fault fired in this run.', ''];
  out.push('| t (ms) | Client | Fault | Hits | Step | Detail |', '| ---: | --- | --- | ---: | ---: | --- |');
  for (const f of faults) {
    out.push(
      row([
        formatMs(f.offsetMs),
        inline(f.client),
        code(f.faultKind),
        String(f.hits),
        String(f.step),
        inline(f.detail ?? ''),
      ]),
    );
  }
  return [...out, ''];
}

function bulletFacts(facts: readonly [string, string][]): string {
  return facts.map(([label, value]) => `- **${label}:** ${value}`).join('\n');
}

const totalFaults = (faults: FaultCounts): number => Object.values(faults).reduce((n, c) => n + (c ?? 0), 0);

/** A table row; the cells are already escaped. */
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/**
 * Plain text inside Markdown (tables included): no HTML, no emphasis or links by accident, no
 * cell boundary, one line. GFM unescapes `\|` before anything else, so it is safe in code too.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*[\]|]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const inline = escapeMarkdown;

/** A code span that survives tables and backticks inside. */
function code(text: string): string {
  const safe = text.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
  const fence = safe.includes('`') ? '`` ' : '`';
  return `${fence}${safe}${fence === '`` ' ? ' ``' : '`'}`;
}
