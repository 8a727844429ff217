import { type SurfaceId, type SurfaceRegistry, surfaceId } from '../../core/coverage/surface-registry.ts';
import type { RunEvidence } from '../../core/model/evidence.ts';
import type { BotAction, BotActionKind } from './bot-action.ts';
import type { BotEvent, BotEventType } from './bot-event.ts';
import { BOT_FAULT_KINDS } from './generation/bot-actions-arbitrary.ts';
import { SUBJECT_INTENT_TYPES } from './subject.ts';

const ACTION_KINDS: Record<BotActionKind, true> = {
  intent: true,
  restart: true,
  market_place: true,
  market_cancel: true,
  mark: true,
  venue_mode: true,
  fault: true,
};

const EVENT_TYPES: Record<BotEventType, true> = {
  sent: true,
  received: true,
  mode_refused: true,
  dialing: true,
  dialed: true,
  closed: true,
  started: true,
  killed: true,
  intent: true,
  state: true,
  declared: true,
  log: true,
  venue: true,
  modes: true,
};

/** What a subject can be put through: actions, intents, what its lane records, faults, venue modes. */
export const BOTS_SURFACE: SurfaceRegistry = {
  categories: [
    { name: 'action', label: 'action types', items: Object.keys(ACTION_KINDS) },
    { name: 'intent', label: 'intent types', items: [...SUBJECT_INTENT_TYPES] },
    { name: 'event', label: 'subject lane events', items: Object.keys(EVENT_TYPES) },
    { name: 'fault', label: 'fault kinds', items: [...BOT_FAULT_KINDS] },
    {
      name: 'mode',
      label: 'venue modes',
      items: ['rejectEntries', 'rejectExits', 'rejectCancels', 'partialFills'],
    },
    {
      name: 'life',
      label: 'subject lifecycle',
      items: ['restart', 'corrupted_start', 'ghost_fill', 'spike'],
    },
  ],
};

/** The surface items one run exercised. */
export function botsExercised(evidence: RunEvidence<BotAction, BotEvent>): Iterable<SurfaceId> {
  const out = new Set<SurfaceId>();
  for (const action of evidence.actions) {
    out.add(surfaceId('action', action.kind));
    if (action.kind === 'intent') out.add(surfaceId('intent', action.intent.type));
    if (action.kind === 'fault') out.add(surfaceId('fault', `${action.fault.type}.${action.fault.effect}`));
    if (action.kind === 'mark' && action.spike) out.add(surfaceId('life', 'spike'));
    if (action.kind === 'venue_mode')
      for (const [mode, on] of Object.entries(action.modes)) if (on) out.add(surfaceId('mode', mode));
  }
  let down = false;
  for (const record of evidence.events) {
    const event = record.event;
    out.add(surfaceId('event', event.type));
    if (event.type === 'killed') down = true;
    if (event.type === 'started') {
      if (event.boot > 0) out.add(surfaceId('life', 'restart'));
      if (event.corrupted) out.add(surfaceId('life', 'corrupted_start'));
      down = false;
    }
    if (down && event.type === 'venue' && event.message.event.type === 'fill')
      out.add(surfaceId('life', 'ghost_fill'));
  }
  return out;
}
