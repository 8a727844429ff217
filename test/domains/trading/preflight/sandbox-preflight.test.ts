import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isShakedownError } from '../../../../src/core/shakedown-error.ts';
import {
  preflightError,
  runSandboxPreflight,
} from '../../../../src/domains/trading/preflight/sandbox-preflight.ts';
import { defaultExchangeConfig } from '../../../../src/exchange/config/exchange-config.ts';
import {
  type RunningExchange,
  startExchangeServer,
} from '../../../../src/exchange/server/exchange-server.ts';
import { BIN } from '../../../support/cli.ts';

const servers: RunningExchange[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function venue(isolated: boolean): Promise<RunningExchange> {
  const config = defaultExchangeConfig();
  config.sandboxIsolation = isolated;
  const server = await startExchangeServer({ host: '127.0.0.1', port: 0, config });
  servers.push(server);
  return server;
}

/** The CLI in a child process, asynchronously: the venue it talks to runs in this process. */
function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...extraEnv };
    delete env.CI;
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('sandbox preflight', () => {
  it('passes on the reference exchange: each probe is refused', async () => {
    const server = await venue(true);
    const report = await runSandboxPreflight({
      url: server.url,
      config: defaultExchangeConfig(),
      sandboxPrefix: 'SANDBOX.',
    });
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => [c.account, c.symbol, c.outcome, c.reason])).toEqual([
      ['maker', 'BTC-USD', 'rejected', 'forbidden_symbol'],
      ['live', 'SANDBOX.BTC-USD', 'rejected', 'forbidden_symbol'],
    ]);
  });

  it('aborts on a leaky sandbox (isolation off): both directions accepted, exit 3, and the probe orders are cancelled', async () => {
    const server = await venue(false);
    const report = await runSandboxPreflight({
      url: server.url,
      config: defaultExchangeConfig(),
      sandboxPrefix: 'SANDBOX.',
    });
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => c.outcome)).toEqual(['accepted', 'accepted']);
    const error = preflightError(report, server.url);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('maker on BTC-USD was accepted');
    expect(server.host.snapshot().orders).toEqual([]);
  });

  it('a refusal for another reason proves nothing: fail-closed', async () => {
    const config = defaultExchangeConfig();
    config.sandboxIsolation = false;
    const live = config.accounts.find((a) => a.id === 'live');
    if (live) live.cash = 0;
    const server = await startExchangeServer({ host: '127.0.0.1', port: 0, config });
    servers.push(server);
    const report = await runSandboxPreflight({ url: server.url, config, sandboxPrefix: 'SANDBOX.' });
    expect(report.passed).toBe(false);
    expect(report.checks[1]).toMatchObject({ outcome: 'inconclusive', reason: 'insufficient_funds' });
    expect(preflightError(report, server.url).message).toContain(
      'refused for another reason, which proves nothing (insufficient_funds)',
    );
  });

  it('an unreachable venue is exit 3 too', async () => {
    const error = await runSandboxPreflight({
      url: 'ws://127.0.0.1:1',
      config: defaultExchangeConfig(),
      sandboxPrefix: 'SANDBOX.',
    }).catch((e: unknown) => e);
    expect(
      isShakedownError(error) && error.code === 'SHK_PREFLIGHT_UNREACHABLE' && error.exitCode === 3,
    ).toBe(true);
  });

  it('run aborts before any property against a leaky venue; preflight alone says the same', async () => {
    const leaky = await venue(false);
    const run = await cli([
      'run',
      '--target',
      leaky.url,
      '--runs',
      '3',
      '--no-replays',
      '--log-level',
      'warn',
    ]);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toContain('SHK_PREFLIGHT_LEAKY_SANDBOX');
    expect(run.stdout).not.toContain('runs,');
    const alone = await cli(['preflight', '--target', leaky.url]);
    expect(alone.status).toBe(3);
    expect(alone.stdout).toContain('LEAK');
    const clean = await venue(true);
    const ok = await cli(['preflight', '--target', clean.url]);
    expect(ok.status, ok.stderr).toBe(0);
  }, 90_000);

  it('a second campaign against the same venue and sandbox is refused while the first runs (exit 3, naming it)', async () => {
    const server = await venue(true);
    const lockDir = mkdtempSync(join(tmpdir(), 'shakedown-run-lock-'));
    try {
      const env = { SHAKEDOWN_LOCK_DIR: lockDir };
      const first = cli(
        [
          'run',
          '--target',
          server.url,
          '--runs',
          '1000',
          '--time-budget',
          '8s',
          '--no-replays',
          '--log-level',
          'warn',
        ],
        env,
      );
      // The first campaign holds the lock once its lock file exists.
      for (let i = 0; i < 200 && readdirSync(lockDir).length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      const second = await cli(
        ['run', '--target', server.url, '--runs', '1', '--no-replays', '--log-level', 'warn'],
        env,
      );
      expect(second.status, second.stderr).toBe(3);
      expect(second.stderr).toContain('SHK_LOCKED');
      expect(second.stderr).toMatch(/locked by pid \d+/);
      expect((await first).status).toBe(0);
      expect(readdirSync(lockDir)).toEqual([]);
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }, 90_000);
});
