import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNdjsonEvents } from '../../src/core/sequencer/ndjson-event-sink.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-cli-');
const cli = (...args: string[]) => shakedown(args, { timeoutMs: 120_000 });

const withoutClock = (text: string): unknown => {
  const { createdAt: _c, durationMs: _d, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return rest;
};

describe('shakedown run and replay, end to end', () => {
  it('passes on the clean exchange, prints the seed, and streams its record to NDJSON', async () => {
    const out = tempDir();
    const record = join(tempDir(), 'record.ndjson');
    // 12 runs of each property: enough for every fault chaos-recovery requires to fire (with 5
    // runs process.pause never does, and the campaign fails; with 8-10 it fires once, with 12
    // three times), and far over the 1,000 events checked below (8 runs record 17,000); the
    // clean exchange passing many runs is the campaign tests' (it was 20 runs here).
    const run = cli(
      'run',
      '--seed',
      '1',
      '--runs',
      '12',
      '--out',
      out,
      '--record',
      record,
      '--log-level',
      'warn',
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toContain('seed 1');
    expect(readdirSync(out)).toEqual([]);
    let events = 0;
    // The reader checks every line and that gseq rises through the whole file.
    for await (const _event of readNdjsonEvents(record)) events++;
    expect(events).toBeGreaterThan(1000);
  });

  it('finds a planted bug, saves a replay that reproduces it, and the same seed writes the same file', () => {
    const first = tempDir();
    const second = tempDir();
    const args = [
      '--bug',
      'overfill',
      '--seed',
      '1',
      '--time-budget',
      '5m',
      '--property',
      'trading-venue',
      '--json',
    ];
    const a = cli('run', ...args, '--out', first, '--log-level', 'warn');
    expect(a.status, a.stderr).toBe(1);
    const summary = JSON.parse(a.stdout) as {
      seed: number;
      passed: boolean;
      failures: { replayFile: string; violations: { invariant: string }[] }[];
    };
    expect(summary).toMatchObject({ seed: 1, passed: false });
    const invariants = summary.failures[0].violations.map((v) => v.invariant);
    expect(invariants).toContain('orders.quantities');

    const b = cli('run', ...args, '--out', second, '--log-level', 'warn');
    expect(b.status).toBe(1);
    const [fileA] = readdirSync(first);
    const [fileB] = readdirSync(second);
    expect(fileA).toBe(fileB);
    expect(withoutClock(readFileSync(join(first, fileA), 'utf8'))).toEqual(
      withoutClock(readFileSync(join(second, fileB), 'utf8')),
    );

    const replay = cli('replay', join(first, fileA), '--json');
    expect(replay.status, replay.stderr).toBe(1);
    const replayed = JSON.parse(replay.stdout) as {
      violations: { invariant: string }[];
      divergence?: string;
    };
    expect(replayed.divergence).toBeUndefined();
    expect(replayed.violations.map((v) => v.invariant)).toEqual(invariants);

    const eventsOnly = cli('replay', join(first, fileA), '--events-only', '--json');
    expect(eventsOnly.status).toBe(1);
    expect((JSON.parse(eventsOnly.stdout) as { violations: unknown[] }).violations.length).toBeGreaterThan(0);
  });

  it('a garbage replay file exits 2 with a one-line reason', () => {
    const dir = tempDir();
    const file = join(dir, 'garbage.json');
    writeFileSync(file, 'not json at all');
    const result = cli('replay', file);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('SHK_REPLAY_INVALID');
    writeFileSync(file, JSON.stringify({ format: 'shakedown-replay', version: 1 }));
    const missing = cli('replay', file);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/tool|is missing/);
  });

  it('bad flags exit 2 naming the flag', () => {
    const result = cli('run', '--runs', 'many');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--runs');
    const bug = cli('run', '--bug', 'no_such_bug');
    expect(bug.status).toBe(2);
    expect(bug.stderr).toContain('no_such_bug');
  });
});
