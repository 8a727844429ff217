import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { FEEDS_CLIENTS } from '../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { isHexData, isHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import { type FeedsRecord, truthOf } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'subscriptions.isolated';

/**
 * No subscription receives another's messages: every push a client gets names a subscription
 * it holds on that connection (a push for any other id is another subscriber's, or one the
 * client ended), carries what that subscription is for (a head on newHeads, a log on logs),
 * and, where the system's truth is read, names a subscription the proxy made for that client.
 * A push held back by the link's reorder may arrive after its unsubscribe (excused that often),
 * and a client whose link was faulted may get pushes for a subscription the proxy made for it
 * whose id it never learned (a doubled subscribe, a lost answer).
 */
export const subscriptionsIsolated: Invariant<FeedsEvidence> = {
  name: NAME,
  description: "no subscription receives another's messages, and no client another client's pushes",
  counts: 'pushes',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const excuses = linkExcuses(evidence);
    const owners = new Map<string, string>();
    for (const sub of truthOf(evidence)?.proxy.subscriptions ?? []) owners.set(sub.id, sub.client);
    const names = new Set<string>(FEEDS_CLIENTS);
    let checked = 0;
    for (const rec of (evidence.events ?? []) as FeedsRecord[]) {
      const event = rec.event;
      if (event?.type === 'foreign_notification') {
        checked++;
        const owner = owners.get(event.subscription);
        const chaos = excuses(rec.client);
        // Its own subscription whose id it never learned: a doubled subscribe or a lost answer on its link.
        const own = owner === rec.client || (owner !== undefined && !names.has(owner));
        if (own && chaos.touched) continue;
        if (chaos.reordered()) continue;
        out.push(
          violation(
            NAME,
            `${rec.client} got a push for subscription ${event.subscription}, which it does not hold${owner !== undefined && owner !== rec.client ? ` (the proxy made it for ${owner})` : ''}`,
            [rec],
          ),
        );
        continue;
      }
      if (event?.type !== 'head' && event?.type !== 'log') continue;
      checked++;
      const owner = owners.get(event.subscription);
      // The proxy knows each subscriber by the name its connection gave (the ws chaos proxy passes
      // it on); a subscription it made under a name no client of the run has is not judged by owner.
      if (owners.size > 0 && owner !== rec.client && (owner === undefined || names.has(owner))) {
        out.push(
          violation(
            NAME,
            `${rec.client} got a push on subscription ${event.subscription}, which the proxy made for ${owner ?? 'no one'}`,
            [rec],
            [event.step],
          ),
        );
        continue;
      }
      const shapeOk =
        event.type === 'head'
          ? isHexQuantity(event.head?.number) &&
            isHexData(event.head?.hash, 32) &&
            isHexData(event.head?.parentHash, 32)
          : isHexQuantity(event.log?.logIndex) &&
            isHexData(event.log?.blockHash, 32) &&
            typeof event.log?.removed === 'boolean';
      if (!shapeOk)
        out.push(
          violation(
            NAME,
            `${rec.client} subscription ${event.subscription} (${event.type === 'head' ? 'newHeads' : 'logs'}) got a push that is not a ${event.type}: ${JSON.stringify(event.type === 'head' ? event.head : event.log).slice(0, 120)}`,
            [rec],
            [event.step],
          ),
        );
    }
    tally?.count(checked);
    return out;
  },
};
