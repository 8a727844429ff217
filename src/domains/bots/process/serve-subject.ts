import { asyncScheduler } from 'rxjs';
import { wsDialer } from '../../trading/transport/ws-dialer.ts';
import type {
  ControlRequest,
  DeclaredCheck,
  Subject,
  SubjectContext,
  SubjectFactory,
  SubjectInstrument,
  SubjectRiskLimits,
} from '../subject.ts';
import { SUBJECT_ENV } from '../subject.ts';
import { DirectoryStateStore } from './directory-state-store.ts';

/** Where the subject's side of the channel reads and writes, and how it leaves. */
export interface SubjectProcessIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream;
  /** One call per line, newline included. */
  write(line: string): void;
  /** Told why the process must end (a refused start, a crash), before `exit`. */
  fail(message: string): void;
  exit(code: number): void;
}

/** Exit code of a subject that refused to start (its factory threw: corrupted state, bad env). */
export const EXIT_REFUSED_START = 2;
/** Exit code of a subject that threw while serving a request: it crashed. */
export const EXIT_CRASHED = 70;

function required(env: SubjectProcessIo['env'], name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: run the subject under shakedown`);
  return value;
}

function json<T>(env: SubjectProcessIo['env'], name: string): T {
  const text = required(env, name);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name} is not JSON: ${text}`);
  }
}

/** The SubjectContext of a subject run as a process, read from its environment (docs/bots.md). */
export function contextFromEnv(env: SubjectProcessIo['env'], log: (message: string) => void): SubjectContext {
  const url = required(env, SUBJECT_ENV.venueUrl);
  const dial = wsDialer(url);
  return {
    dial: () => dial(),
    scheduler: asyncScheduler,
    account: { id: required(env, SUBJECT_ENV.account), key: required(env, SUBJECT_ENV.apiKey) },
    instrument: json<SubjectInstrument>(env, SUBJECT_ENV.instrument),
    risk: json<SubjectRiskLimits>(env, SUBJECT_ENV.risk),
    store: new DirectoryStateStore(required(env, SUBJECT_ENV.stateDir)),
    env,
    bugs: (env[SUBJECT_ENV.bugs] ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
    seed: Number(env[SUBJECT_ENV.seed] ?? 0),
    boot: Number(env[SUBJECT_ENV.boot] ?? 0),
    log,
  };
}

function declared(subject: Subject): DeclaredCheck[] {
  const state = subject.state();
  return (subject.invariants ?? []).map((inv) => {
    let problems: string[];
    try {
      problems = inv.check(state);
    } catch (error) {
      problems = [`the check threw: ${error instanceof Error ? error.message : String(error)}`];
    }
    return { name: inv.name, description: inv.description, problems };
  });
}

/** Serves one request; what it answers, or throws when the subject did. */
function serve(subject: Subject, request: ControlRequest): unknown {
  switch (request.op) {
    case 'intent':
      return subject.intent(request.intent);
    case 'state':
      return subject.state();
    case 'settled':
      return { settled: subject.settled?.() ?? true };
    case 'consume':
      subject.consume?.(request.event);
      return {};
    case 'invariants':
      return declared(subject);
    case 'stop':
      subject.stop();
      return {};
  }
}

/**
 * Runs an in-process subject (a SubjectFactory) as a process subject: its context from the
 * environment shakedown sets (the venue over WebSocket, the state directory as its store, the
 * real clock), and the control channel on stdin/stdout (docs/bots.md). A factory that throws
 * is a refused start (exit 2, the reason on stderr); a subject that throws on a request has
 * crashed (exit 70). stdin closing means shakedown is gone: the subject stops and exits.
 */
export function serveSubjectProcess(factory: SubjectFactory, io: SubjectProcessIo): void {
  const reply = (line: object): void => io.write(`${JSON.stringify(line)}\n`);
  const log = (message: string): void => reply({ log: message });
  let subject: Subject;
  try {
    subject = factory(contextFromEnv(io.env, log));
  } catch (error) {
    io.fail(`refused to start: ${error instanceof Error ? error.message : String(error)}`);
    io.exit(EXIT_REFUSED_START);
    return;
  }
  reply({ ready: true });

  let pending = '';
  let done = false;
  const handle = (line: string): void => {
    if (done || line.trim() === '') return;
    let request: ControlRequest;
    try {
      request = JSON.parse(line) as ControlRequest;
    } catch {
      log(`ignored a request line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    let result: unknown;
    try {
      result = serve(subject, request);
    } catch (error) {
      done = true;
      io.fail(
        `crashed on ${request.op}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      io.exit(EXIT_CRASHED);
      return;
    }
    reply({ id: request.id, ok: true, result: result ?? {} });
    if (request.op === 'stop') {
      done = true;
      io.exit(0);
    }
  };
  io.stdin.setEncoding('utf8');
  io.stdin.on('data', (chunk: string) => {
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      handle(line);
    }
  });
  io.stdin.on('end', () => {
    if (done) return;
    done = true;
    try {
      subject.stop();
    } finally {
      io.exit(0);
    }
  });
}

/** serveSubjectProcess on this process's own stdin, stdout, stderr and exit. */
export function serveSubjectOnStdio(factory: SubjectFactory): void {
  serveSubjectProcess(factory, {
    env: process.env,
    stdin: process.stdin,
    write: (line) => process.stdout.write(line),
    fail: (message) => process.stderr.write(`${message}\n`),
    exit: (code) => {
      // stdout is a pipe: what was written must reach shakedown before the process goes.
      process.stdout.write('', () => process.exit(code));
    },
  });
}
