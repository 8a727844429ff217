import { describe, expect, it } from 'vitest';
import { BOTS_INVARIANTS } from '../../../../invariants/bots/index.ts';
import { executeRun } from '../../../../src/core/runner/execute-run.ts';
import { BOTS_CLIENTS, type BotAction } from '../../../../src/domains/bots/bot-action.ts';
import type { BotEvent, BotsSnapshot } from '../../../../src/domains/bots/bot-event.ts';
import { botsProjection } from '../../../../src/domains/bots/bots-projection.ts';
import { processSubjectFactory } from '../../../../src/domains/bots/process/process-subject-factory.ts';
import type { SubjectProcessRecord } from '../../../../src/domains/bots/process/subject-process.ts';
import { REPO } from './support/process-campaign.ts';

/** A scripted node subject (support/scripted-subject.mjs) in one of its modes. */
const scripted = (mode: string): string =>
  `${JSON.stringify(process.execPath)} test/domains/bots/process/support/scripted-subject.mjs ${mode}`;

const factoryOf = (command: string) =>
  processSubjectFactory(
    { kind: 'command', command },
    { bugs: [], seed: 1 },
    { cwd: REPO, answerTimeoutMs: 300 },
  );

const enter: BotAction = {
  kind: 'intent',
  client: 'subject',
  gapMs: 0,
  intent: { type: 'enter', id: 'i0', side: 'buy', qty: 0.01, price: 19990 },
};

/** One run of `actions` with the bots invariants; a run timeout when asked for. */
function run(command: string, actions: BotAction[], runTimeoutMs?: number) {
  return executeRun(factoryOf(command) as never, actions, {
    clients: BOTS_CLIENTS,
    projection: botsProjection as never,
    invariants: BOTS_INVARIANTS as never,
    settings: { maxActions: 10, requestTimeoutMs: 1000, quietMs: 100 },
    ...(runTimeoutMs === undefined
      ? {}
      : {
          watchdog: {
            timeoutMs: runTimeoutMs,
            setTimer: (ms: number, fn: () => void) => {
              const timer = setTimeout(fn, ms);
              return () => clearTimeout(timer);
            },
          },
        }),
  });
}

const lane = (events: { client: string; event: unknown }[]): BotEvent[] =>
  events.filter((e) => e.client === 'subject').map((e) => e.event as BotEvent);

