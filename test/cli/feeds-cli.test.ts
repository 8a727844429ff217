import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FEEDS_PLANTED_BUGS } from '../../src/feeds-proxy/index.ts';
import { BIN, shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-feeds-cli-');
const cli = (args: readonly string[]) => shakedown(args, { timeoutMs: 120_000 });

/**
 * The feeds domain through the real CLI, as a user runs it: a clean campaign, the catalogue,
 * the reference proxy served on a socket, and a short run over sockets with link faults (the
 * planted bugs are in feeds-bugs-cli.test.ts). Every campaign is bounded by its run
 * count; none depends on how much fits in a wall-clock window.
 */
describe('shakedown --domain feeds, end to end', () => {
  // 100 runs of each property through the command; the clean proxy passing 200 in-process runs
  // of each is test/campaign/feeds-planted-bugs.test.ts's (it was 200 here too: 4.8 s of CPU,
  // the file's largest campaign, for the same checks of the command).
  it('run --domain feeds --seed 1 --runs 100 passes in process', () => {
    const out = tempDir();
    const run = cli(['run', '--domain', 'feeds', '--seed', '1', '--runs', '100', '--out', out]);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    for (const property of ['feeds-clean', 'feeds-failover', 'feeds-reorg', 'feeds-chaos'])
      expect(run.stdout).toContain(`pass  ${property}: 100 runs`);
    expect(run.stdout).toContain('passed: 400 runs');
    expect(readdirSync(out)).toEqual([]);
  });

  it('--report draws a failure with a lane per upstream: its life, breaker and failovers', () => {
    const dir = tempDir();
    const run = cli([
      'run',
      '--domain',
      'feeds',
      '--bug',
      'gap_on_failover',
      '--property',
      'feeds-failover',
      '--seed',
      '1',
      '--runs',
      '200',
      '--out',
      join(dir, 'replays'),
      '--report',
      join(dir, 'report'),
    ]);
    expect(run.status, run.stderr + run.stdout).toBe(1);
    const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    expect(html).toMatch(/>upstream:u\d</);
    expect(html).toMatch(/◆ newHeads failover u\d → u\d/);
    const markdown = readFileSync(join(dir, 'report', 'failure-1-feeds-failover.md'), 'utf8');
    expect(markdown).toContain('◆ newHeads failover');
  });

  it('list --domain feeds lists the properties, invariants, planted bugs and fault kinds', () => {
    const list = cli(['list', '--domain', 'feeds']);
    expect(list.status, list.stderr).toBe(0);
    for (const heading of [
      'properties (4)',
      'invariants (15)',
      `planted bugs (${FEEDS_PLANTED_BUGS.length})`,
      'fault kinds',
    ])
      expect(list.stdout).toContain(heading);
    for (const bug of FEEDS_PLANTED_BUGS)
      expect(list.stdout).toMatch(new RegExp(`${bug.name} +caught by ${bug.invariant.replace('.', '\\.')}`));
  });

  it('run --domain feeds --target ws --faults with a run count passes over sockets, the faults firing', () => {
    // Bounded by its run count; its wall time is its sockets' and quiet periods', which a loaded
    // machine stretches (a 120 s backstop was once reached with the machine's load at 14 on 2
    // cores): the backstops below are for a hung child only.
    const run = shakedown(
      [
        'run',
        '--domain',
        'feeds',
        '--target',
        'ws',
        '--faults',
        'frame.drop,frame.duplicate,connection.close',
        '--property',
        'feeds-chaos',
        '--seed',
        '3',
        '--runs',
        '12',
        // Four runs at once, each lane its own venue: the same verdicts as one at a time.
        '--concurrency',
        '4',
        '--json',
      ],
      { timeoutMs: 240_000 },
    );
    expect(run.status, run.stderr + run.stdout.slice(0, 2000)).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      verdict: string;
      runs: number;
      faults: Record<string, number>;
      execution?: { mode: string; lanes: number };
    };
    expect(summary.verdict).toBe('pass');
    expect(summary.runs).toBe(12);
    expect(summary.execution).toMatchObject({ mode: 'concurrent', lanes: 4 });
    expect(Object.values(summary.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 300_000);
});

describe('shakedown serve --domain feeds', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('starts on 127.0.0.1:0, answers a JSON-RPC call, and stops on SIGTERM', async () => {
    const started = spawn(
      process.execPath,
      [BIN, 'serve', '--domain', 'feeds', '--port', '0', '--log-level', 'silent'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${text}`)), 20_000);
      started.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /ws:\/\/127\.0\.0\.1:\d+/.exec(text);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited ${code}: ${text}`));
      });
    });
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const socket = new WebSocket(`${url}/?client=cli-test`);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('no answer'));
      }, 10_000);
      socket.once('open', () =>
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'eth_blockNumber', params: [] })),
      );
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frame.id !== 7) return;
        clearTimeout(timer);
        socket.close();
        resolve(frame);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    expect(answer.jsonrpc).toBe('2.0');
    expect(answer.result).toMatch(/^0x[0-9a-f]+$/);
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    expect(code).toBe(0);
  }, 60_000);
});
