import type { RecordedEvent } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';

/**
 * Folds events into one fresh view per client, each event into its own client's view only,
 * in the order they are added. Usable on its own to fold a stream too big for memory.
 */
export class ViewFold<E = unknown, V = unknown> {
  private readonly views = new Map<string, V>();

  /** `clients` get a view even when they received nothing, and come first in `result()`. */
  constructor(
    private readonly projection: Projection<E, V>,
    clients: readonly string[] = [],
  ) {
    for (const client of clients) this.viewOf(client);
  }

  add(event: RecordedEvent<E>): void {
    this.views.set(event.client, this.projection.apply(this.viewOf(event.client), event));
  }

  /** Views by client: the given clients first, then others in order of their first event. */
  result(): Record<string, V> {
    // fromEntries defines own properties, so a client named like an Object.prototype key is safe.
    return Object.fromEntries(this.views);
  }

  private viewOf(client: string): V {
    let view = this.views.get(client);
    if (view === undefined && !this.views.has(client)) {
      view = this.projection.init(client);
      this.views.set(client, view);
    }
    return view as V;
  }
}

/** The events sorted by gseq; the same array when it already is (the usual case). */
export function inGseqOrder<E>(events: readonly RecordedEvent<E>[]): readonly RecordedEvent<E>[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i].gseq < events[i - 1].gseq) return [...events].sort((a, b) => a.gseq - b.gseq);
  }
  return events;
}

/**
 * Rebuilds every client's view from the recorded events alone, in capture (gseq) order: what
 * each client saw, without the target. `clients` lists clients that must have a view even if
 * they received no event.
 */
export function replayOrdered<E, V>(
  events: readonly RecordedEvent<E>[],
  projection: Projection<E, V>,
  clients?: readonly string[],
): Record<string, V> {
  const fold = new ViewFold(projection, clients);
  for (const event of inGseqOrder(events)) fold.add(event);
  return fold.result();
}
