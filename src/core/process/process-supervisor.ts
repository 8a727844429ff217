import { type ChildProcess, spawn } from 'node:child_process';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { disownChild, ownChild } from './owned-resources.ts';

/**
 * Starts, kills, pauses and restarts one child process that shakedown launched itself, for
 * process faults (crash then restart, pause then resume). It knows nothing of what the child
 * is: it runs a command, waits for a stdout line that says the child is ready, and hands back
 * the address that line gave. This is an I/O edge: it touches processes and the real clock.
 */
export interface SupervisorOptions {
  command: string;
  /** The arguments of each start; `restarts` counts the restart() calls before this start. */
  args: (attempt: { restarts: number }) => string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Matched against each stdout line; group 1, or else the whole match, is the address. */
  ready: RegExp;
  /** How long a start may take to print its ready line (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before it sends SIGKILL (default 5 s). */
  stopGraceMs?: number;
  /**
   * The child's stdin is a pipe this process holds and never writes to, and its environment
   * has PARENT_PIPE_ENV=1: a child that honours it (`shakedown serve` does) exits when the
   * pipe closes, which the kernel does when this process dies, even by SIGKILL. Default true.
   */
  exitWithParent?: boolean;
}

/** Set to '1' in a supervised child's environment: stdin closing means its parent is gone. */
export const PARENT_PIPE_ENV = 'SHAKEDOWN_PARENT_PIPE';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_GRACE_MS = 5_000;
/** Enough of stderr to name what went wrong, without keeping a chatty child's whole log. */
const TAIL_CHARS = 4_000;

/**
 * Every child any supervisor of this thread has running: one `exit` hook kills them all
 * (SIGKILL is synchronous). They are also owned resources (owned-resources.ts), which the
 * main thread kills when it must exit at once, whichever thread started them.
 */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone: nothing left to clean up.
    }
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  if (child.pid !== undefined) ownChild(child.pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAllOnExit);
  }
}

