import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../../src/core/model/client.ts';
import { ControlChannel } from '../../../../src/domains/bots/process/control-channel.ts';
import { parseControlLine } from '../../../../src/domains/bots/process/control-messages.ts';

/** A channel over in-memory pipes on virtual time: the test plays the subject. */
function harness(answerTimeoutMs = 1_000) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const scheduler = new VirtualTimeScheduler();
  const logs: string[] = [];
  const channel = new ControlChannel({
    input: stdin,
    output: stdout,
    scheduler,
    answerTimeoutMs,
    onLog: (text) => logs.push(text),
  });
  const sent: Record<string, unknown>[] = [];
  let pending = '';
  stdin.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      sent.push(JSON.parse(pending.slice(0, i)) as Record<string, unknown>);
      pending = pending.slice(i + 1);
    }
  });
  /** The subject prints `text` (several lines, or part of one). */
  const print = async (text: string): Promise<void> => {
    stdout.write(text);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const ask = (op: 'state' | 'stop'): Reply[] => {
    const replies: Reply[] = [];
    channel.request(op, {}).subscribe((reply) => replies.push(reply));
    return replies;
  };
  return { channel, scheduler, sent, print, ask, logs, stdout };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the control channel', () => {
  it('matches answers to requests by id, whatever their order, and ignores log lines', async () => {
    const h = harness();
    const first = h.ask('state');
    const intent: Reply[] = [];
    h.channel
      .request('intent', { intent: { type: 'reconcile', id: 'i-1' } })
      .subscribe((reply) => intent.push(reply));
    await tick();
    expect(h.sent).toEqual([
      { id: 1, op: 'state' },
      { id: 2, op: 'intent', intent: { type: 'reconcile', id: 'i-1' } },
    ]);
    await h.print(
      '{"log":"booted"}\n{"id":2,"ok":false,"error":"halted"}\n{"id":1,"ok":true,"result":{"halted":false}}\n',
    );
    expect(first).toEqual([{ status: 'ok', result: { halted: false } }]);
    expect(intent).toEqual([
      { status: 'fail', code: 'halted', message: 'the subject refused intent: halted' },
    ]);
    expect(h.logs).toEqual(['booted']);
    expect(h.channel.problems).toEqual([]);
    expect(h.channel.outstanding).toBe(0);
  });

  it('reads lines split across chunks and several lines in one chunk', async () => {
    const h = harness();
    const a = h.ask('state');
    const b = h.ask('state');
    await tick();
    await h.print('{"id":1,"ok":tr');
    expect(a).toEqual([]);
    await h.print('ue,"result":1}\r\n{"id":2,"ok":true,"result":2}\n');
    expect(a).toEqual([{ status: 'ok', result: 1 }]);
    expect(b).toEqual([{ status: 'ok', result: 2 }]);
  });

  it('reports each bad line with an SHK_ code and the line itself, and keeps working', async () => {
    const h = harness();
    const bad = [
      'starting up...',
      '[1,2]',
      '{"id":"x","ok":true}',
      '{"id":1,"result":3}',
      '{"id":1,"ok":false,"error":{"code":"halted"}}',
      '{"hello":"world"}',
    ];
    const reply = h.ask('state');
    await tick();
    await h.print(`${bad.join('\n')}\n\n{"id":1,"ok":true,"result":"fine"}\n`);
    expect(h.channel.problems.map((p) => [p.code, p.line])).toEqual(
      bad.map((line) => ['SHK_SUBJECT_BAD_LINE', line]),
    );
    for (const problem of h.channel.problems) expect(problem.why).not.toBe('');
    expect(reply).toEqual([{ status: 'ok', result: 'fine' }]);
  });

  it('gives an indeterminate reply when the answer is lost, and counts the late answer', async () => {
    const h = harness(500);
    const lost = h.ask('state');
    await tick();
    h.scheduler.flush();
    expect(lost).toEqual([{ status: 'info', reason: 'no answer to state #1 within 500 ms' }]);
    await h.print('{"id":1,"ok":true,"result":{}}\n');
    expect(lost).toHaveLength(1);
    expect(h.channel.lateAnswers).toBe(1);
    expect(h.channel.problems).toEqual([]);
  });

  it('calls an answer to an id never sent a problem', async () => {
    const h = harness();
    await h.print('{"id":7,"ok":true}\n');
    expect(h.channel.problems.map((p) => p.code)).toEqual(['SHK_SUBJECT_UNKNOWN_ANSWER']);
  });

  it('answers every outstanding request indeterminate when the subject goes away', async () => {
    const h = harness();
    const a = h.ask('state');
    const b = h.ask('stop');
    await tick();
    h.stdout.end();
    await tick();
    expect(a.map((r) => r.status)).toEqual(['info']);
    expect(b.map((r) => r.status)).toEqual(['info']);
    expect(h.channel.closed).toBe(true);
    const after = h.ask('state');
    expect(after).toEqual([{ status: 'info', reason: expect.stringContaining('state not sent') }]);
  });

  it('never throws on any line, and answers every request exactly once', async () => {
    const line = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          id: fc.integer({ min: -2, max: 6 }),
          ok: fc.boolean(),
          error: fc.string(),
          result: fc.json(),
        })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (lines, asks) => {
          const h = harness();
          const replies = Array.from({ length: asks }, () => h.ask('state'));
          await tick();
          await h.print(lines.map((l) => l.replace(/\n/g, ' ')).join('\n'));
          await h.print('\n');
          h.scheduler.flush();
          for (const r of replies) expect(r).toHaveLength(1);
          for (const p of h.channel.problems) expect(p.code).toMatch(/^SHK_SUBJECT_/);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('parseControlLine', () => {
  it('reads replies, logs and the ready line', () => {
    expect(parseControlLine('{"id":3,"ok":true,"result":{"a":1}}')).toEqual({
      kind: 'reply',
      id: 3,
      ok: true,
      result: { a: 1 },
    });
    expect(parseControlLine('{"id":3,"ok":false,"error":"bad_intent"}')).toEqual({
      kind: 'reply',
      id: 3,
      ok: false,
      error: 'bad_intent',
    });
    expect(parseControlLine('{"log":"hi"}')).toEqual({ kind: 'log', text: 'hi' });
    expect(parseControlLine('{"ready":true}')).toEqual({ kind: 'ready' });
    expect(parseControlLine('   ')).toEqual({ kind: 'blank' });
    expect(parseControlLine('{"id":0,"ok":true}').kind).toBe('bad');
  });
});
