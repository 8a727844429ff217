import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { sloViolations } from '../latency/evaluate-slos.ts';
import type { Violation } from '../model/invariant.ts';
import type { CampaignSummary, FailureSummary, PropertySummary } from './campaign-summary.ts';

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/F). */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const xmlSafe = (text: string): string => text.replace(ILLEGAL_XML, '\uFFFD');

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

const violationLine = (v: Violation): string =>
  `[${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`;

const faultList = (faults: Record<string, number | undefined>): string =>
  Object.entries(faults)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind}=${n}`)
    .join(',');

/**
 * The campaign as JUnit XML: a suite per property, holding one case for the property itself
 * and one per saved replay of it; a `shakedown` suite for what belongs to the whole campaign
 * (faults that never fired, the coverage floor). Properties carry the seed, runs, actions and
 * replay paths, so a CI page alone tells how to reproduce a failure.
 */
export function renderJunit(summary: CampaignSummary): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'shakedown' });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const property of summary.properties) {
    const failures = summary.failures.filter((f) => f.property === property.name);
    addSuite(root, summary, property, failures, totals);
  }
  // Regressions of properties this campaign did not run still show.
  const orphans = summary.failures.filter((f) => !summary.properties.some((p) => p.name === f.property));
  for (const name of [...new Set(orphans.map((f) => f.property))]) {
    const suite = root.ele('testsuite', {
      name,
      tests: 0,
      failures: 0,
      errors: 0,
      skipped: 0,
      time: seconds(0),
    });
    let n = 0;
    for (const failure of orphans.filter((f) => f.property === name)) {
      addReplayCase(suite, summary.domain, failure);
      n++;
    }
    suite.att({ tests: n, failures: n });
    totals.tests += n;
    totals.failures += n;
  }
  addCampaignSuite(root, summary, totals);
  root.att({
    tests: totals.tests,
    failures: totals.failures,
    errors: totals.errors,
    skipped: totals.skipped,
    time: seconds(summary.durationMs),
  });
  return root.end({ prettyPrint: true });
}

function addSuite(
  root: XMLBuilder,
  summary: CampaignSummary,
  property: PropertySummary,
  failures: readonly FailureSummary[],
  totals: { tests: number; failures: number; errors: number; skipped: number },
): void {
  const suite = root.ele('testsuite', { name: property.name });
  const props = suite.ele('properties');
  const prop = (name: string, value: string | number) =>
    props.ele('property', { name, value: xmlSafe(String(value)) });
  prop('seed', property.seed);
  prop('runs', property.runs);
  prop('actions', property.actions);
  prop('target', summary.target);
  prop('transport', summary.transport);
  if (summary.bugs.length > 0) prop('bugs', summary.bugs.join(','));
  if (summary.shard) prop('shard', `${summary.shard.index}/${summary.shard.count}`);
  if (summary.commit) prop('commit', summary.commit);
  const fired = faultList(property.faults);
  if (fired) prop('faults', fired);
  for (const f of failures) if (f.replayFile) prop('replay', f.replayFile);

  let tests = 1;
  let failed = 0;
  let errors = 0;
  let skipped = 0;
  const testcase = suite.ele('testcase', {
    name: property.name,
    classname: `shakedown.${summary.domain}.${property.name}`,
    time: seconds(property.durationMs),
  });
  const own = failures.filter((f) => !f.regression);
  const lines = [
    ...own.flatMap((f) => [
      `run ${f.runIndex} (seed ${f.seed}), shrunk to ${f.actions} actions:`,
      ...f.violations.map(violationLine),
      ...(f.replayFile ? [`replay: npx shakedown replay ${f.replayFile}`] : []),
    ]),
    ...sloViolations(property.slos, property.latency).map(violationLine),
    ...(property.unfiredFaults?.length
      ? [`faults that never fired: ${property.unfiredFaults.join(', ')}`]
      : []),
  ];
  if (property.verdict === 'fail' || lines.length > 0) {
    const first =
      own[0]?.violations[0]?.invariant ?? (property.slos.some((s) => s.breached) ? 'slo' : 'faults');
    const message = own[0]?.violations[0]?.message ?? lines[0] ?? 'the property failed';
    testcase
      .ele('failure', { message: xmlSafe(message), type: xmlSafe(first) })
      .txt(xmlSafe(lines.join('\n')));
    failed++;
  } else if (property.verdict === 'unknown' && property.unknown) {
    testcase
      .ele('error', { message: xmlSafe(property.unknown.error), type: xmlSafe(property.unknown.invariant) })
      .txt(
        xmlSafe(`a run proved nothing either way (${property.unknown.invariant}): ${property.unknown.error}`),
      );
    errors++;
  } else if (property.runs === 0 && property.interrupted) {
    testcase.ele('skipped', { message: 'the time budget ran out before any run of this property' });
    skipped++;
  }
  testcase
    .ele('system-out')
    .txt(
      xmlSafe(
        `${property.runs} runs, ${property.actions} actions, seed ${property.seed}${property.interrupted ? ' (stopped by the time budget)' : ''}`,
      ),
    );
  for (const f of failures) {
    if (!f.replayFile) continue;
    addReplayCase(suite, summary.domain, f);
    tests++;
    failed++;
  }
  suite.att({ tests, failures: failed, errors, skipped, time: seconds(property.durationMs) });
  totals.tests += tests;
  totals.failures += failed;
  totals.errors += errors;
  totals.skipped += skipped;
}

function addReplayCase(suite: XMLBuilder, domain: string, f: FailureSummary): void {
  const testcase = suite.ele('testcase', {
    name: `replay ${f.replayFile}`,
    classname: `shakedown.${domain}.${f.property}${f.regression ? '.replays' : ''}`,
    time: seconds(0),
  });
  const first = f.violations[0];
  testcase
    .ele('failure', {
      message: xmlSafe(first?.message ?? 'the saved run fails'),
      type: xmlSafe(first?.invariant ?? 'replay'),
    })
    .txt(xmlSafe(f.violations.map(violationLine).join('\n')));
  testcase.ele('system-out').txt(xmlSafe(`npx shakedown replay ${f.replayFile}`));
}

function addCampaignSuite(
  root: XMLBuilder,
  summary: CampaignSummary,
  totals: { tests: number; failures: number; errors: number; skipped: number },
): void {
  const suite = root.ele('testsuite', { name: 'shakedown' });
  let tests = 0;
  let failed = 0;
  if (summary.requiredFaults.length > 0 || summary.unfiredFaults.length > 0) {
    tests++;
    const testcase = suite.ele('testcase', {
      name: 'faults',
      classname: `shakedown.${summary.domain}`,
      time: seconds(0),
    });
    if (summary.unfiredFaults.length > 0) {
      failed++;
      testcase
        .ele('failure', {
          message: `faults that never fired: ${summary.unfiredFaults.join(', ')}`,
          type: 'faults',
        })
        .txt(`asked for with --faults, never fired in the campaign: ${summary.unfiredFaults.join(', ')}`);
    }
    testcase.ele('system-out').txt(faultList(summary.faults) || 'no faults fired');
  }
  tests++;
  const coverage = suite.ele('testcase', {
    name: 'coverage',
    classname: `shakedown.${summary.domain}`,
    time: seconds(0),
  });
  const below = summary.minCoverage?.floors.filter((f) => !f.met) ?? [];
  if (below.length > 0) {
    failed++;
    const text = below.map((f) => `${f.category ?? 'overall'} ${f.observed}% < ${f.percent}%`).join('; ');
    coverage
      .ele('failure', { message: `coverage below --min-coverage: ${text}`, type: 'coverage' })
      .txt(text);
  }
  coverage
    .ele('system-out')
    .txt(
      `coverage ${summary.coverage.percent}%: ${summary.coverage.categories.map((c) => `${c.label} ${c.exercised.length}/${c.items.length}`).join(', ')}`,
    );
  suite.att({ tests, failures: failed, errors: 0, skipped: 0, time: seconds(0) });
  totals.tests += tests;
  totals.failures += failed;
}
