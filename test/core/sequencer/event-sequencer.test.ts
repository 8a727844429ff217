import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { EventSequencer } from '../../../src/core/sequencer/event-sequencer.ts';

const ev = (stream: string, seq: number, txn?: number) => ({
  stream,
  seq,
  txn,
  time: seq * 10,
  event: { n: seq },
});

describe('EventSequencer', () => {
  it('numbers events 1, 2, 3... in capture order across clients', () => {
    const sequencer = new EventSequencer();
    sequencer.record('maker', ev('a', 1));
    sequencer.record('taker', ev('b', 1));
    const third = sequencer.record('maker', ev('a', 2));
    expect(third).toEqual({ gseq: 3, client: 'maker', stream: 'a', seq: 2, time: 20, event: { n: 2 } });
    expect(sequencer.finish().map((e) => [e.gseq, e.client])).toEqual([
      [1, 'maker'],
      [2, 'taker'],
      [3, 'maker'],
    ]);
    expect(sequencer.count).toBe(3);
  });

  it('ties events to the step of the reply that named their txn, even when the events came first', () => {
    const sequencer = new EventSequencer();
    sequencer.record('maker', ev('account:maker', 1, 7)); // before the reply of step 0
    sequencer.record('taker', ev('book:X', 1, 7)); // another client sees the same input
    sequencer.attributeStep(7, 0);
    sequencer.record('maker', ev('account:maker', 2, 7)); // after the reply
    sequencer.record('maker', ev('market:X', 1)); // no txn: no step
    sequencer.record('taker', ev('account:taker', 1, 9)); // a txn no reply named
    const events = sequencer.finish();
    expect(events.map((e) => e.step)).toEqual([0, 0, 0, undefined, undefined]);
    expect(events[4].txn).toBe(9);
  });

  it('keeps the first step named for a txn', () => {
    const sequencer = new EventSequencer();
    sequencer.attributeStep(1, 3);
    sequencer.attributeStep(1, 4);
    expect(sequencer.record('maker', ev('a', 1, 1)).step).toBe(3);
  });

  it('refuses to record after finish', () => {
    const sequencer = new EventSequencer();
    sequencer.finish();
    expect(() => sequencer.record('maker', ev('a', 1))).toThrow(/after finish/);
  });

  it('hands finished events to the sink in gseq order, holding those that wait for their reply', () => {
    const sunk: RecordedEvent[] = [];
    const sequencer = new EventSequencer({ sink: (e) => sunk.push(e), retain: false });
    sequencer.record('maker', ev('a', 1)); // final at once
    sequencer.record('maker', ev('a', 2, 5)); // waits for txn 5
    sequencer.record('taker', ev('b', 1)); // final but behind a waiting event
    expect(sunk.map((e) => e.gseq)).toEqual([1]);
    sequencer.attributeStep(5, 2);
    expect(sunk.map((e) => [e.gseq, e.step])).toEqual([
      [1, undefined],
      [2, 2],
      [3, undefined],
    ]);
    sequencer.record('maker', ev('a', 3, 6)); // never attributed: released at finish
    expect(sunk).toHaveLength(3);
    expect(sequencer.finish()).toEqual([]);
    expect(sunk.map((e) => e.gseq)).toEqual([1, 2, 3, 4]);
  });

  it('releases the oldest waiting events past the hold limit, so memory stays bounded', () => {
    const sunk: RecordedEvent[] = [];
    const sequencer = new EventSequencer({ sink: (e) => sunk.push(e), retain: false, holdLimit: 3 });
    for (let i = 1; i <= 10; i++) sequencer.record('maker', ev('a', i, 100)); // txn 100 never replied
    expect(sunk).toHaveLength(7);
    expect(sunk.every((e) => e.step === undefined)).toBe(true);
    sequencer.attributeStep(100, 1);
    expect(sunk.map((e) => e.step).slice(7)).toEqual([1, 1, 1]);
  });

  it('retains events alongside a sink when asked to', () => {
    const sunk: RecordedEvent[] = [];
    const sequencer = new EventSequencer({ sink: (e) => sunk.push(e) });
    sequencer.record('maker', ev('a', 1, 1));
    sequencer.attributeStep(1, 0);
    expect(sequencer.finish()).toEqual(sunk);
    expect(sunk[0].step).toBe(0);
  });
});
