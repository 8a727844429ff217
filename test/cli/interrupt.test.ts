import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXIT_INTERRUPTED,
  type InterruptHost,
  type InterruptSignal,
  installInterrupt,
  withInterrupt,
  yieldingBetweenRuns,
} from '../../src/cli/interrupt.ts';
import { createProgressBar, TERMINAL_RESTORE } from '../../src/cli/progress-bar.ts';
import { runDiffCampaign } from '../../src/core/diff/diff-campaign.ts';
import {
  collectOwnedResources,
  killOwnedChildren,
  ownChild,
  ownDir,
  ownedChildren,
  ownedDirs,
  removeOwnedDirs,
} from '../../src/core/process/owned-resources.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { abandonablePool, isAbandoned, untilAbandoned } from '../../src/core/runner/abandon.ts';
import { type CampaignResult, runCampaign } from '../../src/core/runner/campaign.ts';
import type { RunPool } from '../../src/core/runner/run-pool.ts';
import { runSoak } from '../../src/core/soak/soak-loop.ts';
import { spawnTsWorker } from '../../src/core/workers/spawn-ts-worker.ts';
import { TRADING_DIFF_NORMALIZER } from '../../src/domains/trading/diff/trading-diff-normalizer.ts';
import type { TradingAction } from '../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../src/domains/trading/trading-pack.ts';
import { passingSummary } from '../support/summary-fixtures.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A process stand-in: signals are emitted by the test, timers fire when the test says. */
function fakeHost() {
  const listeners = new Map<InterruptSignal, ((signal: InterruptSignal) => void)[]>();
  const timers: { fn: () => void; ms: number; cleared: boolean; unref: boolean }[] = [];
  const state = { lines: [] as string[], exits: [] as number[], killed: 0 };
  const host: InterruptHost = {
    on: (signal, listener) => listeners.set(signal, [...(listeners.get(signal) ?? []), listener]),
    off: (signal, listener) =>
      listeners.set(
        signal,
        (listeners.get(signal) ?? []).filter((l) => l !== listener),
      ),
    write: (line) => state.lines.push(line),
    exit: (code) => state.exits.push(code),
    killOwned: () => {
      state.killed++;
    },
    setTimeout: (fn, ms) => {
      const timer = { fn, ms, cleared: false, unref: false };
      timers.push(timer);
      return {
        unref: () => {
          timer.unref = true;
        },
      };
    },
    clearTimeout: () => {},
  };
  const emit = (signal: InterruptSignal) => {
    for (const l of listeners.get(signal) ?? []) l(signal);
  };
  const count = () => [...listeners.values()].reduce((n, list) => n + list.length, 0);
  return { host, state, timers, emit, count };
}

describe('the interrupt (SIGINT, SIGTERM at the CLI edge)', () => {
  it('first signal: hooks run, stop aborts, abandon after the grace; second: kill what shakedown owns, exit 130', () => {
    const { host, state, timers, emit } = fakeHost();
    const interrupt = installInterrupt({ command: 'run', graceMs: 2000, host });
    const order: string[] = [];
    interrupt.onSignal(() => order.push('terminal restored'));
    expect(interrupt.interrupted).toBe(false);
    emit('SIGTERM');
    expect(interrupt.signal).toBe('SIGTERM');
    expect(interrupt.stop.aborted).toBe(true);
    expect(interrupt.abandon.aborted).toBe(false);
    expect(order).toEqual(['terminal restored']);
    expect(state.lines.join('')).toContain('shakedown run: SIGTERM: stopping');
    // The grace timer never keeps the process alive on its own.
    const grace = timers.find((t) => t.ms === 2000);
    expect(grace?.unref).toBe(true);
    grace?.fn();
    expect(interrupt.abandon.aborted).toBe(true);
    expect(state.exits).toEqual([]);
    emit('SIGINT');
    expect(order).toEqual(['terminal restored', 'terminal restored']);
    expect(state.killed).toBe(1);
    expect(state.exits).toEqual([EXIT_INTERRUPTED]);
    expect(state.lines.join('')).toContain('SIGINT again: exiting at once');
  });

  it('a command done with no signal gives the handlers back', () => {
    const { host, count, emit, state } = fakeHost();
    const interrupt = installInterrupt({ command: 'soak', host });
    expect(count()).toBe(2);
    interrupt.dispose();
    expect(count()).toBe(0);
    emit('SIGINT');
    expect(state.lines).toEqual([]);
  });

  it('bounded: waits in full until a signal; once interrupted, at most the clean-up bound', async () => {
    const { host, emit } = fakeHost();
    const realTimers: InterruptHost = {
      ...host,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
    };
    const interrupt = installInterrupt({ command: 'run', host: realTimers, cleanupMs: 20 });
    expect(await interrupt.bounded(Promise.resolve(7))).toBe(7);
    expect(await interrupt.bounded(undefined)).toBeUndefined();
    await expect(interrupt.bounded(Promise.reject(new Error('before')))).rejects.toThrow('before');
    const never = interrupt.bounded(new Promise<number>(() => {}));
    // Waiting on something that never ends: the signal puts a bound on it.
    emit('SIGINT');
    expect(await never).toBeUndefined();
    expect(await interrupt.bounded(Promise.reject(new Error('after')))).toBeUndefined();
  });

  it('withInterrupt: 130 once a signal came, whatever the command returns or throws after it', async () => {
    const { host, emit, state } = fakeHost();
    expect(await withInterrupt('run', async () => 1, { host })).toBe(1);
    await expect(
      withInterrupt(
        'run',
        async () => {
          throw new Error('no signal');
        },
        { host },
      ),
    ).rejects.toThrow('no signal');
    expect(
      await withInterrupt(
        'run',
        async () => {
          emit('SIGTERM');
          return 0;
        },
        { host },
      ),
    ).toBe(EXIT_INTERRUPTED);
    expect(
      await withInterrupt(
        'replay',
        async () => {
          emit('SIGINT');
          throw new Error('worker gone');
        },
        { host },
      ),
    ).toBe(EXIT_INTERRUPTED);
    expect(state.lines.join('')).toContain('shakedown replay: after SIGINT: worker gone');
  });
});

