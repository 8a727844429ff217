import type { FeedsClientEvent } from './feeds-client-event.ts';
import { fromHexQuantity } from './protocol/hex-quantity.ts';

function short(hash: unknown): string {
  return typeof hash === 'string' ? hash.slice(0, 10) : String(hash);
}

/** One line per recorded feeds event, for timelines and counterexamples. */
export function describeFeedsEvent(event: FeedsClientEvent): string {
  switch (event.type) {
    case 'head':
      return `head #${fromHexQuantity(event.head?.number) ?? String(event.head?.number)} ${short(event.head?.hash)} (parent ${short(event.head?.parentHash)}) on ${event.subscription.slice(0, 10)} (step ${event.step})`;
    case 'log':
      return `log${event.log?.removed ? ' REMOVED' : ''} block #${fromHexQuantity(event.log?.blockNumber) ?? '?'} ${short(event.log?.blockHash)} index ${String(event.log?.logIndex)} on ${event.subscription.slice(0, 10)} (step ${event.step})`;
    case 'foreign_notification':
      return `push for a subscription this client does not hold: ${event.subscription}`;
    case 'stray_response':
      return `response to no request of this client: id ${String(event.id)}`;
    case 'bad_frame':
      return `unreadable frame: ${event.reason}`;
    case 'connected':
      return `connected (connection ${event.connection})`;
    case 'disconnected':
      return `disconnected (${event.reason}, connection ${event.connection})`;
    case 'internal_call':
      return `own ${event.method}: ${event.outcome} in ${event.latencyMs} ms`;
    case 'resubscribed':
      return `resubscribed step ${event.step}: ${event.previous ?? 'none'} -> ${event.subscription ?? 'refused'}`;
  }
}
