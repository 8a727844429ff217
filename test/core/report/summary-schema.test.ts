import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The named export: under NodeNext, TypeScript types the default import of this CommonJS module
// as the module namespace, which is not constructable.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Violation } from '../../../src/core/model/invariant.ts';
import type { CampaignSummary, PropertySummary } from '../../../src/core/report/campaign-summary.ts';
import {
  allSummaries,
  failingSummary,
  passingSummary,
  unfiredFaultsSummary,
} from '../../support/summary-fixtures.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../docs/summary.schema.json'), 'utf8'),
);
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const check = (value: unknown): string[] =>
  validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

/** A copy of a fixture, edited by `change` the way a hand-edited or foreign summary would be. */
function edited(summary: CampaignSummary, change: (copy: CampaignSummary) => void): unknown {
  const copy = structuredClone(summary);
  change(copy);
  return copy;
}

describe('the JSON summary schema (docs/summary.schema.json)', () => {
  it('accepts every fixture, as JSON and as the object itself', () => {
    for (const [name, summary] of Object.entries(allSummaries())) {
      expect(check(summary), name).toEqual([]);
      expect(check(JSON.parse(JSON.stringify(summary))), name).toEqual([]);
    }
  });

  it('accepts the example in docs/summary.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/summary.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(check(JSON.parse(example ?? ''))).toEqual([]);
  });

  it('refuses a missing field, at the top and inside', () => {
    const { coverage: _gone, ...missing } = passingSummary();
    expect(check(missing)).toContain(" must have required property 'coverage'");
    const noSteps = edited(failingSummary(), (s) => {
      delete (s.failures[0]!.violations[0] as Partial<Violation>).steps;
    });
    expect(check(noSteps)).toContain("/failures/0/violations/0 must have required property 'steps'");
    const noVerdict = edited(passingSummary(), (s) => {
      delete (s.properties[1] as Partial<PropertySummary>).verdict;
    });
    expect(check(noVerdict)).toContain("/properties/1 must have required property 'verdict'");
  });

  it('refuses a wrong type', () => {
    expect(check({ ...passingSummary(), runs: 'many' })).toContain('/runs must be integer');
    expect(check({ ...passingSummary(), runs: 1.5 })).toContain('/runs must be integer');
    expect(check({ ...passingSummary(), version: 2 })).toContain('/version must be equal to constant');
    expect(check({ ...passingSummary(), verdict: 'flaky' })).toContain(
      '/verdict must be equal to one of the allowed values',
    );
    const nullReplay = edited(failingSummary(), (s) => {
      Object.assign(s.failures[0]!, { replayFile: 42 });
    });
    expect(check(nullReplay)).toContain('/failures/0/replayFile must be string,null');
    const badHistogram = edited(passingSummary(), (s) => {
      Object.assign(s.latency[0]!.histogram, { 0: [1.2] });
    });
    expect(check(badHistogram).join()).toContain('/latency/0/histogram/0');
  });

  it('refuses an extra field, on every object the summary owns', () => {
    expect(check({ ...passingSummary(), extra: 1 })).toContain(' must NOT have additional properties');
    for (const [where, change] of [
      ['/properties/0', (s) => Object.assign(s.properties[0]!, { note: 'x' })],
      ['/failures/0', (s) => Object.assign(s.failures[0]!, { note: 'x' })],
      ['/failures/0/violations/0', (s) => Object.assign(s.failures[0]!.violations[0]!, { severity: 'high' })],
      ['/coverage', (s) => Object.assign(s.coverage, { note: 'x' })],
      ['/coverage/categories/0', (s) => Object.assign(s.coverage.categories[0]!, { note: 'x' })],
      ['/latency/0', (s) => Object.assign(s.latency[0]!, { p95: 3 })],
      ['/properties/0/slos/0/slo', (s) => Object.assign(s.properties[0]!.slos[0]!.slo, { p95: 3 })],
    ] as [string, (s: CampaignSummary) => void][]) {
      expect(check(edited(failingSummary(), change)), where).toContain(
        `${where} must NOT have additional properties`,
      );
    }
  });

  it('refuses fault counts that are not integers or whose kinds are not category.effect', () => {
    const summary = unfiredFaultsSummary();
    expect(check(summary)).toEqual([]);
    expect(check({ ...summary, faults: { drop: 1 } }).join()).toContain('/faults');
    expect(check({ ...summary, faults: { 'Frame.Drop': 1 } }).join()).toContain(
      'property name must be valid',
    );
    expect(check({ ...summary, faults: { 'frame.drop': 1.5 } })).toContain(
      '/faults/frame.drop must be integer',
    );
    expect(check({ ...summary, faults: { 'frame.drop': '3' } })).toContain(
      '/faults/frame.drop must be integer',
    );
    expect(check({ ...summary, unfiredFaults: ['pause'] }).join()).toContain(
      '/unfiredFaults/0 must match pattern',
    );
  });

  it('describes what the CLI really prints, for a failing in-process campaign with faults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-schema-'));
    dirs.push(dir);
    const result = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '../../../bin/shakedown.js'),
        'run',
        '--bug',
        'overfill',
        '--seed',
        '2',
        '--runs',
        '30',
        '--property',
        'trading-venue',
        'chaos-recovery',
        '--min-coverage',
        'reject=10',
        '--out',
        dir,
        '--json',
        '--log-level',
        'warn',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(check(summary)).toEqual([]);
    expect(summary.failures.length).toBeGreaterThan(0);
  }, 120_000);
});
