import { describe, expect, it } from 'vitest';
import type { ReplayFile } from '../../../src/core/replay/replay-file.ts';
import {
  buildClientTimeline,
  entriesOf,
  streamOwner,
  TARGET_PARTICIPANT,
} from '../../../src/core/report/client-timeline.ts';
import { sampleReplay } from '../replay/replay-fixture.ts';

const describers = {
  describeAction: (action: unknown) => `act ${(action as { kind: string }).kind}`,
  describeEvent: (event: unknown) => `evt ${(event as { type: string }).type}`,
};

/** Two places at 100 (wall clock), their events and replies, a drop fault and a venue crash. */
function busyRun(): ReplayFile {
  return sampleReplay((r) => {
    r.actions = [
      { kind: 'place', client: 'maker', gapMs: 0 },
      { kind: 'place', client: 'taker', gapMs: 0 },
      { kind: 'fault', client: 'venue', gapMs: 3 },
    ];
    r.evidence.history = [
      {
        step: 0,
        client: 'maker',
        action: { kind: 'place' },
        invokedAt: 100,
        completedAt: 104,
        reply: { status: 'ok', result: { orderId: 'O1' }, txn: 1 },
      },
      {
        step: 1,
        client: 'taker',
        action: { kind: 'place' },
        invokedAt: 100,
        completedAt: 104,
        reply: { status: 'fail', code: 'qty_zero', message: 'qty must be above 0' },
      },
      {
        step: 2,
        client: 'venue',
        action: { kind: 'fault' },
        invokedAt: 103,
        completedAt: 130,
        reply: { status: 'info', reason: 'timeout' },
      },
    ];
    r.events = [
      {
        gseq: 1,
        client: 'maker',
        stream: 'account:maker',
        seq: 1,
        txn: 1,
        time: 104,
        step: 0,
        event: { type: 'order_accepted' },
      },
      {
        gseq: 2,
        client: 'taker',
        stream: 'book:BTC',
        seq: 1,
        txn: 1,
        time: 104,
        step: 0,
        event: { type: 'book_delta' },
      },
      {
        gseq: 3,
        client: 'bystander',
        stream: 'book:BTC',
        seq: 1,
        txn: 1,
        time: 101,
        event: { type: 'book_delta' },
      },
    ];
    r.evidence.extra = {
      faults: [
        {
          step: 2,
          client: 'venue',
          kind: 'process.crash_restart',
          time: 104,
          hits: 1,
          detail: { downMs: 10 },
        },
        {
          step: 1,
          client: 'taker',
          kind: 'frame.drop',
          time: 104,
          hits: 3,
          lost: ['book:BTC#2', 'response#4'],
        },
      ],
    };
    r.violations = [{ invariant: 'orders.quantities', message: 'bad', steps: [0], events: [2] }];
  });
}

describe('buildClientTimeline', () => {
  it('orders entries by time, then action, fault, event, reply, each by step or gseq', () => {
    const timeline = buildClientTimeline(busyRun(), describers);
    expect(timeline.entries.map((e) => `${e.offsetMs} ${e.kind} ${e.client}`)).toEqual([
      '0 action maker',
      '0 action taker',
      '1 event bystander',
      '3 action venue',
      '4 fault taker',
      '4 fault venue',
      '4 event maker',
      '4 event taker',
      '4 reply maker',
      '4 reply taker',
      '30 reply venue',
    ]);
    expect(timeline.origin).toBe(100);
    expect(timeline.spanMs).toBe(30);
  });

  it('flags what a violation names: its steps (requests, replies, faults they armed) and its gseqs', () => {
    const timeline = buildClientTimeline(busyRun(), describers);
    const involved = timeline.entries.filter((e) => e.involved).map((e) => `${e.kind} ${e.client}`);
    expect(involved).toEqual(['action maker', 'event taker', 'reply maker']);
    // The event caused by step 0 is not flagged by the step: only its own gseq would flag it.
    const maker = entriesOf(timeline, 'maker').find((e) => e.kind === 'event');
    expect(maker?.involved).toBe(false);
  });

  it('describes each entry: replies with outcome and code, events with stream, faults with hits', () => {
    const timeline = buildClientTimeline(busyRun(), describers);
    const byText = timeline.entries.map((e) => [e.kind, e.text, e.detail ?? '']);
    expect(byText).toContainEqual(['action', 'act place', '']);
    expect(byText).toContainEqual(['reply', 'ok', '{"orderId":"O1"}']);
    expect(byText).toContainEqual(['reply', 'fail qty_zero', 'qty must be above 0']);
    expect(byText).toContainEqual(['reply', 'info (no definite answer)', 'timeout']);
    expect(byText).toContainEqual(['fault', 'frame.drop (3 hits)', 'lost book:BTC#2, response#4']);
    expect(byText).toContainEqual(['fault', 'process.crash_restart (1 hit)', 'downMs=10']);
    const event = timeline.entries.find((e) => e.kind === 'event' && e.gseq === 2);
    expect(event).toMatchObject({ stream: 'book:BTC', seq: 1, step: 0, text: 'evt book_delta' });
    const crash = timeline.entries.find((e) => e.kind === 'fault' && e.client === TARGET_PARTICIPANT);
    expect(crash).toMatchObject({ durationMs: 10, step: 2 });
    const reply = timeline.entries.find((e) => e.kind === 'reply' && e.step === 2);
    expect(reply).toMatchObject({ outcome: 'info', latencyMs: 27 });
  });

  it('lists clients by first appearance with the venue last, and uses the full action of the replay', () => {
    const timeline = buildClientTimeline(busyRun(), describers);
    expect(timeline.clients).toEqual(['maker', 'taker', 'bystander', TARGET_PARTICIPANT]);
    const replay = busyRun();
    replay.actions[0] = { kind: 'cancel', client: 'maker', gapMs: 0 };
    expect(buildClientTimeline(replay, describers).entries[0].text).toBe('act cancel');
  });

  it('is the same whatever order the evidence came in, and empty for an empty run', () => {
    const shuffled = busyRun();
    shuffled.evidence.history.reverse();
    shuffled.events.reverse();
    (shuffled.evidence.extra.faults as unknown[]).reverse();
    expect(buildClientTimeline(shuffled, describers)).toEqual(buildClientTimeline(busyRun(), describers));
    const empty = sampleReplay((r) => {
      r.actions = [];
      r.events = [];
      r.evidence.history = [];
    });
    expect(buildClientTimeline(empty, describers)).toEqual({
      clients: [],
      entries: [],
      origin: 0,
      spanMs: 0,
      virtualTime: false,
      violations: [
        {
          index: 0,
          invariant: 'orders.quantities',
          message: 'o1 filled 2 of 1',
          client: 'venue',
          by: 'observer',
          offsetMs: 0,
        },
      ],
    });
  });

  it('says when the run was on virtual time (in process), from its evidence', () => {
    expect(buildClientTimeline(busyRun(), describers).virtualTime).toBe(false);
    const virtual = busyRun();
    virtual.evidence.extra = { ...virtual.evidence.extra, virtualTime: true };
    expect(buildClientTimeline(virtual, describers).virtualTime).toBe(true);
  });
});

