import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, faultKind } from '../../src/core/faults/fault.ts';
import type { FaultRecord } from '../../src/core/faults/fault-record.ts';
import type { Violation } from '../../src/core/model/invariant.ts';
import type { ReplayFile } from '../../src/core/replay/replay-file.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../src/core/runner/campaign.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';

const BIN = join(import.meta.dirname, '../../bin/shakedown.js');
const BUG = 'retry_fresh_client_order_id';
const INVARIANT = 'retries.execute-once';

function shakedown(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ReplayResult {
  mode: string;
  reproduced: boolean;
  violations: Violation[];
  divergence?: string;
  converged?: boolean;
  differences?: { client: string; path: string }[];
}

/**
 * A failure found with faults mixed in, saved by `shakedown run` (in process) and replayed by
 * `shakedown replay`: the faults are actions of the file like any other, so re-executing it
 * gives back the same events, fault records and violations, and the no-target modes still
 * work on it.
 */
describe('a replay file with faults, end to end', () => {
  let dir: string;
  let file: string;
  let replay: ReplayFile;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-replay-faults-'));
    const run = shakedown(
      'run',
      '--bug',
      BUG,
      '--property',
      'chaos-recovery',
      '--seed',
      '1',
      '--runs',
      '100',
      '--out',
      dir,
      '--json',
      '--log-level',
      'warn',
    );
    expect(run.status, run.stderr + run.stdout).toBe(1);
    const summary = JSON.parse(run.stdout) as {
      passed: boolean;
      failures: { replayFile: string | null; violations: Violation[] }[];
    };
    expect(summary.passed).toBe(false);
    expect(summary.failures).toHaveLength(1);
    expect(summary.failures[0].violations.map((v) => v.invariant)).toContain(INVARIANT);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    file = join(dir, files[0]);
    replay = JSON.parse(readFileSync(file, 'utf8')) as ReplayFile;
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the fault actions and the records of what they did', () => {
    expect(replay.bugs).toEqual([BUG]);
    expect(replay.target).toBe('inproc');
    expect(replay.verdict).toBe('fail');
    expect(replay.violations.map((v) => v.invariant)).toContain(INVARIANT);
    const actions = replay.actions as TradingAction[];
    const faults = actions.filter((a) => a.kind === 'fault');
    expect(faults.length).toBeGreaterThan(0);
    const records = replay.evidence.extra.faults as FaultRecord[] | undefined;
    expect(Array.isArray(records) && records.length > 0, JSON.stringify(replay.evidence.extra)).toBe(true);
    // Each record names the fault action that armed it, of its kind.
    for (const record of records ?? []) {
      const action = actions[record.step] as { kind: string; fault?: Fault } | undefined;
      expect(action?.kind, JSON.stringify(record)).toBe('fault');
      expect(faultKind(action!.fault!)).toBe(record.kind);
    }
  });

  it('re-executes to the same violations and the same recorded events (exit 1)', () => {
    const result = shakedown('replay', file, '--json');
    expect(result.status, result.stderr + result.stdout).toBe(1);
    const replayed = JSON.parse(result.stdout) as ReplayResult;
    expect(replayed.mode).toBe('execute');
    expect(replayed.reproduced).toBe(true);
    // The command compares the new recording with the file's and names the first difference.
    expect(replayed.divergence).toBeUndefined();
    expect(replayed.violations).toEqual(replay.violations);
  });

  it('re-executed as the command does, the faults act exactly as recorded', async () => {
    // The command prints no fault records: re-execute the same way here to compare them too.
    const factory = await tradingPack.targetFactory(
      { kind: 'inproc' },
      { bugs: replay.bugs, seed: replay.seed },
    );
    try {
      const property = tradingPack.properties.find((p) => p.name === replay.property)!;
      const again = await executeRun(factory as never, replay.actions as TradingAction[], {
        clients: tradingPack.clients,
        projection: tradingPack.projection,
        invariants: tradingPack.invariants.filter((i) => property.invariants.includes(i.name)),
        settings: { ...DEFAULT_SETTINGS, ...property.settings },
      });
      expect(again.evidence.extra.faults).toEqual(replay.evidence.extra.faults);
      expect(again.evidence.events).toEqual(replay.events);
      expect(again.verdict.status === 'fail' ? again.verdict.violations : []).toEqual(replay.violations);
    } finally {
      await factory.dispose?.();
    }
  });

  it('--events-only finds the same violations in the recorded events, with no target (exit 1)', () => {
    const result = shakedown('replay', file, '--events-only', '--json');
    expect(result.status, result.stderr + result.stdout).toBe(1);
    const replayed = JSON.parse(result.stdout) as ReplayResult;
    expect(replayed.mode).toBe('events-only');
    expect(replayed.violations).toEqual(replay.violations);
  });

  it('--shuffle replays the events in a seeded order and exits 0 only when the views converge', () => {
    const result = shakedown('replay', file, '--shuffle', '--shuffle-seed', '3', '--json');
    expect(result.status === 0 || result.status === 1, result.stderr).toBe(true);
    const replayed = JSON.parse(result.stdout) as ReplayResult;
    expect(replayed.mode).toBe('shuffle');
    expect(typeof replayed.converged).toBe('boolean');
    expect(result.status).toBe(replayed.converged ? 0 : 1);
    // The same seed gives the same order, so the same report.
    const again = shakedown('replay', file, '--shuffle', '--shuffle-seed', '3', '--json');
    expect(again.status).toBe(result.status);
    expect(JSON.parse(again.stdout)).toEqual(replayed);
    // Only a client the chaos made catch up (a resync snapshot on its session stream) may end
    // elsewhere: the others' streams interleave freely.
    const caughtUp = new Set(
      replay.events
        .filter((e) => (e.event as { type?: string }).type === 'session_resynced')
        .map((e) => e.client),
    );
    for (const d of replayed.differences ?? []) expect(caughtUp, JSON.stringify(d)).toContain(d.client);
  });
});
