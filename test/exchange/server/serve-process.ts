import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './ws-test-client.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node bin/shakedown.js serve ...` as a child process, with its output collected. */
export class ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['bin/shakedown.js', 'serve', ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The URL from the first stdout line; fails if the process exits first. */
  url(): Promise<string> {
    const printed = new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const newline = this.stdout.indexOf('\n');
        if (newline >= 0) resolve(this.stdout.slice(0, newline));
      };
      this.child.stdout.on('data', check);
      check();
      void this.exited.then((exit) =>
        reject(new Error(`serve exited (${exit.code ?? exit.signal}) before printing a URL: ${this.stderr}`)),
      );
    });
    return withTimeout(
      printed,
      STARTUP_TIMEOUT_MS,
      'serve to print its URL',
      () => `; stderr: ${this.stderr}`,
    );
  }

  waitExit(timeoutMs = STARTUP_TIMEOUT_MS): Promise<Exit> {
    return withTimeout(this.exited, timeoutMs, 'serve to exit');
  }

  /** Kills it if it still runs; for cleanup. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.waitExit();
  }
}
