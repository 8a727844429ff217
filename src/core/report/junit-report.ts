import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { sloViolations } from '../latency/evaluate-slos.ts';
import type { Violation } from '../model/invariant.ts';
import type { CampaignSummary, FailureSummary, PropertySummary } from './campaign-summary.ts';
import { distinctFailures, foundAgainBy, timesFound } from './report-input.ts';

/** Characters XML 1.0 cannot carry even escaped: most C0 controls, lone surrogates, U+FFFE/U+FFFF. */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML can carry it; a parser would turn CR LF into LF anyway. */
const xmlText = (text: string): string => text.replace(ILLEGAL_XML, '').replace(/\r\n?/g, '\n');

/** A parser turns a raw newline or tab in an attribute into a space: say so ourselves, once. */
const xmlAttribute = (text: string | number): string =>
  xmlText(String(text))
    .replace(/\s*\n\s*|\t/g, ' ')
    .trim();

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

interface Outcome {
  kind: 'failure' | 'error' | 'skipped';
  message: string;
  type?: string;
  text?: string;
}

interface TestCase {
  name: string;
  classname: string;
  timeMs: number;
  outcome?: Outcome;
  out?: string;
}

/** A `<property name value>` of a suite. */
type Entry = [name: string, value: string | number];

interface Suite {
  name: string;
  timeMs: number;
  properties: Entry[];
  cases: TestCase[];
}

/**
 * The campaign as JUnit XML, for CI pages: a suite per property, holding one case for the
 * property itself and one per saved replay of it, and a `shakedown` suite for what belongs to
 * the whole campaign (faults that never fired, the coverage floor). Each suite's properties
 * carry the seed, runs and replay paths, so the CI page alone tells how to reproduce a failure.
 */
export function renderJunit(summary: CampaignSummary): string {
  const suites = [
    ...summary.properties.map((property) => propertySuite(summary, property)),
    ...orphanSuites(summary),
    campaignSuite(summary),
  ];
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'shakedown' });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of suites) {
    const counts = countsOf(suite.cases);
    writeSuite(root, suite, counts);
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
  }
  root.att({ ...totals, time: seconds(summary.durationMs) });
  return root.end({ prettyPrint: true });
}

function propertySuite(summary: CampaignSummary, property: PropertySummary): Suite {
  const failures = summary.failures.filter((f) => f.property === property.name);
  const fired = faultList(property.faults);
  return {
    name: property.name,
    timeMs: property.durationMs,
    properties: [
      ['seed', property.seed],
      ['runs', property.runs],
      ['actions', property.actions],
      ...campaignProperties(summary),
      ...(fired ? [['faults', fired] satisfies Entry] : []),
      ...replayProperties(failures),
    ],
    cases: [
      propertyCase(summary, property, failures),
      ...replayCases(summary.domain, failures),
      ...invariantCases(summary, property),
    ],
  };
}

/**
 * One case per invariant the property names: skipped (with the reason as its message) when it
 * was not checked; otherwise how many runs it had anything to check, and a vacuous check, a
 * failure under --strict, said as a warning.
 */
function invariantCases(summary: CampaignSummary, property: PropertySummary): TestCase[] {
  const classname = `shakedown.${summary.domain}.${property.name}.invariants`;
  const vacuous = new Map(
    (property.warnings ?? []).filter((w) => w.kind === 'vacuous').map((w) => [w.subject, w.message]),
  );
  const checked = (property.invariants ?? []).map((i): TestCase => {
    const warning = vacuous.get(i.name);
    const what =
      i.checkedRuns === null
        ? `judged on ${i.runs} runs; it does not report what it checked`
        : `had something to check in ${i.checkedRuns} of ${i.runs} runs${i.examined !== null && i.counts ? ` (${i.examined} ${i.counts} in all)` : ''}`;
    return {
      name: i.name,
      classname,
      timeMs: 0,
      ...(warning !== undefined && summary.strict
        ? { outcome: { kind: 'failure', message: warning, type: 'vacuous', text: `--strict: ${warning}` } }
        : {}),
      out: warning !== undefined && !summary.strict ? `${what}\nwarning: ${warning}` : what,
    };
  });
  const skipped = (property.skippedInvariants ?? []).map(
    (s): TestCase => ({
      name: s.invariant,
      classname,
      timeMs: 0,
      outcome: { kind: 'skipped', message: `not checked: ${s.reason}` },
    }),
  );
  return [...checked, ...skipped];
}