describe('an in-process campaign hears signals', () => {
  it('its factory lets the event loop turn before each target: a signal handler gets to run between runs', async () => {
    class Factory {
      readonly name = 'counting';
      made = 0;
      async create() {
        this.made++;
        return this.made as never;
      }
      async dispose() {
        this.made = -1;
      }
    }
    const inner = new Factory();
    const factory = yieldingBetweenRuns(inner);
    expect(factory.name).toBe('counting');
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    // Promise jobs alone never let a macrotask (a signal's delivery) in; create() does.
    await factory.create();
    expect(turned).toBe(true);
    expect(inner.made).toBe(1);
    await factory.dispose?.();
    expect(inner.made).toBe(-1);
  });
});

describe('the progress bar gives the terminal back', () => {
  it('stop writes the cursor and line-wrap restore sequences, and nothing is drawn after it', () => {
    let text = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    );
    const bar = createProgressBar({ stream, totalRuns: 10, timeBudgetMs: 60_000, now: () => 0 });
    bar.property('trading-venue');
    expect(text).toContain('\x1B[?25l');
    expect(text).toContain('\x1B[?7l');
    bar.stop();
    expect(text.endsWith(TERMINAL_RESTORE)).toBe(true);
    const after = text.length;
    bar.run({ actions: 5, failed: false });
    bar.property('order-lifecycle');
    bar.stop();
    expect(text.length).toBe(after);
  });
});

