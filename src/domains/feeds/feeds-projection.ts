import type { RecordedEvent } from '../../core/model/evidence.ts';
import type { Projection } from '../../core/model/projection.ts';
import type { FeedsClientEvent } from './feeds-client-event.ts';
import { fromHexQuantity } from './protocol/hex-quantity.ts';

/** What one client holds of one subscription: the chain it followed, as head number → hash. */
export interface FeedView {
  kind: 'newHeads' | 'logs';
  /** The subscribe step that made it. */
  step: number;
  heads: Record<number, string>;
  tip: number | undefined;
  /** Live logs by key (a removal takes one back). */
  logs: Record<string, true>;
  received: number;
}

/** A client's view of the world: its subscriptions' chains and its connection's state. */
export interface FeedsView {
  client: string;
  connected: boolean;
  connections: number;
  feeds: Record<string, FeedView>;
  foreign: number;
  stray: number;
}

/**
 * Folds a client's events into the chains it was shown: per subscription the head it holds at
 * each height (a reorg replaces them), the live logs, and what its connection went through.
 */
export const feedsProjection: Projection<FeedsClientEvent, FeedsView> = {
  name: 'feeds',
  init: (client) => ({ client, connected: false, connections: 0, feeds: {}, foreign: 0, stray: 0 }),
  apply(view: FeedsView, rec: RecordedEvent<FeedsClientEvent>): FeedsView {
    const event = rec.event;
    switch (event.type) {
      case 'connected':
        view.connected = true;
        view.connections++;
        return view;
      case 'disconnected':
        view.connected = false;
        return view;
      case 'foreign_notification':
        view.foreign++;
        return view;
      case 'stray_response':
        view.stray++;
        return view;
      case 'head': {
        const feed = feedOf(view, rec.stream, 'newHeads', event.step);
        const number = fromHexQuantity(event.head?.number);
        if (number !== undefined) {
          feed.heads[number] = String(event.head.hash);
          for (const above of Object.keys(feed.heads).map(Number))
            if (above > number) delete feed.heads[above];
          feed.tip = number;
        }
        feed.received++;
        return view;
      }
      case 'log': {
        const feed = feedOf(view, rec.stream, 'logs', event.step);
        const log = event.log;
        const key = `${String(log?.blockHash)}:${String(log?.logIndex)}`;
        if (log?.removed === true) delete feed.logs[key];
        else feed.logs[key] = true;
        feed.received++;
        return view;
      }
      default:
        return view;
    }
  },
};

function feedOf(view: FeedsView, stream: string, kind: FeedView['kind'], step: number): FeedView {
  let feed = view.feeds[stream];
  if (feed === undefined) {
    feed = { kind, step, heads: {}, tip: undefined, logs: {}, received: 0 };
    view.feeds[stream] = feed;
  }
  return feed;
}