/**
 * An observer (admin) receives every account's events; the violation is about taker's order,
 * named by the copies admin received: it belongs on taker's lane, not admin's.
 */
function observedRun(violation: { steps: number[]; events: number[] }): ReplayFile {
  return sampleReplay((r) => {
    r.actions = [
      { kind: 'place', client: 'taker', gapMs: 0 },
      { kind: 'place', client: 'maker', gapMs: 0 },
    ];
    r.evidence.history = [
      { step: 0, client: 'taker', action: { kind: 'place' }, invokedAt: 10, completedAt: 12 },
      { step: 1, client: 'maker', action: { kind: 'place' }, invokedAt: 10, completedAt: 12 },
    ];
    const event = (gseq: number, client: string, stream: string, seq: number, step: number) => ({
      gseq,
      client,
      stream,
      seq,
      time: 12,
      step,
      event: { type: 'fill' },
    });
    r.events = [
      event(1, 'admin', 'account:taker', 1, 0),
      event(2, 'admin', 'book:BTC', 1, 1),
      event(3, 'admin', 'account:taker', 2, 1),
      event(4, 'taker', 'account:taker', 1, 0),
      event(5, 'taker', 'account:taker', 2, 1),
      event(6, 'maker', 'book:BTC', 1, 1),
    ];
    r.violations = [{ invariant: 'orders.quantities', message: 'O1 overfilled', ...violation }];
  });
}

describe('violation marks', () => {
  it('go on the lane of the client whose stream the violation names, not the observer that got it', () => {
    const timeline = buildClientTimeline(observedRun({ steps: [0, 1], events: [1, 3] }), describers);
    expect(timeline.violations).toEqual([
      {
        index: 0,
        invariant: 'orders.quantities',
        message: 'O1 overfilled',
        client: 'taker',
        by: 'event',
        // Where the last thing it names happened: the reply to step 1, at 12.
        offsetMs: 2,
        step: 1,
      },
    ]);
  });

  it("fall back to the client of its steps, then to the observer's lane", () => {
    const bySteps = buildClientTimeline(observedRun({ steps: [1], events: [2] }), describers);
    expect(bySteps.violations[0]).toMatchObject({ client: 'maker', by: 'step' });
    const observed = buildClientTimeline(observedRun({ steps: [], events: [2] }), describers);
    expect(observed.violations[0]).toMatchObject({ client: 'admin', by: 'observer', offsetMs: 2, step: 1 });
  });

  it('name the owner of a stream only when a client is a segment of its name', () => {
    const clients = ['admin', 'taker', 'maker', TARGET_PARTICIPANT];
    expect(streamOwner('account:taker', clients)).toBe('taker');
    expect(streamOwner('session:maker', clients)).toBe('maker');
    expect(streamOwner('book:BTC-USD', clients)).toBeUndefined();
    expect(streamOwner('account:takers', clients)).toBeUndefined();
    expect(streamOwner('venue:status', clients)).toBeUndefined();
  });
});
