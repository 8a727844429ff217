import type { FeedsAction, SubscribeAction } from '../../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';
import type { FeedsRecord } from './feeds-records.ts';

/** A subscription a client still held at the end of the run, under the id it had last. */
export interface LiveSubscription {
  client: string;
  step: number;
  action: SubscribeAction;
  id: string;
  /** When the client got that id (the subscribe's answer, or its resubscribe after a reconnect). */
  since: number;
}

/**
 * The subscriptions each client held when the run ended: answered subscribes, followed through
 * their resubscribes, less those unsubscribed (or whose unsubscribe's fate is unknown), and less
 * every subscription of a client whose connection was down at the end.
 */
export function liveSubscriptions(evidence: FeedsEvidence): LiveSubscription[] {
  const byTag = new Map<string, LiveSubscription>();
  const byStep = new Map<string, LiveSubscription>();
  const ended = new Set<string>();
  const down = new Set<string>();
  type Entry = { time: number; order: number; apply: () => void };
  const entries: Entry[] = [];
  let order = 0;
  for (const op of evidence.history ?? []) {
    const action = op.action as FeedsAction;
    if (action?.kind === 'subscribe' && op.reply?.status === 'ok' && typeof op.reply.result === 'string') {
      const id = op.reply.result;
      entries.push({
        time: op.completedAt ?? op.invokedAt,
        order: order++,
        apply: () => {
          const live = {
            client: op.client,
            step: op.step,
            action,
            id,
            since: op.completedAt ?? op.invokedAt,
          };
          byTag.set(`${op.client}/${action.tag}`, live);
          byStep.set(`${op.client}/${op.step}`, live);
        },
      });
    }
    if (action?.kind === 'unsubscribe')
      entries.push({
        time: op.invokedAt,
        order: order++,
        apply: () => ended.add(`${op.client}/${action.tag}`),
      });
  }
  for (const rec of (evidence.events ?? []) as FeedsRecord[]) {
    const event = rec.event;
    if (event?.type === 'resubscribed')
      entries.push({
        time: rec.time,
        order: order++,
        apply: () => {
          const live = byStep.get(`${rec.client}/${event.step}`);
          if (live === undefined) return;
          if (event.subscription === undefined) ended.add(`${rec.client}/${live.action.tag}`);
          else {
            live.id = event.subscription;
            live.since = rec.time;
          }
        },
      });
    if (event?.type === 'disconnected')
      entries.push({ time: rec.time, order: order++, apply: () => down.add(rec.client) });
    if (event?.type === 'connected')
      entries.push({ time: rec.time, order: order++, apply: () => down.delete(rec.client) });
  }
  entries.sort((a, b) => a.time - b.time || a.order - b.order);
  for (const entry of entries) entry.apply();
  return [...byTag.entries()]
    .filter(([key, live]) => !ended.has(key) && !down.has(live.client))
    .map(([, live]) => live);
}
