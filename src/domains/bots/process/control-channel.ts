import type { Readable, Writable } from 'node:stream';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Reply } from '../../../core/model/client.ts';
import type { ControlRequest, ControlResults } from '../subject.ts';
import { type ControlOp, encodeControlRequest, parseControlLine } from './control-messages.ts';

/** What a request of one op carries besides its id and op. */
export type ControlPayload<Op extends ControlOp> = Omit<Extract<ControlRequest, { op: Op }>, 'id' | 'op'>;

/** Something the subject printed that the channel could not use: data, never a crash. */
export interface ControlProblem {
  /** SHK_SUBJECT_BAD_LINE: not a line of the channel; SHK_SUBJECT_UNKNOWN_ANSWER: answers an id never asked. */
  code: 'SHK_SUBJECT_BAD_LINE' | 'SHK_SUBJECT_UNKNOWN_ANSWER';
  /** The offending line (cut to LINE_SHOWN characters). */
  line: string;
  why: string;
  /** Scheduler time it was read. */
  time: number;
}

export interface ControlChannelOptions {
  /** The subject's stdin. */
  input: Writable;
  /** The subject's stdout. */
  output: Readable;
  /** How long a request may wait for its answer before it is indeterminate (default 2 s). */
  answerTimeoutMs?: number;
  /** Time for the answer timeouts and the problem records (asyncScheduler by default). */
  scheduler?: SchedulerLike;
  /** Told of every `{"log": ...}` line the subject prints. */
  onLog?: (text: string) => void;
  /** Told of every problem as it is found (kept or only counted). */
  onProblem?: (problem: ControlProblem) => void;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 2_000;
/** Longer lines are refused whole: a subject stuck printing without newlines must not grow memory. */
const MAX_LINE_CHARS = 1_048_576;
/** How much of an offending line a problem keeps. */
const LINE_SHOWN = 500;
/** Problems kept per channel; later ones are only counted. */
const MAX_PROBLEMS = 100;

interface Pending {
  op: ControlOp;
  answer: (reply: Reply<never>) => void;
  timer: Subscription;
}

/**
 * Shakedown's end of one subject process's control channel (docs/bots.md): writes requests as
 * lines on its stdin and matches the answers on its stdout by id. Every request gets exactly
 * one Reply: `ok` or `fail` as the subject answered, `info` (indeterminate) when no answer came
 * in time or the process ended first. `log` lines are counted and handed on; anything else the
 * subject prints is a ControlProblem with the line, kept for the run's evidence. An I/O edge:
 * it touches the child's pipes and, by default, the real clock.
 */
export class ControlChannel {
  private readonly options: ControlChannelOptions;
  private readonly scheduler: SchedulerLike;
  private readonly pending = new Map<number, Pending>();
  private readonly problemList: ControlProblem[] = [];
  private nextId = 1;
  private buffered = '';
  private isClosed = false;
  private closeReason = 'the control channel was closed';
  private problemCount = 0;
  private logCount = 0;
  private lateCount = 0;
  private readonly detach: () => void;

  constructor(options: ControlChannelOptions) {
    this.options = options;
    this.scheduler = options.scheduler ?? asyncScheduler;
    const onData = (chunk: string | Buffer): void => this.read(String(chunk));
    const onEnd = (): void => this.close('the subject closed its stdout (the process ended?)');
    // A subject gone first makes writes fail with EPIPE: its pending requests end as `info` on close.
    const onInputError = (): void => {};
    options.output.setEncoding('utf8');
    options.output.on('data', onData);
    options.output.once('end', onEnd);
    options.output.once('close', onEnd);
    options.input.on('error', onInputError);
    this.detach = () => {
      options.output.off('data', onData);
      options.output.off('end', onEnd);
      options.output.off('close', onEnd);
    };
  }

  /** Lines the channel could not use, in the order read (the first MAX_PROBLEMS of them). */
  get problems(): readonly ControlProblem[] {
    return this.problemList;
  }

