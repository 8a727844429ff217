import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ChildOutcome } from './mutation-child.ts';
import type { SuiteName } from './mutation-settings.ts';

/**
 * What a suite's run said. `failed`: the suite reported a failure (exit 1 with its report
 * written); `passed`: exit 0; `timeout`: our timeout killed it; `error`: the harness itself
 * broke (any other exit, a signal, or exit 1 with no report), which judges nothing.
 */
export interface SuiteRun {
  status: 'passed' | 'failed' | 'timeout' | 'error';
  exitCode: number | null;
  ms: number;
  /** What failed, by name: `property: invariant`, a scenario, a test. Empty unless failed. */
  failing: string[];
  /** The campaign's generated runs and actions (the time budget decides how many). */
  runs?: number;
  actions?: number;
  /** The end of stderr, for an error. */
  detail?: string;
  /** The properties (or scenarios) that ran, and the declared surface they left unexercised. */
  coverage?: { properties: string[]; unexercised: Record<string, string[]> };
}

export interface Suite {
  name: SuiteName;
  /** The command as typed in the tree, for the report. */
  command: string;
  /** The command, as `node <args>` run in the tree's copy. */
  args(dir: string, scratch: string): string[];
  read(outcome: ChildOutcome, dir: string, scratch: string): SuiteRun;
}

/** The summary's fields read here (docs/summary.md). */
interface Summary {
  verdict: 'pass' | 'fail' | 'unknown';
  runs: number;
  actions: number;
  properties: { name: string; verdict: string; unknown?: { invariant: string }[] }[];
  failures: { property: string; violations: { invariant: string }[] }[];
  unfiredFaults?: string[];
  workers?: { crashes?: { property: string }[] };
  coverage?: { categories: { label: string; items: string[]; exercised: string[] }[] };
}

/** Everything the campaign summary names as failing, one string each, sorted. */
function summaryFailing(summary: Summary): string[] {
  const failing = new Set<string>();
  for (const f of summary.failures) {
    if (f.violations.length === 0) failing.add(`${f.property}: failure`);
    for (const v of f.violations) failing.add(`${f.property}: ${v.invariant}`);
  }
  for (const p of summary.properties) {
    for (const u of p.unknown ?? []) failing.add(`${p.name}: unknown (${u.invariant})`);
    if (p.verdict !== 'pass' && ![...failing].some((f) => f.startsWith(`${p.name}: `)))
      failing.add(`${p.name}: ${p.verdict}`);
  }
  for (const kind of summary.unfiredFaults ?? []) failing.add(`unfired fault ${kind}`);
  for (const c of summary.workers?.crashes ?? []) failing.add(`${c.property}: worker crash`);
  return [...failing].sort();
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function unjudged(outcome: ChildOutcome): SuiteRun | undefined {
  if (outcome.timedOut) return { status: 'timeout', exitCode: null, ms: outcome.ms, failing: [] };
  if (outcome.exitCode === 0) return undefined;
  if (outcome.exitCode !== 1)
    return {
      status: 'error',
      exitCode: outcome.exitCode,
      ms: outcome.ms,
      failing: [],
      detail: `${outcome.signal ?? `exit ${outcome.exitCode}`}: ${tail(outcome.stderr)}`,
    };
  return undefined;
}

/** A `shakedown run` suite: its verdict from the exit code, what failed from its --summary. */
function shakedownRun(name: SuiteName, flags: string[]): Suite {
  return {
    name,
    command: `npx shakedown run ${flags.join(' ')}`,
    args: (dir, scratch) => [
      join(dir, 'bin/shakedown.js'),
      'run',
      ...flags,
      '--no-progress',
      '--out',
      join(scratch, 'replays'),
      '--summary',
      join(scratch, 'summary.json'),
    ],
    read(outcome, _dir, scratch) {
      const early = unjudged(outcome);
      if (early) return early;
      const file = join(scratch, 'summary.json');
      if (!existsSync(file))
        return {
          status: 'error',
          exitCode: outcome.exitCode,
          ms: outcome.ms,
          failing: [],
          detail: `exit ${outcome.exitCode} without a summary: ${tail(outcome.stderr)}`,
        };
      const summary = JSON.parse(readFileSync(file, 'utf8')) as Summary;
      const failed = outcome.exitCode === 1;
      return {
        status: failed ? 'failed' : 'passed',
        exitCode: outcome.exitCode,
        ms: outcome.ms,
        failing: failed ? summaryFailing(summary) : [],
        runs: summary.runs,
        actions: summary.actions,
        coverage: {
          properties: summary.properties.map((p) => p.name),
          unexercised: Object.fromEntries(
            (summary.coverage?.categories ?? []).map((c) => [
              c.label,
              c.items.filter((item) => !c.exercised.includes(item)),
            ]),
          ),
        },
      };
    },
  };
}

/** The fields of Vitest's JSON report read here. */
interface VitestReport {
  success: boolean;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string }[];
  }[];
}

const unit: Suite = {
  name: 'unit',
  command: 'npx vitest run test/exchange/engine',
  args: (dir, scratch) => [
    join(dir, 'node_modules/vitest/vitest.mjs'),
    'run',
    'test/exchange/engine',
    '--reporter=json',
    `--outputFile=${join(scratch, 'vitest.json')}`,
  ],
  read(outcome, dir, scratch) {
    const early = unjudged(outcome);
    if (early) return early;
    const file = join(scratch, 'vitest.json');
    if (!existsSync(file))
      return {
        status: 'error',
        exitCode: outcome.exitCode,
        ms: outcome.ms,
        failing: [],
        detail: `exit ${outcome.exitCode} without a report: ${tail(outcome.stderr)}`,
      };
    const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
    const failing = new Set<string>();
    for (const t of report.testResults) {
      const path = relative(dir, t.name);
      const tests = t.assertionResults.filter((a) => a.status === 'failed');
      for (const a of tests) failing.add(`${path} > ${a.fullName}`);
      if (t.status === 'failed' && tests.length === 0)
        failing.add(`${path}: ${t.message?.split('\n')[0] ?? 'failed'}`);
    }
    const failed = outcome.exitCode === 1;
    if (failed && failing.size === 0) failing.add('vitest: failed with no failing test (an unhandled error)');
    return {
      status: failed ? 'failed' : 'passed',
      exitCode: outcome.exitCode,
      ms: outcome.ms,
      failing: failed ? [...failing].sort() : [],
    };
  },
};

/** The suites, as the issue names their commands (plus where each writes its report). */
export const SUITES: Record<SuiteName, Suite> = {
  campaign: shakedownRun('campaign', [
    '--seed',
    '1',
    '--workers',
    '1',
    '--time-budget',
    '10s',
    '--no-replays',
  ]),
  scenarios: shakedownRun('scenarios', ['--scenario', 'all', '--no-replays']),
  unit,
};
