import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../core/own-files.ts';
import { ProcessSupervisor } from '../../core/process/process-supervisor.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { FeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';

export interface FeedsProxyProcessOptions {
  config?: Partial<FeedsConfig>;
  bugs?: readonly FeedsBugName[];
  /** The port to listen on; by default the first start picks a free one and restarts reuse it. */
  port?: number;
  /** How long one start may take to print its URL (default 30 s). */
  startTimeoutMs?: number;
}

/** The reference feeds system as a child process, for faults that kill or pause the proxy itself. */
export interface FeedsProxyProcess {
  /** The WebSocket URL; the same across restarts. */
  url(): string;
  readonly supervisor: ProcessSupervisor;
  /** SIGKILL: every subscription and connection is gone at once. */
  crash(): Promise<void>;
  /** Starts it again on the same port; the chain resumes at the height the wall clock says. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(PACKAGE_ROOT);
const SOURCE = new URL('src/feeds-proxy/server/feeds-server-main.ts', PACKAGE_ROOT);
const COMPILED = new URL('dist/src/feeds-proxy/server/feeds-server-main.js', PACKAGE_ROOT);
const REGISTER = new URL('bin/register-ts.mjs', PACKAGE_ROOT);
const READY = /^(wss?:\/\/\S+)$/;
const PORT_RETRIES = 5;
const PORT_RETRY_DELAY_MS = 200;

/** The node arguments that run the server's entry: the TypeScript source in a checkout, else the compiled file. */
function entryArgs(): string[] {
  if (existsSync(SOURCE)) return ['--import', REGISTER.href, fileURLToPath(SOURCE)];
  return [fileURLToPath(COMPILED)];
}

/**
 * Runs the feeds server (src/feeds-proxy/server/feeds-server-main.ts) as a child and waits for
 * its URL. The genesis time is fixed at the first start and passed to every restart, so the
 * chain a restarted process serves continues the one its clients saw (same heights, same hashes
 * as long as no reorg was made before the crash).
 */
export async function startFeedsProxyProcess(
  options: FeedsProxyProcessOptions = {},
): Promise<FeedsProxyProcess> {
  let port = options.port ?? 0;
  const genesisAt = Date.now();
  const args = (): string[] => {
    const list = [
      ...entryArgs(),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--genesis-at',
      String(genesisAt),
    ];
    if (options.config !== undefined) list.push('--config-json', JSON.stringify(options.config));
    for (const bug of options.bugs ?? []) list.push('--bug', bug);
    return list;
  };
  const supervisor = new ProcessSupervisor({
    command: process.execPath,
    args,
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    ready: READY,
    startTimeoutMs: options.startTimeoutMs,
  });
  let url: string;
  try {
    url = await supervisor.start();
    port = Number(new URL(url).port);
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  const restart = async (): Promise<void> => {
    let next = (): Promise<string> => supervisor.restart();
    for (let attempt = 0; ; attempt++) {
      try {
        const again = await next();
        if (again === url) return;
        await supervisor.stop();
        throw new ShakedownError(
          'SHK_PROCESS_START_FAILED',
          `the feeds proxy came back at ${again}, not at ${url}`,
          {
            exitCode: EXIT.unreachable,
            context: { url, again },
          },
        );
      } catch (error) {
        const inUse =
          error instanceof ShakedownError && /EADDRINUSE/.test(String(error.context.stderr ?? error.message));
        if (!inUse || attempt >= PORT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, PORT_RETRY_DELAY_MS));
        next = () => supervisor.start();
      }
    }
  };
  return {
    url: () => url,
    supervisor,
    crash: () => supervisor.kill(),
    restart,
    pause: () => supervisor.pause(),
    resume: () => supervisor.resume(),
    stop: () => supervisor.stop(),
  };
}
