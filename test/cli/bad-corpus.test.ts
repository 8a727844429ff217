import { readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayFile } from '../../src/core/replay/replay-file.ts';
import { serializeReplayFile } from '../../src/core/replay/replay-file.ts';
import { MAX_REPLAY_FILE_BYTES } from '../../src/core/replay/write-replay-file.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-bad-corpus-');
const cli = (...args: string[]) => shakedown(args, { timeoutMs: 120_000 });

const place = (client: string, side: string, id: string) => ({
  kind: 'place',
  client,
  gapMs: 0,
  symbol: 'SANDBOX.BTC-USD',
  side,
  orderType: 'limit',
  tif: 'gtc',
  price: 20000,
  qty: 0.01,
  clientOrderId: id,
});

/** A sound replay file of trading-venue (a maker and a taker trade once); `change` edits a copy. */
function replayFile(change: (replay: ReplayFile & Record<string, unknown>) => void = () => {}): string {
  const replay = {
    format: 'shakedown-replay',
    version: 1,
    tool: '0.1.0',
    domain: 'trading',
    property: 'trading-venue',
    target: 'inproc',
    seed: 1,
    runIndex: 0,
    path: '0:0',
    bugs: [],
    settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
    actions: [place('maker', 'sell', 'm-1'), place('taker', 'buy', 't-1')],
    events: [],
    violations: [],
    verdict: 'fail',
    evidence: { history: [], snapshot: {}, extra: {} },
    createdAt: '2025-03-14T09:26:53.589Z',
    durationMs: 1,
  } as ReplayFile & Record<string, unknown>;
  change(replay);
  return serializeReplayFile(replay);
}

const bogusKind = replayFile((r) => {
  r.actions[1] = { ...(r.actions[1] as object), kind: 'bogus' };
});

/** A refusal is one line with its code and the field: no stack, nothing run. */
function expectRefused(
  result: { status: number | null; stderr: string; stdout: string },
  message: string,
): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toContain('SHK_REPLAY_INVALID');
  expect(result.stderr).toContain(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}

describe('bad replay files', () => {
  it('replay FILE refuses an action of unknown kind, naming the step and the field', () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, bogusKind);
    expectRefused(cli('replay', file), `${file}: actions[1].kind: unknown action kind "bogus"`);
  });

  it('replay FILE refuses a planted bug that does not exist instead of replaying without it', () => {
    const file = join(tempDir(), 'unknown-bug.json');
    writeFileSync(
      file,
      replayFile((r) => {
        r.bugs = ['foo'];
      }),
    );
    expectRefused(cli('replay', file), `${file}: bugs[0]: unknown planted bug "foo"; known: overfill,`);
    expectRefused(cli('replay', file, '--events-only'), 'bugs[0]: unknown planted bug "foo"');
  });

  it('replay FILE refuses a file that contradicts its own settings, and one over the size cap, at once', () => {
    const dir = tempDir();
    const long = join(dir, 'long.json');
    // Far more actions than the file's own settings allow: the count is what is refused. It held
    // 200,000 once, a 50 MB file for the test to write and the CLI to read and parse (some 0.7 s
    // of CPU between them, twice the whole refusal's) for the same comparison.
    writeFileSync(
      long,
      replayFile((r) => {
        r.actions = Array.from({ length: 2_000 }, (_, i) => place('maker', 'buy', `m-${i}`));
      }),
    );
    expectRefused(cli('replay', long), 'actions holds 2000 actions, more than settings.maxActions (60)');
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, replayFile());
    truncateSync(huge, MAX_REPLAY_FILE_BYTES + 1);
    expectRefused(
      cli('replay', huge),
      `${MAX_REPLAY_FILE_BYTES + 1} bytes, more than a replay file may hold`,
    );
  });

  it('run warns about a bad corpus file, skips it, replays the good one and runs the campaign', () => {
    const out = tempDir();
    writeFileSync(join(out, 'a-bad.json'), bogusKind);
    writeFileSync(join(out, 'b-good.json'), replayFile());
    const run = cli(
      'run',
      '--out',
      out,
      '--seed',
      '1',
      '--runs',
      '5',
      '--property',
      'trading-venue',
      '--json',
      '--log-format',
      'json',
      '--no-progress',
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const logs = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; file?: string; verdict?: string });
    const warning = logs.find((l) => l.level === 40 && l.file === join(out, 'a-bad.json'));
    expect(warning?.msg).toBe(
      `skipping ${join(out, 'a-bad.json')}: actions[1].kind: unknown action kind "bogus"; known: place, cancel, replace, cancel_all, set_mark, reconnect, halt, resume_trading, reset, status, malformed, configure, fault`,
    );
    expect(logs.filter((l) => l.msg === 'regression replay')).toEqual([
      expect.objectContaining({ file: join(out, 'b-good.json'), verdict: 'pass' }),
    ]);
    const summary = JSON.parse(run.stdout) as { passed: boolean; runs: number };
    // Five generated runs and the good file's regression run.
    expect(summary).toMatchObject({ passed: true, runs: 6 });
    // Nothing was written over or removed.
    expect(readdirSync(out).sort()).toEqual(['a-bad.json', 'b-good.json']);
  });
});
