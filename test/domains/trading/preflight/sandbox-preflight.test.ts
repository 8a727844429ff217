import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { isShakedownError, type ShakedownError } from '../../../../src/core/shakedown-error.ts';
import {
  type PreflightReport,
  preflightError,
  runSandboxPreflight,
} from '../../../../src/domains/trading/preflight/sandbox-preflight.ts';
import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import { cliAsync, referenceVenues } from './reference-venues.ts';

const venue = referenceVenues();
const PREFIX = 'SANDBOX.';

async function thrown(promise: Promise<unknown>): Promise<ShakedownError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isShakedownError(error)) throw new Error(`expected a ShakedownError, got ${String(error)}`);
  return error;
}

/** A port nothing listens on: one just given back by the system. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sandbox preflight', () => {
  it('passes on the reference exchange: each probe is refused by the symbol rule', async () => {
    const server = await venue(true);
    const report = await runSandboxPreflight({
      url: server.url,
      config: defaultExchangeConfig(),
      sandboxPrefix: PREFIX,
    });
    expect(report).toEqual<PreflightReport>({
      passed: true,
      checks: [
        {
          name: 'sandbox account on a live symbol',
          account: 'maker',
          symbol: 'BTC-USD',
          outcome: 'rejected',
          reason: 'forbidden_symbol',
        },
        {
          name: 'live account on a sandbox symbol',
          account: 'live',
          symbol: 'SANDBOX.BTC-USD',
          outcome: 'rejected',
          reason: 'forbidden_symbol',
        },
      ],
    });
    expect(server.host.snapshot().orders).toEqual([]);
  });

  it('aborts on a leaky sandbox (isolation off): both directions accepted, exit 3, the probe orders cancelled', async () => {
    const server = await venue(false);
    const report = await runSandboxPreflight({
      url: server.url,
      config: defaultExchangeConfig(),
      sandboxPrefix: PREFIX,
    });
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.account, c.symbol, c.outcome, c.reason])).toEqual([
      ['maker', 'BTC-USD', 'accepted', 'the probe order was cancelled'],
      ['live', 'SANDBOX.BTC-USD', 'accepted', 'the probe order was cancelled'],
    ]);
    const error = preflightError(report, server.url);
    expect([error.code, error.exitCode]).toEqual(['SHK_PREFLIGHT_LEAKY_SANDBOX', 3]);
    expect(error.message).toContain(`the sandbox of ${server.url} is not isolated`);
    expect(error.message).toContain('maker on BTC-USD was accepted (the probe order was cancelled)');
    expect(error.message).toContain('live on SANDBOX.BTC-USD was accepted');
    expect(error.message).not.toContain('\n');
    expect(server.host.snapshot().orders).toEqual([]);
  });

  it('a refusal for another reason proves nothing: fail-closed', async () => {
    // A leaky venue whose probe accounts have no cash: the funds check hides the leak.
    const server = await venue(false, (config) => {
      for (const account of config.accounts) account.cash = 0;
    });
    const report = await runSandboxPreflight({
      url: server.url,
      config: defaultExchangeConfig(),
      sandboxPrefix: PREFIX,
    });
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.outcome, c.reason])).toEqual([
      ['inconclusive', 'refused with insufficient_margin, not by the symbol rule'],
      ['inconclusive', 'refused with insufficient_funds, not by the symbol rule'],
    ]);
    const error = preflightError(report);
    expect([error.code, error.exitCode]).toEqual(['SHK_PREFLIGHT_INCONCLUSIVE', 3]);
    expect(error.message).toContain(
      'live on SANDBOX.BTC-USD proves nothing (refused with insufficient_funds, not by the symbol rule)',
    );
  });

  it('a probe account that cannot log in proves nothing either', async () => {
    const server = await venue(true);
    const config = defaultExchangeConfig();
    const live = config.accounts.find((a) => a.id === 'live');
    if (live) live.key = 'wrong-key';
    const report = await runSandboxPreflight({ url: server.url, config, sandboxPrefix: PREFIX });
    expect(report.passed).toBe(false);
    expect(report.checks[1]).toMatchObject({ account: 'live', outcome: 'inconclusive' });
    expect(report.checks[1]?.reason).toContain('login refused: login_failed');
  });

  it('probes the accounts and symbols of the config: the first sandbox and non-sandbox account', async () => {
    const server = await venue(true);
    const config = defaultExchangeConfig();
    config.accounts = config.accounts.filter((a) => a.id === 'taker' || a.id === 'live');
    config.instruments = [...config.instruments].reverse();
    const report = await runSandboxPreflight({ url: server.url, config, sandboxPrefix: PREFIX });
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => [c.account, c.symbol])).toEqual([
      ['taker', 'BTC-USD'],
      ['live', 'SANDBOX.ETH-USD'],
    ]);
  });

  it('says so when the config knows no account or symbol on one side of the sandbox', async () => {
    const noLive = defaultExchangeConfig();
    noLive.accounts = noLive.accounts.filter((a) => a.sandbox);
    const unconfigured = await thrown(
      runSandboxPreflight({ url: 'ws://127.0.0.1:1', config: noLive, sandboxPrefix: PREFIX }),
    );
    expect(unconfigured.code).toBe('SHK_PREFLIGHT_UNCONFIGURED');
    expect(unconfigured.message).toContain('the venue config has no non-sandbox account;');
    // Another prefix (as --sandbox-prefix gives) leaves no symbol inside the sandbox.
    const otherPrefix = await thrown(
      runSandboxPreflight({
        url: 'ws://127.0.0.1:1',
        config: defaultExchangeConfig(),
        sandboxPrefix: 'TEST.',
      }),
    );
    expect(otherPrefix.message).toContain('has no symbol starting with "TEST."');
  });

  it('an unreachable venue is exit 3 (SHK_PREFLIGHT_UNREACHABLE)', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const error = await thrown(
      runSandboxPreflight({ url, config: defaultExchangeConfig(), sandboxPrefix: PREFIX, timeoutMs: 2_000 }),
    );
    expect([error.code, error.exitCode]).toEqual(['SHK_PREFLIGHT_UNREACHABLE', 3]);
    expect(error.message).toContain(url);
  });

  it('a venue that never answers: no_reply within the timeout, and the run is refused', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    try {
      await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
      const { port } = silent.address() as { port: number };
      const report = await runSandboxPreflight({
        url: `ws://127.0.0.1:${port}`,
        config: defaultExchangeConfig(),
        sandboxPrefix: PREFIX,
        timeoutMs: 200,
      });
      expect(report.passed).toBe(false);
      expect(report.checks.map((c) => c.outcome)).toEqual(['no_reply', 'no_reply']);
      expect(report.checks[0]?.reason).toContain('no answer to login within 200 ms');
      expect(preflightError(report).exitCode).toBe(3);
    } finally {
      for (const client of silent.clients) client.terminate();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('run against a venue it did not start', () => {
  it('aborts before any property against a leaky venue', async () => {
    const leaky = await venue(false);
    const lockDir = mkdtempSync(join(tmpdir(), 'shakedown-run-lock-'));
    try {
      const run = await cliAsync(
        ['run', '--target', leaky.url, '--runs', '3', '--no-replays', '--log-level', 'warn'],
        { SHAKEDOWN_LOCK_DIR: lockDir },
      );
      expect(run.status, run.stderr).toBe(3);
      expect(run.stderr).toContain('SHK_PREFLIGHT_LEAKY_SANDBOX');
      expect(run.stdout).not.toContain('runs,');
      expect(leaky.host.snapshot().orders).toEqual([]);
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a second campaign against the same venue and sandbox is refused while the first runs (exit 3, naming it)', async () => {
    const server = await venue(true);
    const lockDir = mkdtempSync(join(tmpdir(), 'shakedown-run-lock-'));
    try {
      const env = { SHAKEDOWN_LOCK_DIR: lockDir };
      // The first campaign is bounded by the test, not by a window the second must fit in: it
      // runs until the second has been refused, then is stopped with SIGTERM (which releases
      // the lock, as a CI timeout would).
      let firstChild: ChildProcess | undefined;
      const first = cliAsync(
        [
          'run',
          '--target',
          server.url,
          '--runs',
          '100000',
          '--time-budget',
          '10m',
          '--no-replays',
          '--log-level',
          'warn',
        ],
        env,
        (child) => {
          firstChild = child;
        },
      );
      // The first campaign holds the lock once its lock file exists.
      for (let i = 0; i < 1200 && readdirSync(lockDir).length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(readdirSync(lockDir)).toHaveLength(1);
      const second = await cliAsync(
        ['run', '--target', server.url, '--runs', '1', '--no-replays', '--log-level', 'warn'],
        env,
      );
      expect(second.status, second.stderr).toBe(3);
      expect(second.stderr).toContain('SHK_LOCKED');
      expect(second.stderr).toMatch(/locked by pid \d+/);
      firstChild?.kill('SIGTERM');
      expect((await first).status).toBe(130);
      expect(readdirSync(lockDir)).toEqual([]);
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }, 90_000);
});
