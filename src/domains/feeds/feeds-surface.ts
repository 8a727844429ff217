import type { SurfaceRegistry } from '../../core/coverage/surface-registry.ts';
import { FEEDS_ACTION_KINDS } from './feeds-action.ts';
import { FEEDS_EVENT_TYPES } from './feeds-client-event.ts';
import { FEEDS_LINK_FAULT_KINDS, FEEDS_PROCESS_FAULT_KINDS } from './generation/feeds-actions-arbitrary.ts';
import { BREAKER_STATES } from './protocol/breaker-state.ts';
import { SELECTION_STRATEGIES } from './protocol/feeds-config.ts';
import { FEEDS_METHODS } from './protocol/feeds-methods.ts';
import { JSON_RPC_ERRORS } from './protocol/json-rpc.ts';

/** Every upstream control the operator can make. */
export const UPSTREAM_CONTROLS = ['kill', 'restart', 'lag', 'reorg', 'fail', 'pause', 'disconnect'] as const;

/** Why a feed failed over (FailoverRecord.reason). */
export const FAILOVER_REASONS = [
  'connection_lost',
  'breaker_open',
  'lagging',
  'upstream_error',
  'resync',
] as const;

/**
 * Everything the feeds domain can exercise: action kinds, methods called, upstream controls,
 * event types the clients record, error codes answered, breaker states reached, failover
 * reasons, strategies routed by, reorg causes, and the link faults that fired.
 */
export const FEEDS_SURFACE: SurfaceRegistry = {
  categories: [
    { name: 'action', label: 'Action kinds', items: FEEDS_ACTION_KINDS.filter((k) => k !== 'fault') },
    { name: 'method', label: 'Methods called', items: FEEDS_METHODS },
    { name: 'control', label: 'Upstream controls', items: UPSTREAM_CONTROLS },
    { name: 'event', label: 'Client event types', items: FEEDS_EVENT_TYPES },
    { name: 'error', label: 'Error codes answered', items: Object.values(JSON_RPC_ERRORS).map(String) },
    { name: 'breaker', label: 'Breaker states reached', items: BREAKER_STATES },
    { name: 'failover', label: 'Failover reasons', items: FAILOVER_REASONS },
    { name: 'strategy', label: 'Routing strategies', items: SELECTION_STRATEGIES },
    { name: 'reorg', label: 'Reorg causes', items: ['network', 'fork', 'rejoin'] },
    {
      name: 'fault',
      label: 'Faults fired',
      items: [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS],
    },
  ],
};
