import { Observable } from 'rxjs';
import type { Reply } from '../../../core/model/client.ts';
import { type ProcessExit, ProcessSupervisor } from '../../../core/process/process-supervisor.ts';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { ControlResults } from '../subject.ts';
import { ControlChannel, type ControlPayload, type ControlProblem } from './control-channel.ts';
import { type ControlOp, READY_LINE } from './control-messages.ts';
import { supervisedPipes } from './supervised-stdio.ts';

export interface SubjectProcessOptions {
  /** The command line, run by /bin/sh with `exec` (so the pid shakedown kills is the subject's). */
  command: string;
  /** The subject's whole environment (the venue URL, its keys, its state directory...). */
  env: NodeJS.ProcessEnv;
  /** A variable set to the number of the start (0 first, then 1, 2... after each kill). */
  bootVariable?: string;
  cwd?: string;
  /** How long a start may take to print its ready line (default 30 s). */
  startTimeoutMs?: number;
  /** How long a control request may wait for its answer (ControlChannel's default otherwise). */
  answerTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 2 s). */
  stopGraceMs?: number;
  onLog?: (text: string) => void;
  /** Told of every line of its stdout the control channel could not use. */
  onProblem?: (problem: ControlProblem) => void;
}

/** What happened to the subject's processes over a run, for the evidence. */
export interface SubjectProcessRecord {
  starts: number;
  /** The pid of each start, in order (a start that failed to spawn has none). */
  pids: number[];
  /** Kills shakedown made (SIGKILL), each verified: the process was running and has exited. */
  kills: number;
  /** Exits shakedown did not cause: the subject ended by itself (refused to start, crashed). */
  exits: ProcessExit[];
  problems: ControlProblem[];
  logs: number;
  lateAnswers: number;
}

/**
 * One subject as a process: started from its command line under a ProcessSupervisor (SIGKILL,
 * the exit hook and the owned-children list that kill it when shakedown dies), with a
 * ControlChannel on its stdin and stdout for each process it starts. A restart is a new start
 * of the same command with the same environment, hence the same state directory. An I/O edge.
 */
export class SubjectProcess {
  private readonly options: SubjectProcessOptions;
  private readonly supervisor: ProcessSupervisor;
  private channel: ControlChannel | undefined;
  private readonly retired: ControlChannel[] = [];
  private startCount = 0;
  private killCount = 0;
  /** Set by stop(): the exit that follows is shakedown's doing. */
  private stopping = false;
  private readonly ownExits: ProcessExit[] = [];
  private readonly pids: number[] = [];

  constructor(options: SubjectProcessOptions) {
    this.options = options;
    this.supervisor = new ProcessSupervisor({
      command: '/bin/sh',
      // The shell sets the boot number for the one command it then becomes.
      args: () => [
        '-c',
        options.bootVariable === undefined
          ? `exec ${options.command}`
          : `${options.bootVariable}=${this.startCount - 1} exec ${options.command}`,
      ],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: options.env,
      ready: READY_LINE,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      stopGraceMs: options.stopGraceMs ?? 2_000,
    });
  }

  get running(): boolean {
    return this.supervisor.running;
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  get starts(): number {
    return this.startCount;
  }

  /**
   * Starts the subject and resolves once it printed its ready line. Rejects with
   * SHK_PROCESS_START_FAILED (its stderr tail in the message) if it exits or stays silent
   * first: a subject refusing to start (a corrupted state file) is seen that way too.
   */
  async start(): Promise<void> {
    if (this.supervisor.running) {
      throw new ShakedownError('SHK_USAGE', `${this.options.command}: start() while it is running`, {
        context: { pid: this.supervisor.pid },
      });
    }
    this.retire('a new process was started');
    this.stopping = false;
    this.startCount++;
    const ready = this.supervisor.start();
    if (this.supervisor.pid !== undefined) this.pids.push(this.supervisor.pid);
    // start() spawned synchronously: the pipes are there before any of their data is read.
    const pipes = supervisedPipes(this.supervisor);
    if (pipes !== undefined) {
      const killed = this.killCount;
      // An exit shakedown did not cause (no kill, no stop since this start) is the subject's own.
      void pipes.exited.then((exit) => {
        if (this.killCount === killed && !this.stopping) this.ownExits.push(exit);
      });
      this.channel = new ControlChannel({
        input: pipes.stdin,
        output: pipes.stdout,
        ...(this.options.answerTimeoutMs === undefined
          ? {}
          : { answerTimeoutMs: this.options.answerTimeoutMs }),
        ...(this.options.onLog ? { onLog: this.options.onLog } : {}),
        ...(this.options.onProblem ? { onProblem: this.options.onProblem } : {}),
      });
    }
    try {
      await ready;
    } catch (error) {
      await pipes?.exited;
      this.retire('the subject did not start');
      throw error;
    }
    if (this.channel === undefined) {
      throw new ShakedownError('SHK_PROCESS_START_FAILED', `${this.options.command}: no stdin/stdout pipes`, {
        exitCode: EXIT.unreachable,
      });
    }
  }

  /**
   * SIGKILL, verified: resolves once the process has exited. A subject that is not running is
   * SHK_FAULT_NO_PROCESS (the fault had nothing to act on), as ProcessSupervisor says it.
   */
  async kill(): Promise<void> {
    // Rejects with SHK_FAULT_NO_PROCESS.
    if (!this.supervisor.running) return this.supervisor.kill();
    this.killCount++;
    this.retire('the subject was killed (SIGKILL)');
    await this.supervisor.kill();
  }

  /**
   * One control request to the running subject: its Reply, `info` when no answer came in
   * time, or when no process is running to ask.
   */
  request<Op extends ControlOp>(op: Op, payload: ControlPayload<Op>): Observable<Reply<ControlResults[Op]>> {
    return new Observable<Reply<ControlResults[Op]>>((subscriber) => {
      const channel = this.channel;
      if (channel === undefined || channel.closed || !this.supervisor.running) {
        subscriber.next({ status: 'info', reason: `${op} not sent: the subject is not running` });
        subscriber.complete();
        return;
      }
      return channel.request(op, payload).subscribe(subscriber);
    });
  }

  /**
   * Ends the subject: a `stop` request (it may save its state and leave), then SIGTERM and,
   * after the grace, SIGKILL. Resolves once it has exited. Safe at any time, any number of times.
   */
  async stop(): Promise<void> {
    const channel = this.channel;
    if (channel !== undefined && !channel.closed && this.supervisor.running) {
      await new Promise<void>((resolve) => {
        this.request('stop', {}).subscribe({ complete: resolve });
      });
    }
    this.stopping = true;
    await this.supervisor.stop();
    this.retire('the subject was stopped');
  }

  /** The evidence of every process this subject ran so far. */
  record(): SubjectProcessRecord {
    const channels = this.channel === undefined ? this.retired : [...this.retired, this.channel];
    return {
      starts: this.startCount,
      pids: [...this.pids],
      kills: this.killCount,
      exits: this.ownExits.map((e) => ({ ...e })),
      problems: channels.flatMap((c) => [...c.problems]),
      logs: channels.reduce((n, c) => n + c.logs, 0),
      lateAnswers: channels.reduce((n, c) => n + c.lateAnswers, 0),
    };
  }

  private retire(reason: string): void {
    const channel = this.channel;
    if (channel === undefined) return;
    channel.close(reason);
    this.retired.push(channel);
    this.channel = undefined;
  }
}