/** Saved replays of properties this campaign did not run (a narrowed --property) still fail it. */
function orphanSuites(summary: CampaignSummary): Suite[] {
  const ran = new Set(summary.properties.map((p) => p.name));
  const names = [...new Set(summary.failures.map((f) => f.property))].filter((name) => !ran.has(name));
  return names.map((name) => {
    const failures = summary.failures.filter((f) => f.property === name);
    return {
      name,
      timeMs: 0,
      properties: [...campaignProperties(summary), ...replayProperties(failures)],
      cases: replayCases(summary.domain, failures),
    };
  });
}

function campaignProperties(summary: CampaignSummary): Entry[] {
  const entries: Entry[] = [
    ['target', summary.target],
    ['transport', summary.transport],
    ['bugs', summary.bugs.join(',')],
  ];
  if (summary.shard) entries.push(['shard', `${summary.shard.index}/${summary.shard.count}`]);
  if (summary.mergedShards) entries.push(['merged-shards', summary.mergedShards]);
  if (summary.commit) entries.push(['commit', summary.commit]);
  // The domain's sections, one property per cell: `<section id>.<row>.<column>`.
  for (const section of summary.sections ?? [])
    for (const row of section.rows)
      section.columns.forEach((column, i) => {
        if (i === 0) return;
        const value = row[i];
        entries.push([
          `${section.id}.${String(row[0])}.${column}`,
          value === null || value === undefined ? '-' : value,
        ]);
      });
  return entries;
}

function replayProperties(failures: readonly FailureSummary[]): Entry[] {
  return distinctFailures(failures).flatMap((f): Entry[] =>
    f.replayFile === null ? [] : [['replay', f.replayFile]],
  );
}

/**
 * The property itself: its new failures, breached SLOs and unfired faults fail it (a saved
 * replay failing again is its own case, as in the verdict); a run that proved nothing is an
 * error; a property the time budget never reached is skipped.
 */
function propertyCase(
  summary: CampaignSummary,
  property: PropertySummary,
  failures: readonly FailureSummary[],
): TestCase {
  const outcome = propertyOutcome(property, failures, summary.strict === true);
  return {
    name: property.name,
    classname: `shakedown.${summary.domain}.${property.name}`,
    timeMs: property.durationMs,
    ...(outcome ? { outcome } : {}),
    out: [
      // Merged shard files hold one such case per shard: say which one this is.
      `${summary.shard ? `shard ${summary.shard.index}/${summary.shard.count}: ` : ''}${property.runs} runs, ${property.actions} actions, seed ${property.seed}${property.interrupted ? ' (stopped by the time budget)' : ''}`,
      ...property.latency.map(
        (l) =>
          `${l.action}: ${l.count} sent, ${(l.successRate * 100).toFixed(1)}% answered, p50 ${ms(l.p50)}, p99 ${ms(l.p99)}`,
      ),
      ...(summary.strict ? [] : (property.warnings ?? []).map((w) => `warning: ${w.message}`)),
    ].join('\n'),
  };
}