describe('a campaign told to stop, or to abandon', () => {
  const pack = tradingPack;
  const base = async (bugs: string[]) => ({
    invariants: pack.invariants,
    projection: pack.projection,
    clients: pack.clients,
    factory: await pack.targetFactory({ kind: 'inproc' }, { bugs, seed: 1, faults: [] } as never),
    seed: 1,
    runs: 100_000,
    timeBudgetMs: 600_000,
    shrinkBudgetMs: 600_000,
    now: Date.now,
  });
  const property = (name: string) =>
    pack.properties.find((p) => p.name === name) as (typeof pack.properties)[0];

  it('stopped at its first failure: the failure is kept, with its report; the next property is not reached', async () => {
    const stop = new AbortController();
    const result: CampaignResult<TradingAction> = await runCampaign<TradingAction>({
      ...(await base(['overfill'])),
      properties: [property('trading-venue'), property('order-lifecycle')],
      stop: stop.signal,
      onRun: (p) => {
        if (p.failed) stop.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    const [first, second] = result.properties;
    expect(first.failure?.report.verdict.status).toBe('fail');
    expect(first.failure?.shrinks).toBe(0);
    expect(first.interrupted).toBe(true);
    expect(second).toMatchObject({ runs: 0, interrupted: true });
  });

  it('abandoned while a run hangs: the campaign returns with the runs it finished', async () => {
    const options = await base([]);
    const stop = new AbortController();
    const abandon = new AbortController();
    let creates = 0;
    const factory = {
      ...options.factory,
      create: () => {
        if (creates++ < 3) return options.factory.create();
        // A run that never ends: a target stuck for good. Stop, and abandon at once.
        queueMicrotask(() => {
          stop.abort();
          abandon.abort();
        });
        return new Promise<never>(() => {});
      },
    };
    const result = await runCampaign<TradingAction>({
      ...options,
      factory,
      properties: [property('order-lifecycle'), property('trading-venue')],
      stop: stop.signal,
      abandon: abandon.signal,
    });
    expect(result.interrupted).toBe(true);
    // The properties take turns: order-lifecycle ran runs 0 and 1, trading-venue run 0, and
    // hung on its run 1.
    expect(result.properties[0]).toMatchObject({ runs: 2, interrupted: true });
    expect(result.properties[1]).toMatchObject({ runs: 1, interrupted: true });
  });

  it('an abandoned pool is waited on no more, and what it settles later is dropped', async () => {
    const signal = new AbortController();
    let onSettled: ((s: { runIndex: number; skipped: true }) => void) | undefined;
    const cuts: number[] = [];
    const stuck: RunPool<TradingAction> = {
      size: 1,
      startProperty: async (_job, settled) => {
        onSettled = settled as never;
      },
      submit: () => new Promise(() => {}),
      generates: () => false,
      submitBlock: () => new Promise(() => {}),
      cut: () => cuts.push(1),
      drain: () => new Promise(() => {}),
      crashes: () => [],
    };
    const pool = abandonablePool(stuck, signal.signal);
    const seen: number[] = [];
    await pool.startProperty({} as never, (s) => seen.push(s.runIndex));
    onSettled?.({ runIndex: 0, skipped: true });
    const drained = pool.drain();
    signal.abort();
    await drained;
    await pool.submit(1, []);
    onSettled?.({ runIndex: 1, skipped: true });
    pool.cut();
    expect(seen).toEqual([0]);
    expect(cuts).toEqual([1]);
    await expect(untilAbandoned(() => Promise.resolve(1), signal.signal)).rejects.toSatisfy(isAbandoned);
  });

  it('a diff stopped after a few sequences ends at once, with the ones it compared', async () => {
    const stop = new AbortController();
    const inproc = () => pack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 1, faults: [] } as never);
    const left = await inproc();
    let creates = 0;
    const counted = {
      ...left,
      create: () => {
        // Each sequence makes one target per side: stop once three were compared.
        if (++creates === 3) stop.abort();
        return left.create();
      },
    };
    const result = await runDiffCampaign<TradingAction>({
      property: property('order-lifecycle'),
      left: { name: 'left', factory: counted },
      right: { name: 'right', factory: await inproc() },
      clients: pack.clients,
      projection: pack.projection,
      normalize: TRADING_DIFF_NORMALIZER,
      describeAction: (action) => pack.describeAction(action),
      seed: 1,
      // Generating them all after the stop would take minutes: the stop ends generation too.
      runs: 10_000_000,
      maxActions: 20,
      quietMs: 0,
      timeBudgetMs: 600_000,
      now: Date.now,
      stop: stop.signal,
    });
    expect(result).toMatchObject({ runs: 3, interrupted: true });
    expect(result.found).toBeUndefined();
  });

  it('a soak stopped ends its rounds: stoppedBy interrupted', async () => {
    const stop = new AbortController();
    let rounds = 0;
    let now = 0;
    const result = await runSoak<TradingAction>({
      campaign: { ...(await base([])), properties: [], stop: stop.signal } as never,
      seed: 1,
      durationMs: 3_600_000,
      progressEveryMs: 1000,
      now: () => now,
      memory: () => ({ rssBytes: 0, heapUsedBytes: 0 }),
      runRound: async () => {
        rounds++;
        now += 10;
        if (rounds === 2) stop.abort();
        return {
          seed: 1,
          runs: 0,
          actions: 0,
          durationMs: 0,
          interrupted: false,
          properties: [],
          faults: {},
          unfired: [],
          exercised: [],
          latency: [],
        };
      },
    });
    expect(rounds).toBe(2);
    expect(result).toMatchObject({ stoppedBy: 'interrupted', verdict: 'pass' });
  });
});

describe('what shakedown owns, ended at once', () => {
  it('kills the children and removes the directories of every thread, synchronously', async () => {
    collectOwnedResources();
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => sleeper.once('exit', (_code, signal) => resolve(signal)));
    ownChild(sleeper.pid as number);
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-owned-'));
    dirs.push(dir);
    ownDir(dir);
    // A worker thread's child and directory reach this (the main) thread.
    const workerDir = mkdtempSync(join(tmpdir(), 'shakedown-owned-worker-'));
    dirs.push(workerDir);
    const worker = spawnTsWorker(new URL('../fixtures/own-child-worker.ts', import.meta.url), {
      dir: workerDir,
    });
    try {
      const workerChild = await new Promise<number>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const deadline = Date.now() + 30_000;
      while (!ownedChildren().includes(workerChild) || !ownedDirs().includes(workerDir)) {
        if (Date.now() > deadline) throw new Error('the worker thread never announced its child');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const killed = killOwnedChildren();
      expect(killed).toEqual(expect.arrayContaining([sleeper.pid, workerChild]));
      removeOwnedDirs();
      expect(existsSync(dir)).toBe(false);
      expect(existsSync(workerDir)).toBe(false);
      expect(await exited).toBe('SIGKILL');
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});

describe('the summary of an interrupted campaign', () => {
  it('is valid against docs/summary.schema.json with signal, and a signal is SIGINT or SIGTERM', () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../docs/summary.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const summary: CampaignSummary = { ...passingSummary(), interrupted: true, signal: 'SIGTERM' };
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...summary, signal: 'SIGKILL' })).toBe(false);
  });
});
