import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chaosSummary,
  failingSummary,
  passingSummary,
  unknownSummary,
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

describe('the JSON summary schema (docs/summary.schema.json)', () => {
  it('accepts every kind of summary', () => {
    for (const summary of [passingSummary(), failingSummary(), unknownSummary(), chaosSummary()])
      expect(check(summary), summary.verdict).toEqual([]);
  });

  it('refuses a missing field, a wrong type, an extra field and a bad fault kind', () => {
    const { coverage: _gone, ...missing } = passingSummary();
    expect(check(missing).join()).toContain('coverage');
    expect(check({ ...passingSummary(), runs: 'many' }).join()).toContain('/runs');
    expect(check({ ...passingSummary(), extra: 1 }).join()).toContain('additional');
    expect(check({ ...passingSummary(), faults: { drop: 1 } }).length).toBeGreaterThan(0);
  });

  it('describes what the CLI really prints, for a failing ws-free campaign with faults', () => {
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