function propertyOutcome(
  property: PropertySummary,
  failures: readonly FailureSummary[],
  strict: boolean,
): Outcome | undefined {
  const own = failures.filter((f) => !f.regression);
  const slo = sloViolations(property.slos, property.latency);
  const unfired = property.unfiredFaults ?? [];
  const lines = [
    ...own.flatMap((f) => [failureHeading(f, failures), ...f.violations.map((v) => `  ${violationLine(v)}`)]),
    ...slo.map(violationLine),
    ...(unfired.length > 0 ? [`faults that never fired: ${unfired.join(', ')}`] : []),
    // Under --strict a warning fails the property; vacuous checks fail their own case too.
    ...(strict ? (property.warnings ?? []).map((w) => `--strict: ${w.message}`) : []),
  ];
  if (property.verdict === 'fail' || property.verdict === 'hang' || lines.length > 0) {
    const first = [...own.flatMap((f) => f.violations), ...slo][0];
    return {
      kind: 'failure',
      message: first?.message ?? lines[0] ?? 'the property failed',
      type:
        first?.invariant ??
        (unfired.length > 0 ? 'sometimes' : strict && property.warnings?.length ? 'strict' : 'failure'),
      text: lines.join('\n'),
    };
  }
  if (property.verdict === 'unknown') {
    const { unknown } = property;
    return {
      kind: 'error',
      message: unknown?.error ?? 'a run proved nothing either way',
      type: unknown?.invariant ?? 'unknown',
      text: `a run proved nothing either way${unknown ? ` (${unknown.invariant}): ${unknown.error}` : ''}`,
    };
  }
  if (property.runs === 0 && property.interrupted)
    return { kind: 'skipped', message: `the time budget ran out before the first run of ${property.name}` };
  return undefined;
}

/** One case per saved replay, so each reproducible failure is a line of its own on the CI page. */
function replayCases(domain: string, failures: readonly FailureSummary[]): TestCase[] {
  // A saved failure the new runs found again is one case: its regression's, with the count.
  return distinctFailures(failures).flatMap((f) => {
    if (f.replayFile === null) return [];
    const first = f.violations[0];
    return [
      {
        name: `replay ${f.replayFile}`,
        classname: `shakedown.${domain}.${f.property}.replays`,
        timeMs: 0,
        outcome: {
          kind: 'failure',
          message: first?.message ?? 'the saved run fails',
          type: first?.invariant ?? 'replay',
          text: [failureHeading(f, failures), ...f.violations.map((v) => `  ${violationLine(v)}`)].join('\n'),
        },
        out: `npx shakedown replay ${f.replayFile}`,
      },
    ];
  });
}

/** What belongs to no one property: --faults kinds that never fired and the --min-coverage floors. */
function campaignSuite(summary: CampaignSummary): Suite {
  const classname = `shakedown.${summary.domain}`;
  const cases: TestCase[] = [];
  if (summary.requiredFaults.length > 0 || summary.unfiredFaults.length > 0) {
    const unfired = summary.unfiredFaults;
    cases.push({
      name: 'faults',
      classname,
      timeMs: 0,
      ...(unfired.length > 0
        ? {
            outcome: {
              kind: 'failure',
              message: `faults that never fired: ${unfired.join(', ')}`,
              type: 'faults',
              text: `asked for with --faults, never fired in the campaign: ${unfired.join(', ')}`,
            },
          }
        : {}),
      out: `fired: ${faultList(summary.faults) || 'none'}`,
    });
  }
  const { coverage, minCoverage } = summary;
  const floors = (minCoverage?.floors ?? []).map(
    (f) => `${f.category ?? 'overall'} ${f.observed}% ${f.met ? '>=' : '<'} ${f.percent}%`,
  );
  const below = (minCoverage?.floors ?? []).filter((f) => !f.met);
  cases.push({
    name: 'coverage',
    classname,
    timeMs: 0,
    ...(minCoverage?.met === false
      ? {
          outcome: {
            kind: 'failure',
            message: `coverage below --min-coverage: ${below.map((f) => `${f.category ?? 'overall'} ${f.observed}% < ${f.percent}%`).join('; ')}`,
            type: 'coverage',
            text: floors.join('\n'),
          },
        }
      : {}),
    out: [
      `coverage ${coverage.percent}% (${coverage.exercised} of ${coverage.declared})`,
      ...coverage.categories.map((c) => `${c.label}: ${c.exercised.length}/${c.items.length}`),
      ...(floors.length > 0 ? [`--min-coverage: ${floors.join('; ')}`] : []),
    ].join('\n'),
  });
  return { name: 'shakedown', timeMs: 0, properties: [], cases };
}

