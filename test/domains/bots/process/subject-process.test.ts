import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../../src/core/model/client.ts';
import { isShakedownError, type ShakedownError } from '../../../../src/core/shakedown-error.ts';
import { SubjectProcess } from '../../../../src/domains/bots/process/subject-process.ts';

/**
 * A plain node subject that answers `state` with its boot count and pid, ignores `intent` (so
 * the answer is lost), writes a bad line on `consume`, and leaves on `stop` or stdin's end.
 */
const ECHO = `
const boot = Number(process.env.BOOT_MARK ?? 0);
process.stdout.write('{"log":"booting"}\\n{"ready":true}\\n');
let pending = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    const request = JSON.parse(pending.slice(0, i));
    pending = pending.slice(i + 1);
    if (request.op === 'state') process.stdout.write(JSON.stringify({ id: request.id, ok: true, result: { pid: process.pid } }) + '\\n');
    if (request.op === 'consume') process.stdout.write('oops, not a line of the channel\\n');
    if (request.op === 'stop') { process.stdout.write(JSON.stringify({ id: request.id, ok: true, result: {} }) + '\\n'); process.exit(0); }
  }
});
process.stdin.on('end', () => process.exit(0));
`;

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

const q = (code: string): string => `'${code.replace(/'/g, `'\\''`)}'`;
const node = (code: string): string => `${q(process.execPath)} -e ${q(code)}`;

function ask(subject: SubjectProcess, op: 'state' | 'intent' | 'consume'): Promise<Reply> {
  return new Promise((resolve) => {
    const request: Observable<Reply> =
      op === 'state'
        ? subject.request('state', {})
        : op === 'intent'
          ? subject.request('intent', { intent: { type: 'reconcile', id: 'r' } })
          : subject.request('consume', { event: {} as never });
    request.subscribe((reply) => resolve(reply));
  });
}

async function rejection(promise: Promise<unknown>): Promise<ShakedownError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isShakedownError(error)) throw new Error(`expected a ShakedownError, got ${String(error)}`);
  return error;
}

/** Polls every 20 ms, for up to 30 s: a loaded machine may take seconds to reap a process. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting until ${what}`);
}

/** Alive and not a zombie (an orphan may sit unreaped if pid 1 does not reap). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('a subject as a process', () => {
  const subjects: SubjectProcess[] = [];
  const make = (code: string, answerTimeoutMs = 300): SubjectProcess => {
    const subject = new SubjectProcess({
      command: node(code),
      env: { ...process.env },
      answerTimeoutMs,
      startTimeoutMs: 10_000,
      stopGraceMs: 1_000,
    });
    subjects.push(subject);
    return subject;
  };
  afterEach(async () => {
    await Promise.all(subjects.splice(0).map((s) => s.stop()));
  });

  it('starts on its ready line, answers over the control channel, and is killed for real', async () => {
    const subject = make(ECHO);
    await subject.start();
    const first = await ask(subject, 'state');
    expect(first).toEqual({ status: 'ok', result: { pid: subject.pid } });
    const pid = subject.pid as number;
    await subject.kill();
    expect(alive(pid)).toBe(false);
    expect(subject.running).toBe(false);
    // Nothing to ask while it is down: indeterminate, not an error.
    expect((await ask(subject, 'state')).status).toBe('info');
    // Killing what is not running is the fault's finding.
    expect((await rejection(subject.kill())).code).toBe('SHK_FAULT_NO_PROCESS');
    await subject.start();
    const again = await ask(subject, 'state');
    expect(again.status).toBe('ok');
    expect((again as { result: { pid: number } }).result.pid).not.toBe(pid);
    const record = subject.record();
    expect(record).toMatchObject({ starts: 2, kills: 1, exits: [] });
    expect(record.logs).toBe(2);
  });

  it('turns a lost answer into an indeterminate reply and a bad line into a problem with the line', async () => {
    const subject = make(ECHO);
    await subject.start();
    const lost = await ask(subject, 'intent');
    expect(lost).toEqual({ status: 'info', reason: 'no answer to intent #1 within 300 ms' });
    await ask(subject, 'consume');
    expect(subject.record().problems).toEqual([
      expect.objectContaining({ code: 'SHK_SUBJECT_BAD_LINE', line: 'oops, not a line of the channel' }),
    ]);
    // The channel goes on working after both.
    expect((await ask(subject, 'state')).status).toBe('ok');
  });

  it('reports a subject that refuses to start, with its stderr, and records its own exit', async () => {
    const subject = make('console.error("state file checksum mismatch"); process.exit(3)');
    const error = await rejection(subject.start());
    expect(error.code).toBe('SHK_PROCESS_START_FAILED');
    expect(error.message).toContain('state file checksum mismatch');
    expect(subject.record().exits).toEqual([{ code: 3, signal: null }]);
  });

  it('answers pending requests indeterminate when the subject dies under them', async () => {
    const subject = make(
      `process.stdout.write('{"ready":true}\\n'); process.stdin.on('data', () => setTimeout(() => process.exit(5), 20));`,
      10_000,
    );
    await subject.start();
    const reply = await ask(subject, 'state');
    expect(reply.status).toBe('info');
    await until('the exit is recorded', () => subject.record().exits.length > 0);
    expect(subject.record().exits).toEqual([{ code: 5, signal: null }]);
  });

  it('stops a subject that ignores stop and SIGTERM', async () => {
    const subject = make(
      `process.on('SIGTERM', () => {}); process.stdout.write('{"ready":true}\\n'); setInterval(() => {}, 1000);`,
      200,
    );
    await subject.start();
    const pid = subject.pid as number;
    await subject.stop();
    expect(alive(pid)).toBe(false);
  });

  it('does not outlive shakedown killed with SIGKILL: its stdin closes and it leaves', async () => {
    const parent = spawn(
      process.execPath,
      ['--import', './bin/register-ts.mjs', 'test/domains/bots/process/support/subject-parent.ts'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let text = '';
        parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\n')) resolve(Number(text.trim()));
        });
        parent.once('exit', () => reject(new Error('the parent exited before its subject started')));
      });
      expect(alive(pid)).toBe(true);
      parent.kill('SIGKILL');
      await until('the orphaned subject has left', () => !alive(pid));
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