function appendTail(tail: string, chunk: string): string {
  const text = tail + chunk;
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** One spawned child and what is known about it. */
interface Running {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  exit: ProcessExit | undefined;
  stderr: string;
  address: string | undefined;
  /** Resolves with the address once the ready line came; rejects if the child ends first. */
  ready: Promise<string>;
}

export class ProcessSupervisor {
  private readonly options: SupervisorOptions;
  private current: Running | undefined;
  private stopping: Promise<void> | undefined;
  private restartCount = 0;
  private isPaused = false;
  private lastExitSeen: ProcessExit | undefined;

  constructor(options: SupervisorOptions) {
    this.options = options;
  }

  /** A child exists and has not exited (it may still be starting, or be paused). */
  get running(): boolean {
    return this.current !== undefined && this.current.exit === undefined;
  }

  get paused(): boolean {
    return this.running && this.isPaused;
  }

  /** The address the running child printed; undefined while none is running and ready. */
  get address(): string | undefined {
    return this.running ? this.current?.address : undefined;
  }

  get pid(): number | undefined {
    return this.running ? this.current?.child.pid : undefined;
  }

  /** How many times restart() was called. */
  /**
   * The child running now (undefined when none is): for a line protocol on its stdin and stdout
   * (a subject's control channel). Read it in the tick `start()` spawns it, so no output is missed.
   */
  get child(): ChildProcess | undefined {
    return this.running ? this.current?.child : undefined;
  }

  get restarts(): number {
    return this.restartCount;
  }

  /** How the last child ended, if one has. */
  get lastExit(): ProcessExit | undefined {
    return this.lastExitSeen;
  }

  /**
   * Spawns the child and resolves with its address once it prints its ready line. If it is
   * already running, resolves with the address it has (or will have). Rejects with
   * SHK_PROCESS_START_FAILED, the child killed, if it exits or times out first.
   */
  start(): Promise<string> {
    const current = this.current;
    // Tied to the child, not to the call: after a kill, a start never gets the dead child's answer.
    if (current !== undefined && current.exit === undefined) return current.ready;
    try {
      return this.spawn().ready;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** SIGKILL; resolves once the child has exited. No running child is an error: the fault did nothing. */
  async kill(): Promise<void> {
    const running = this.requireRunning('kill');
    // SIGKILL needs no SIGCONT: it ends a stopped process too.
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** Kills the child if it runs, then starts it again with the next `restarts` count. */
  async restart(): Promise<string> {
    if (this.running) await this.kill();
    this.restartCount++;
    return this.start();
  }

  /** SIGSTOP: the child keeps its sockets but runs no code until resume(). */
  pause(): void {
    const running = this.requireRunning('pause');
    running.child.kill('SIGSTOP');
    this.isPaused = true;
  }

  /** SIGCONT. */
  resume(): void {
    const running = this.requireRunning('resume');
    running.child.kill('SIGCONT');
    this.isPaused = false;
  }

  /**
   * Ends the child politely: SIGCONT if paused (a stopped process would not act on SIGTERM),
   * SIGTERM, then SIGKILL after the grace period. Resolves once it has exited. Safe to call
   * at any time, and any number of times.
   */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    const running = this.current;
    if (running === undefined || running.exit !== undefined) return Promise.resolve();
    this.stopping = this.terminate(running).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async terminate(running: Running): Promise<void> {
    const { child } = running;
    if (this.isPaused) child.kill('SIGCONT');
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    });
    const first = await Promise.race([running.exited, grace]);
    clearTimeout(timer);
    if (first === 'grace') {
      child.kill('SIGKILL');
      await running.exited;
    }
  }

  private requireRunning(what: string): Running {
    const running = this.current;
    if (running === undefined || running.exit !== undefined) {
      throw new ShakedownError('SHK_FAULT_NO_PROCESS', `cannot ${what}: no process is running`, {
        // The target is down, as far as this fault can tell: not a property failure.
        exitCode: EXIT.unreachable,
        context: { command: this.options.command, lastExit: this.lastExitSeen },
      });
    }
    return running;
  }

  private spawn(): Running {
    const args = this.options.args({ restarts: this.restartCount });
    const withParent = this.options.exitWithParent ?? true;
    const child = spawn(this.options.command, args, {
      cwd: this.options.cwd,
      env: withParent ? { ...(this.options.env ?? process.env), [PARENT_PIPE_ENV]: '1' } : this.options.env,
      stdio: [withParent ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    // Never written to: only its closing matters. A child gone first must not make it throw.
    child.stdin?.on('error', () => {});
    this.isPaused = false;
    const running: Running = {
      child,
      exit: undefined,
      stderr: '',
      address: undefined,
      ready: Promise.resolve(''), // replaced below, once the child's streams are wired
      exited: new Promise<ProcessExit>((resolve) => {
        const done = (exit: ProcessExit): void => {
          if (running.exit !== undefined) return;
          running.exit = exit;
          this.lastExitSeen = exit;
          live.delete(child);
          if (child.pid !== undefined) disownChild(child.pid);
          resolve(exit);
        };
        child.once('exit', (code, signal) => done({ code, signal }));
        // A spawn that fails (no such command) may emit only `error`.
        child.once('error', (error) => {
          running.stderr = appendTail(running.stderr, `${error.message}\n`);
          if (child.pid === undefined) done({ code: null, signal: null });
        });
      }),
    };
    this.current = running;
    if (child.pid !== undefined) track(child);
    const stderrDone = new Promise<void>((resolve) => {
      if (child.stderr === null) resolve();
      else child.stderr.once('close', () => resolve());
    });

    const failure = (why: string): ShakedownError => {
      const stderr = running.stderr.trimEnd();
      const tail = stderr === '' ? '' : `; stderr: ${stderr.split('\n').slice(-10).join('\n')}`;
      return new ShakedownError(
        'SHK_PROCESS_START_FAILED',
        `${this.options.command} ${args.join(' ')}: ${why} before it was ready${tail}`,
        {
          exitCode: EXIT.unreachable,
          context: { command: this.options.command, args, exit: running.exit, stderr },
        },
      );
    };

    running.ready = new Promise<string>((resolve, reject) => {
      let settled = false;
      let pending = '';
      const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        void running.exited.then(() => reject(failure(`no ready line within ${timeoutMs} ms`)));
      }, timeoutMs);

      // Both pipes are read for as long as the child lives: a child blocked on a full pipe
      // would look hung. Only a bounded tail of stderr is kept.
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        running.stderr = appendTail(running.stderr, chunk);
      });
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        if (settled) return;
        pending += chunk;
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).replace(/\r$/, '');
          pending = pending.slice(newline + 1);
          this.options.ready.lastIndex = 0; // a /g or /y pattern would otherwise carry state over
          const match = this.options.ready.exec(line);
          if (match !== null) {
            settled = true;
            clearTimeout(timer);
            running.address = match[1] ?? match[0];
            resolve(running.address);
            return;
          }
          newline = pending.indexOf('\n');
        }
        if (pending.length > TAIL_CHARS) pending = pending.slice(-TAIL_CHARS);
      });
      void running.exited.then((exit) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // The last stderr chunks can come after `exit`, and they usually say why it exited.
        let grace: NodeJS.Timeout | undefined;
        const drained = new Promise<void>((done) => {
          grace = setTimeout(done, 500);
        });
        void Promise.race([stderrDone, drained]).then(() => {
          clearTimeout(grace);
          reject(failure(`exited with ${describeExit(exit)}`));
        });
      });
    });
    return running;
  }
}
