import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { Projection } from '../../../src/core/model/projection.ts';

export interface SampleEvent {
  value: number;
}

/** Commutative: how many events each stream delivered, whatever their order. */
export const countPerStream: Projection<SampleEvent, { counts: Record<string, number> }> = {
  name: 'count-per-stream',
  init: () => ({ counts: {} }),
  apply(view, event) {
    view.counts[event.stream] = (view.counts[event.stream] ?? 0) + 1;
    return view;
  },
};

/** Order-sensitive: the last value seen on each stream wins. */
export const lastWriterWins: Projection<SampleEvent, Map<string, number>> = {
  name: 'last-writer-wins',
  init: () => new Map(),
  apply(view, event) {
    view.set(event.stream, event.event.value);
    return view;
  },
  normalize: (view) => ({ last: Object.fromEntries([...view].sort(([a], [b]) => (a < b ? -1 : 1))) }),
};

/** Events of `clients`, spread round-robin over `streams`, each stream numbered from 1. */
export function sampleEvents(
  count: number,
  clients: string[],
  streams: string[],
): RecordedEvent<SampleEvent>[] {
  const seqs = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const client = clients[i % clients.length];
    const stream = streams[Math.floor(i / clients.length) % streams.length];
    const key = `${client}|${stream}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return { gseq: i + 1, client, stream, seq, time: i, event: { value: i } };
  });
}
