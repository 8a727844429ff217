import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { type CliResult, shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-invariants-');
const NO_ACCOUNTS = join(import.meta.dirname, '../fixtures/no-accounts-target.ts');

/** A tiny seeded campaign: no corpus, a fresh --out, whatever else is given. */
function run(...args: string[]): CliResult {
  return shakedown(['run', '--seed', '1', '--no-replays', '--out', tempDir(), ...args], {
    timeoutMs: 120_000,
  });
}

const json = (result: CliResult): CampaignSummary => JSON.parse(result.stdout) as CampaignSummary;

/** A usage error: exit 2, the code on stderr, nothing on stdout. */
function expectUsage(result: CliResult, code: string): string {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  expect(result.stdout).toBe('');
  const line = result.stderr.split('\n').find((l) => l.startsWith('shakedown: '));
  expect(line, result.stderr).toMatch(new RegExp(`^shakedown: ${code}: `));
  return line ?? '';
}

describe('run --invariants and --skip-invariants', () => {
  it('an unknown name is a usage error listing the known ones', () => {
    const line = expectUsage(run('--invariants', 'funds.conservation,funds.bogus'), 'SHK_USAGE');
    expect(line).toContain('--invariants: unknown name "funds.bogus"; one of: book.not-crossed,');
    expect(line).toContain('funds.conservation');
    const skip = expectUsage(run('--skip-invariants', 'nope'), 'SHK_USAGE');
    expect(skip).toContain('--skip-invariants: unknown name "nope"; one of: ');
  });

  it('checks only the named ones and says what it left out, and why', () => {
    const result = run(
      '--property',
      'margin-and-marks',
      '--invariants',
      'funds.conservation,ledger.equity',
      '--invariants',
      'funds.reserves',
      '--skip-invariants',
      'funds.reserves',
      '--runs',
      '2',
      '--max-actions',
      '6',
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const [property] = json(result).properties;
    expect(property?.invariants?.map((i) => i.name)).toEqual(['funds.conservation', 'ledger.equity']);
    expect(property?.invariants?.every((i) => i.runs === 2)).toBe(true);
    const skipped = property?.skippedInvariants ?? [];
    expect(skipped.find((s) => s.invariant === 'funds.reserves')?.reason).toBe('--skip-invariants');
    // Every other invariant the property names, left out by --invariants.
    const others = skipped.filter((s) => s.invariant !== 'funds.reserves');
    expect(others.map((s) => s.invariant)).toContain('trades.within-band');
    expect(others.every((s) => s.reason === 'not in --invariants' && s.missing.length === 0)).toBe(true);
  });

  it('a property left with nothing to check is SHK_NOTHING_TO_CHECK, exit 2, before anything runs', () => {
    const result = run('--property', 'order-lifecycle', '--invariants', 'funds.conservation');
    const line = expectUsage(result, 'SHK_NOTHING_TO_CHECK');
    expect(line).toContain('order-lifecycle: orders.lifecycle (not in --invariants)');
    expect(result.stderr).not.toContain('campaign starts');
    expect(result.stderr).not.toContain('seed 1');
  });
});

describe('a target that declares its capabilities', () => {
  it('skips what it cannot give, with the reason, in the text, the JSON and JUnit', () => {
    const dir = tempDir();
    const junit = join(dir, 'junit.xml');
    const summaryFile = join(dir, 'summary.json');
    const result = run(
      '--target',
      NO_ACCOUNTS,
      '--property',
      'margin-and-marks',
      '--runs',
      '2',
      '--max-actions',
      '6',
      '--junit',
      junit,
      '--summary',
      summaryFile,
    );
    expect(result.status, result.stderr).toBe(0);
    // Other invariants may need accounts too: these lines start with the original ones.
    expect(result.stdout).toMatch(/^ {8}not checked \(missing: accounts\): funds\.conservation\b/m);
    expect(result.stdout).toMatch(
      /^ {8}not checked \(missing: accounts, margin\): funds\.reserves, ledger\.equity\b/m,
    );
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as CampaignSummary;
    const skipped = summary.properties[0]?.skippedInvariants ?? [];
    expect(skipped.map((s) => s.invariant)).toEqual(
      expect.arrayContaining(['funds.conservation', 'funds.reserves', 'ledger.equity']),
    );
    expect(summary.properties[0]?.invariants?.map((i) => i.name)).not.toContain('funds.conservation');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(
      '<testcase name="funds.conservation" classname="shakedown.trading.margin-and-marks.invariants" time="0.000">\n      <skipped message="not checked: missing: accounts"/>',
    );
    // One skipped case per invariant not checked, each with its reason.
    expect(xml.match(/<skipped message="not checked: missing: [^"]*"\/>/g)).toHaveLength(skipped.length);
  });

  it('a property whose every invariant needs what the target lacks is SHK_NOTHING_TO_CHECK', () => {
    const result = run(
      '--target',
      NO_ACCOUNTS,
      '--property',
      'margin-and-marks',
      '--invariants',
      'funds.conservation,ledger.equity',
    );
    const line = expectUsage(result, 'SHK_NOTHING_TO_CHECK');
    expect(line).toContain('margin-and-marks: funds.conservation (missing: accounts)');
    expect(line).toContain('ledger.equity (missing: accounts, margin)');
    expect(line).toContain('the target provides: ');
    // Decided once the target is built (its capabilities), before any run: no summary, nothing ran.
    expect(result.stderr).not.toMatch(/runs, \d+ actions/);
  });
});

describe('run --strict', () => {
  // One action per run and no faults: no request is ever retried, so this has nothing to check.
  const vacuous = ['--property', 'trading-venue', '--invariants', 'retries.execute-once', '--runs', '3'];

  it('an invariant with nothing to check in any run is a warning, and the run passes', () => {
    const result = run(...vacuous, '--max-actions', '1');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '        warning: retries.execute-once had nothing to check in any of its 3 runs (no retried requests): its pass says nothing',
    );
    expect(result.stdout).toContain('not checked (not in --invariants): 32 of its invariants');
    expect(result.stdout).toMatch(/^passed: /m);
  });

  it('with --strict the same campaign fails: verdict fail, exit 1', () => {
    const result = run(...vacuous, '--max-actions', '1', '--strict', '--json');
    expect(result.status, result.stderr).toBe(1);
    const summary = json(result);
    expect(summary.strict).toBe(true);
    expect(summary.verdict).toBe('fail');
    expect(summary.properties[0]?.warnings?.map((w) => [w.kind, w.subject])).toEqual([
      ['vacuous', 'retries.execute-once'],
    ]);
  });
});
