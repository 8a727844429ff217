import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXIT_CRASHED,
  EXIT_REFUSED_START,
  serveSubjectProcess,
} from '../../../../src/domains/bots/process/serve-subject.ts';
import {
  emptySubjectState,
  type Subject,
  type SubjectFactory,
} from '../../../../src/domains/bots/subject.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'serve-subject-'));
  dirs.push(dir);
  return {
    SHAKEDOWN_VENUE_URL: 'ws://127.0.0.1:9',
    SHAKEDOWN_ACCOUNT: 'bot',
    SHAKEDOWN_API_KEY: 'bot-key',
    SHAKEDOWN_STATE_DIR: dir,
    SHAKEDOWN_INSTRUMENT: JSON.stringify({ symbol: 'SANDBOX.BTC-USD', tickSize: 0.5 }),
    SHAKEDOWN_RISK: JSON.stringify({ maxMarkMovePct: 2, windowMs: 10_000 }),
    SHAKEDOWN_BOOT: '3',
    SHAKEDOWN_BUGS: 'a, b',
  };
}

/** Serves `factory` on in-memory pipes; what it printed, how it failed and exited. */
function serve(factory: SubjectFactory) {
  const stdin = new PassThrough();
  const lines: unknown[] = [];
  const failures: string[] = [];
  const exits: number[] = [];
  serveSubjectProcess(factory, {
    env: env(),
    stdin,
    write: (line) => lines.push(JSON.parse(line)),
    fail: (message) => failures.push(message),
    exit: (code) => exits.push(code),
  });
  const send = async (...requests: object[]): Promise<void> => {
    stdin.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { stdin, lines, failures, exits, send };
}

const calm =
  (overrides: Partial<Subject> = {}): SubjectFactory =>
  () => ({
    intent: () => ({ accepted: true }),
    state: () => emptySubjectState(),
    stop: () => undefined,
    ...overrides,
  });

describe('an in-process subject served as a process', () => {
  it('gets its context from the environment, says it is ready, and answers each op by id', async () => {
    let seen: { boot: number; bugs: readonly string[]; account: string; files: string[] } | undefined;
    const s = serve((context) => {
      seen = {
        boot: context.boot,
        bugs: context.bugs,
        account: context.account.id,
        files: context.store.list(),
      };
      context.store.write('state.json', '{}');
      return calm({
        invariants: [
          { name: 'never-halted', description: 'd', check: (st) => (st.halted ? ['halted'] : []) },
        ],
        settled: () => false,
      })(context);
    });
    expect(seen).toEqual({ boot: 3, bugs: ['a', 'b'], account: 'bot', files: [] });
    await s.send(
      { id: 1, op: 'intent', intent: { type: 'reconcile', id: 'r' } },
      { id: 2, op: 'state' },
      { id: 3, op: 'settled' },
      { id: 4, op: 'invariants' },
      { id: 5, op: 'stop' },
    );
    expect(s.lines).toEqual([
      { ready: true },
      { id: 1, ok: true, result: { accepted: true } },
      { id: 2, ok: true, result: emptySubjectState() },
      { id: 3, ok: true, result: { settled: false } },
      { id: 4, ok: true, result: [{ name: 'never-halted', description: 'd', problems: [] }] },
      { id: 5, ok: true, result: {} },
    ]);
    expect(s.exits).toEqual([0]);
  });

  it('refuses to start when its factory throws (a state it cannot trust), with the reason', () => {
    const s = serve(() => {
      throw new Error('checksum mismatch');
    });
    expect(s.lines).toEqual([]);
    expect(s.failures).toEqual(['refused to start: checksum mismatch']);
    expect(s.exits).toEqual([EXIT_REFUSED_START]);
  });

  it('crashes (exit 70) when the subject throws on a request, and answers nothing more', async () => {
    const s = serve(
      calm({
        state: () => {
          throw new Error('boom');
        },
      }),
    );
    await s.send({ id: 1, op: 'state' }, { id: 2, op: 'settled' });
    expect(s.lines).toEqual([{ ready: true }]);
    expect(s.failures[0]).toMatch(/^crashed on state: Error: boom/);
    expect(s.exits).toEqual([EXIT_CRASHED]);
  });

  it('stops the subject and exits when stdin ends (shakedown is gone)', async () => {
    let stopped = 0;
    const s = serve(calm({ stop: () => void stopped++ }));
    s.stdin.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(1);
    expect(s.exits).toEqual([0]);
  });
});
