import { fileURLToPath } from 'node:url';
import { ownModule, PACKAGE_ROOT } from '../../core/own-files.ts';
import { ProcessSupervisor } from '../../core/process/process-supervisor.ts';
import { EXIT, isShakedownError, ShakedownError } from '../../core/shakedown-error.ts';
import type { BugName } from '../bugs/planted-bugs.ts';

export interface ReferenceExchangeProcessOptions {
  bugs?: readonly BugName[];
  /** An exchange config JSON file (`serve --config`). */
  configPath?: string;
  /** Where the journal lives: the state a restart comes back from. */
  journalDir: string;
  /** The port to listen on; by default the first start picks a free one. */
  port?: number;
  /** How long one start may take to print its URL (default 30 s). */
  startTimeoutMs?: number;
}

/** The reference exchange as a child process, for faults that kill or pause the process itself. */
export interface ReferenceExchangeProcess {
  /** The WebSocket URL; the same across restarts. */
  url(): string;
  readonly supervisor: ProcessSupervisor;
  /** SIGKILL: nothing is flushed, nothing is closed cleanly. */
  crash(): Promise<void>;
  /** Starts it again from its journal, on the same port (killing it first if it still runs). */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(PACKAGE_ROOT);
/**
 * The venue's own entry (exchange-process-main.ts): the exchange without the CLI, so a start
 * (and each restart after a crash fault) loads a third of what `shakedown serve` loads. From
 * the sources it needs the TypeScript hooks; compiled, its `.js` file runs as it is.
 */
const ENTRY = ownModule('./exchange-process-main.ts', import.meta.url);
const HOOKS: readonly string[] = ENTRY.pathname.endsWith('.ts')
  ? ['--import', new URL('bin/register-ts.mjs', PACKAGE_ROOT).href]
  : [];
/** The URL serve prints as its first stdout line. */
const READY = /^(wss?:\/\/\S+)$/;
/**
 * After a SIGKILL the kernel frees the port at once, but a restart can still lose it for a
 * moment (to another process picking a free port, say): retry briefly rather than move ports.
 */
const PORT_RETRIES = 5;
const PORT_RETRY_DELAY_MS = 200;

function portInUse(error: unknown): boolean {
  return isShakedownError(error) && /EADDRINUSE/.test(String(error.context.stderr ?? error.message));
}

function portOf(url: string): number {
  const port = Number(new URL(url).port);
  if (!Number.isInteger(port) || port <= 0) {
    throw new ShakedownError(
      'SHK_PROCESS_START_FAILED',
      `the exchange printed a URL without a port: ${url}`,
      {
        exitCode: EXIT.unreachable,
        context: { url },
      },
    );
  }
  return port;
}

/**
 * Runs the exchange as a child process (exchange-process-main.ts, which serves as `shakedown
 * serve` does) with a journal directory and waits for its URL. The first
 * start uses the given port (0: a free one) and every restart reuses the port it got, so
 * clients can reconnect to the same URL after a crash.
 */
export async function startReferenceExchangeProcess(
  options: ReferenceExchangeProcessOptions,
): Promise<ReferenceExchangeProcess> {
  let port = options.port ?? 0;
  const args = (): string[] => {
    const list = [...HOOKS, fileURLToPath(ENTRY), 'serve', '--host', '127.0.0.1', '--port', String(port)];
    list.push('--journal', options.journalDir, '--log-level', 'warn');
    for (const bug of options.bugs ?? []) list.push('--bug', bug);
    if (options.configPath !== undefined) list.push('--config', options.configPath);
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
    port = portOf(url);
  } catch (error) {
    await supervisor.stop();
    throw error;
  }

  const restart = async (): Promise<void> => {
    let attempt = 0;
    let next = (): Promise<string> => supervisor.restart();
    for (;;) {
      try {
        const again = await next();
        if (again !== url) {
          await supervisor.stop();
          throw new ShakedownError(
            'SHK_PROCESS_START_FAILED',
            `the exchange came back at ${again}, not at ${url}`,
            { exitCode: EXIT.unreachable, context: { url, again } },
          );
        }
        return;
      } catch (error) {
        if (!portInUse(error) || ++attempt > PORT_RETRIES) throw error;
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