function countsOf(cases: readonly TestCase[]): {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
} {
  const count = (kind: Outcome['kind']) => cases.filter((c) => c.outcome?.kind === kind).length;
  return {
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

function writeSuite(root: XMLBuilder, suite: Suite, counts: ReturnType<typeof countsOf>): void {
  const element = root.ele('testsuite', {
    name: xmlAttribute(suite.name),
    ...counts,
    time: seconds(suite.timeMs),
  });
  if (suite.properties.length > 0) {
    const properties = element.ele('properties');
    for (const [name, value] of suite.properties)
      properties.ele('property', { name, value: xmlAttribute(value) });
  }
  for (const testcase of suite.cases) {
    const caseElement = element.ele('testcase', {
      name: xmlAttribute(testcase.name),
      classname: xmlAttribute(testcase.classname),
      time: seconds(testcase.timeMs),
    });
    const { outcome } = testcase;
    if (outcome) {
      const node = caseElement.ele(outcome.kind, {
        message: xmlAttribute(outcome.message),
        ...(outcome.type === undefined ? {} : { type: xmlAttribute(outcome.type) }),
      });
      if (outcome.text) node.txt(xmlText(outcome.text));
    }
    if (testcase.out) caseElement.ele('system-out').txt(xmlText(testcase.out));
  }
}

/**
 * Where a failure comes from, first: `regression:` a saved replay that fails again (and the new
 * runs that found it again), or `new:` a run of this campaign (and the saved replay it turned
 * out to be, when the corpus already held it).
 */
function failureHeading(f: FailureSummary, all: readonly FailureSummary[]): string {
  const again = foundAgainBy(f, all);
  const times = timesFound(f, all);
  const where = f.regression
    ? `regression: a saved replay${f.replayFile ? ` (${f.replayFile})` : ''} ${f.verdict === 'hang' ? 'hangs' : 'fails'} again${again.length > 0 ? `, found again by ${again.length === 1 ? 'run' : 'runs'} ${again.map((a) => a.runIndex).join(', ')}` : ''}`
    : `${f.duplicateOf ? 'found again' : 'new'}: run ${f.runIndex} (seed ${f.seed}, path ${f.path})${f.verdict === 'hang' ? ' hung' : ''}, shrunk to ${f.actions} actions`;
  const duplicates = f.duplicates
    ? `, ${f.duplicates} more ${f.duplicates === 1 ? 'run' : 'runs'} failed the same way`
    : '';
  const count = f.regression && times > 1 ? ` (found ${times} times)` : '';
  const saved = f.duplicateOf
    ? `; the saved replay ${f.duplicateOf} holds it already (a regression, counted once)`
    : '';
  const replay =
    f.replayFile && !f.regression && !f.duplicateOf ? `; replay: npx shakedown replay ${f.replayFile}` : '';
  return `${where}${duplicates}${count}${saved}${replay}:${f.violations.length === 0 ? ' no violation recorded' : ''}`;
}

const violationLine = (v: Violation): string =>
  `[${v.invariant}] ${v.message}${v.steps.length > 0 ? ` (steps ${v.steps.join(', ')})` : ''}`;

/** Fired faults as `kind=n,...`, by kind, so two renderings of one campaign compare equal. */
function faultList(faults: Partial<Record<string, number>>): string {
  return Object.entries(faults)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, n]) => `${kind}=${n}`)
    .join(',');
}

const ms = (value: number | null): string => (value === null ? '-' : `${value} ms`);
