import { type SurfaceId, surfaceId } from '../../core/coverage/surface-registry.ts';
import { faultRecordsOf } from '../../core/faults/fault-record.ts';
import type { RunEvidence } from '../../core/model/evidence.ts';
import { type FeedsAction, isCallAction } from './feeds-action.ts';
import type { FeedsClientEvent } from './feeds-client-event.ts';
import type { FeedsSnapshot } from './protocol/feeds-snapshot.ts';
import { methodOf } from './transport/feeds-request.ts';

/**
 * The surface one run exercised: the action kinds and methods it sent, the upstream controls
 * applied, the error codes answered, the event types the clients recorded, the link faults
 * that fired, and from the system's truth the breaker states reached, the failover reasons,
 * the strategy routed by and the causes of reorgs.
 */
export function feedsExercised(evidence: RunEvidence): SurfaceId[] {
  const ids = new Set<SurfaceId>();
  for (const op of evidence.history) {
    const action = op.action as FeedsAction | undefined;
    if (action === undefined || typeof action.kind !== 'string') continue;
    if (action.kind !== 'fault') ids.add(surfaceId('action', action.kind));
    if (action.kind === 'subscribe' || action.kind === 'unsubscribe' || isCallAction(action))
      ids.add(surfaceId('method', methodOf(action)));
    if (action.kind === 'upstream' && op.reply?.status === 'ok')
      ids.add(surfaceId('control', action.control.kind));
    if (op.reply?.status === 'fail') ids.add(surfaceId('error', op.reply.code));
  }
  for (const rec of evidence.events) {
    const type = (rec.event as FeedsClientEvent | undefined)?.type;
    if (typeof type === 'string') ids.add(surfaceId('event', type));
  }
  for (const record of faultRecordsOf(evidence.extra)) ids.add(surfaceId('fault', record.kind));
  const snapshot = evidence.snapshot as FeedsSnapshot | undefined;
  if (snapshot !== undefined && snapshot !== null && typeof snapshot === 'object' && 'proxy' in snapshot) {
    for (const t of snapshot.proxy.breakerTransitions) ids.add(surfaceId('breaker', t.to));
    for (const f of snapshot.proxy.failovers) ids.add(surfaceId('failover', f.reason));
    if (snapshot.proxy.routing.length > 0) ids.add(surfaceId('strategy', snapshot.config.strategy));
    for (const r of snapshot.network.reorgs) ids.add(surfaceId('reorg', r.cause));
    for (const u of snapshot.upstreams) for (const r of u.reorgs) ids.add(surfaceId('reorg', r.cause));
  }
  return [...ids];
}
