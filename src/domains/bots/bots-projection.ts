import type { RecordedEvent } from '../../core/model/evidence.ts';
import type { Projection } from '../../core/model/projection.ts';
import type { BotEvent } from './bot-event.ts';
import type { SubjectState } from './subject.ts';

/** What a lane of a bots run adds up to: the subject's boots and wire, its last reported state. */
export interface BotsView {
  boots: number;
  sent: number;
  received: number;
  venueEvents: number;
  lastState: SubjectState | null;
}

/** Folds one lane into its view: counts that do not depend on the order of the events, and the last state. */
export const botsProjection: Projection<BotEvent, BotsView> = {
  name: 'bots',
  init: () => ({ boots: 0, sent: 0, received: 0, venueEvents: 0, lastState: null }),
  apply(view: BotsView, record: RecordedEvent<BotEvent>): BotsView {
    const event = record.event;
    if (event.type === 'started') view.boots++;
    else if (event.type === 'sent') view.sent++;
    else if (event.type === 'received') view.received++;
    else if (event.type === 'venue') view.venueEvents++;
    else if (event.type === 'state') view.lastState = event.state;
    return view;
  },
  normalize: (view) => ({
    boots: view.boots,
    sent: view.sent,
    received: view.received,
    venueEvents: view.venueEvents,
  }),
};