describe('a process subject as a target', () => {
  it('gives an intent the subject never answers an indeterminate reply, and the run goes on', async () => {
    const report = await run(scripted('mute'), [enter]);
    expect(report.evidence.history[0].reply).toEqual({
      status: 'info',
      reason: expect.stringMatching(/^no answer to intent #\d+ within 300 ms$/),
    });
    // Its state was still read at the end: the run finished and was judged.
    expect((report.evidence.snapshot as BotsSnapshot).subject).toEqual({
      openOrders: {},
      positions: {},
      cash: null,
      halted: false,
    });
    expect(report.verdict.status).not.toBe('hang');
  });

  it('ends a run on a subject that hangs with the verdict hang, by the run timeout', async () => {
    const report = await run(scripted('hang'), [enter], 4_000);
    expect(report.verdict.status).toBe('hang');
    expect(report.verdict.status === 'hang' && report.verdict.violations[0].invariant).toBe('run.hang');
  });

  it('records every bad line of the subject with its code and the line, and keeps going', async () => {
    const report = await run(scripted('bad-lines'), [enter]);
    const problems = (report.evidence.extra as { process: SubjectProcessRecord }).process.problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.code).toBe('SHK_SUBJECT_BAD_LINE');
      expect(problem.line).toMatch(/^not a channel line, answering /);
    }
    // The intent was still answered, and the lane shows the bad lines.
    expect(report.evidence.history[0].reply?.status).toBe('ok');
    const logs = lane(report.evidence.events).filter((e) => e.type === 'log');
    expect(logs.some((e) => e.type === 'log' && e.message.startsWith('SHK_SUBJECT_BAD_LINE'))).toBe(true);
  });

  it('kills the subject for real on a restart and starts the same command again', async () => {
    const report = await run(scripted('quiet'), [
      enter,
      { kind: 'restart', client: 'subject', gapMs: 50, downMs: 100 },
    ]);
    expect(report.evidence.history[1].reply).toEqual({
      status: 'ok',
      result: { restart: 'killed; starts again in 100 ms' },
    });
    const record = (report.evidence.extra as { process: SubjectProcessRecord }).process;
    expect(record).toMatchObject({ starts: 2, kills: 1, exits: [] });
    const life = lane(report.evidence.events)
      .filter((e) => e.type === 'started' || e.type === 'killed')
      .map((e) => `${e.type}@${e.boot}`);
    expect(life).toEqual(['started@0', 'killed@0', 'started@1']);
  });

  it('damages the state file while the subject is down, and the restart reads the damage', async () => {
    const report = await run(scripted('durable'), [
      enter,
      { kind: 'restart', client: 'subject', gapMs: 100, downMs: 100, corrupt: 'garbage', seed: 5 },
    ]);
    const started = lane(report.evidence.events).filter((e) => e.type === 'started');
    expect(started).toEqual([
      { type: 'started', boot: 0, corrupted: null, files: [] },
      { type: 'started', boot: 1, corrupted: 'garbage', files: ['state.json'] },
    ]);
    const extra = (report.evidence.snapshot as BotsSnapshot).subject?.extra as {
      bootFile: string;
      boot: number;
    };
    // What it found at its second start is not what it wrote, nor JSON any more.
    expect(extra.boot).toBe(1);
    expect(extra.bootFile).not.toBe(JSON.stringify({ intents: ['i0'] }));
    expect(() => JSON.parse(extra.bootFile)).toThrow();
  });

  it('leaves no process behind once the run has stopped', async () => {
    const report = await run(scripted('quiet'), [
      enter,
      { kind: 'restart', client: 'subject', gapMs: 50, downMs: 50 },
    ]);
    const { pids } = (report.evidence.extra as { process: SubjectProcessRecord }).process;
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  it("answers in the venue's name what a venue mode refuses, and never forwards it", async () => {
    const report = await run(scripted('trader'), [
      {
        kind: 'venue_mode',
        client: 'admin',
        gapMs: 200,
        modes: { rejectEntries: true, rejectExits: false, rejectCancels: false, partialFills: false },
      },
      { ...enter, gapMs: 50 },
    ]);
    const events = lane(report.evidence.events);
    expect(
      events.filter((e) => e.type === 'mode_refused').map((e) => e.type === 'mode_refused' && e.mode),
    ).toEqual(['rejectEntries']);
    expect(events.some((e) => e.type === 'sent' && e.request.type === 'place')).toBe(false);
    const answer = events.find(
      (e) => e.type === 'received' && e.message.type === 'response' && !e.message.ok,
    ) as Extract<BotEvent, { type: 'received' }> | undefined;
    expect(answer?.message).toMatchObject({ ok: false, error: { code: 'venue_rejected' } });
    // The venue never saw the order.
    expect(
      (report.evidence.snapshot as BotsSnapshot).venue.orders.filter((o) => o.account === 'bot'),
    ).toEqual([]);
  });

  it("refuses the subject's dials while a cut keeps its link down, as the proxy refuses them", async () => {
    const report = await run(scripted('trader'), [
      {
        kind: 'fault',
        client: 'subject',
        gapMs: 200,
        fault: { type: 'connection', effect: 'close', downMs: 1_500 },
      } as BotAction,
      { ...enter, gapMs: 100 },
    ]);
    const dials = lane(report.evidence.events).flatMap((e) =>
      e.type === 'dialed' ? [e.conn === null ? `refused ${e.error}` : `conn ${e.conn}`] : [],
    );
    expect(dials[0]).toBe('conn 1');
    expect(dials).toContain('refused the venue answered HTTP 503');
    expect(dials.at(-1)).toBe('conn 2');
    const closed = lane(report.evidence.events).filter((e) => e.type === 'closed');
    expect(closed[0]).toMatchObject({ conn: 1, by: 'venue' });
    // Back on its feet, it placed the order it was given while its link was down.
    expect((report.evidence.snapshot as BotsSnapshot).venue.orders.map((o) => o.clientOrderId)).toEqual([
      'i0',
    ]);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
