import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { ReplayFile } from '../../../src/core/replay/replay-file.ts';

/** A small, valid replay file; `change` edits a copy of it. */
export function sampleReplay(change: (replay: ReplayFile) => void = () => {}): ReplayFile {
  const events: RecordedEvent[] = [
    {
      gseq: 1,
      client: 'maker',
      stream: 'account:maker',
      seq: 1,
      txn: 1,
      time: 0,
      step: 0,
      event: { type: 'order_accepted', orderId: 'o1' },
    },
    { gseq: 2, client: 'taker', stream: 'book:BTC', seq: 1, time: 0, event: { type: 'book_delta', qty: 1 } },
    {
      gseq: 3,
      client: 'taker',
      stream: 'account:taker',
      seq: 1,
      txn: 2,
      time: 5,
      step: 1,
      event: { type: 'fill', qty: 2 },
    },
  ];
  const replay: ReplayFile = {
    format: 'shakedown-replay',
    version: 1,
    tool: '0.1.0',
    domain: 'trading',
    property: 'orders.no-overfill',
    target: 'inproc',
    seed: 42,
    runIndex: 7,
    path: '7:1:0',
    bugs: ['overfill'],
    settings: { maxActions: 20, requestTimeoutMs: 1000, quietMs: 50 },
    actions: [
      { kind: 'place', client: 'maker', gapMs: 0, qty: 1 },
      { kind: 'place', client: 'taker', gapMs: 0, qty: 2 },
    ],
    events,
    violations: [{ invariant: 'orders.quantities', message: 'o1 filled 2 of 1', steps: [0, 1], events: [3] }],
    verdict: 'fail',
    evidence: {
      history: [
        { step: 0, client: 'maker', action: { kind: 'place' }, invokedAt: 0, completedAt: 2 },
        { step: 1, client: 'taker', action: { kind: 'place' }, invokedAt: 0, completedAt: 2 },
      ],
      snapshot: { orders: [] },
      extra: {},
    },
    createdAt: '2024-05-01T12:00:00.000Z',
    durationMs: 1234,
  };
  const copy = structuredClone(replay);
  change(copy);
  return copy;
}