  /** How many problems there were, counted past the ones kept. */
  get problemTotal(): number {
    return this.problemCount;
  }

  get logs(): number {
    return this.logCount;
  }

  /** Answers that came after their request had already been given up as indeterminate. */
  get lateAnswers(): number {
    return this.lateCount;
  }

  /** Requests sent and not answered yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends one request when subscribed; emits its Reply and completes. The result of an `ok`
   * reply is what the subject sent, unchecked. Unsubscribing before the answer forgets the
   * request (a late answer is then counted, never an error).
   */
  request<Op extends ControlOp>(op: Op, payload: ControlPayload<Op>): Observable<Reply<ControlResults[Op]>> {
    return new Observable<Reply<ControlResults[Op]>>((subscriber) => {
      const answer = (reply: Reply<ControlResults[Op]>): void => {
        subscriber.next(reply);
        subscriber.complete();
      };
      if (this.isClosed) {
        answer({ status: 'info', reason: `${op} not sent: ${this.closeReason}` });
        return;
      }
      const id = this.nextId++;
      const timeoutMs = this.options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
      const timer = this.scheduler.schedule(() => {
        if (!this.pending.delete(id)) return;
        answer({ status: 'info', reason: `no answer to ${op} #${id} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, { op, answer: answer as (reply: Reply<never>) => void, timer });
      const request = { ...payload, id, op } as ControlRequest;
      try {
        this.options.input.write(encodeControlRequest(request));
      } catch {
        // A destroyed pipe throws here rather than emitting: the answer timeout or close() ends it.
      }
      return () => {
        const pending = this.pending.get(id);
        if (pending === undefined) return;
        pending.timer.unsubscribe();
        this.pending.delete(id);
      };
    });
  }

  /**
   * Ends the channel: every outstanding request is answered `info` with the reason (the
   * process died, or was killed), and later requests are not sent. Idempotent.
   */
  close(reason = 'the control channel was closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeReason = reason;
    this.detach();
    const pending = [...this.pending.entries()];
    this.pending.clear();
    for (const [id, request] of pending) {
      request.timer.unsubscribe();
      request.answer({ status: 'info', reason: `no answer to ${request.op} #${id}: ${reason}` });
    }
  }

  private read(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.line(line);
      newline = this.buffered.indexOf('\n');
    }
    if (this.buffered.length > MAX_LINE_CHARS) {
      this.problem('SHK_SUBJECT_BAD_LINE', this.buffered, `a line longer than ${MAX_LINE_CHARS} characters`);
      this.buffered = '';
    }
  }

  private line(line: string): void {
    const parsed = parseControlLine(line);
    switch (parsed.kind) {
      case 'blank':
        return;
      case 'bad':
        this.problem('SHK_SUBJECT_BAD_LINE', line, parsed.why);
        return;
      case 'ready':
        return;
      case 'log':
        this.logCount++;
        this.options.onLog?.(parsed.text);
        return;
      case 'reply': {
        const pending = this.pending.get(parsed.id);
        if (pending === undefined) {
          if (parsed.id < this.nextId) this.lateCount++;
          else
            this.problem('SHK_SUBJECT_UNKNOWN_ANSWER', line, `answers id ${parsed.id}, which was never sent`);
          return;
        }
        this.pending.delete(parsed.id);
        pending.timer.unsubscribe();
        pending.answer(
          parsed.ok
            ? { status: 'ok', result: parsed.result as never }
            : {
                status: 'fail',
                code: parsed.error,
                message: `the subject refused ${pending.op}: ${parsed.error}`,
              },
        );
        return;
      }
    }
  }

  private problem(code: ControlProblem['code'], line: string, why: string): void {
    this.problemCount++;
    const shown = line.length > LINE_SHOWN ? `${line.slice(0, LINE_SHOWN)}…` : line;
    const problem: ControlProblem = { code, line: shown, why, time: this.scheduler.now() };
    if (this.problemList.length < MAX_PROBLEMS) this.problemList.push(problem);
    this.options.onProblem?.(problem);
  }
}
