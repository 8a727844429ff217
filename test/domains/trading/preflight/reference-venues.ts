import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach } from 'vitest';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../../src/domains/trading/protocol/exchange-config.ts';
import {
  type RunningExchange,
  startExchangeServer,
} from '../../../../src/exchange/server/exchange-server.ts';
import { BIN, type CliResult } from '../../../support/cli.ts';

/**
 * Reference venues on 127.0.0.1, port 0, stopped after each test of the file that calls it:
 * `venue(true)` keeps its sandbox sealed, `venue(false)` leaks both ways.
 */
export function referenceVenues(): (
  isolated: boolean,
  edit?: (config: ExchangeConfig) => void,
) => Promise<RunningExchange> {
  const servers: RunningExchange[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  return async (isolated, edit) => {
    const config = defaultExchangeConfig();
    config.sandboxIsolation = isolated;
    edit?.(config);
    const server = await startExchangeServer({ host: '127.0.0.1', port: 0, config });
    servers.push(server);
    return server;
  };
}

/**
 * The CLI in a child process, asynchronously: the venue it talks to runs in this process, so a
 * blocking spawn would starve it. `CI` is removed so the test decides CI mode itself.
 */
export function cliAsync(
  args: string[],
  extraEnv: Record<string, string> = {},
  onSpawn?: (child: ChildProcess) => void,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...extraEnv };
    delete env.CI;
    const child = spawn(process.execPath, [BIN, ...args], { env });
    onSpawn?.(child);
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
