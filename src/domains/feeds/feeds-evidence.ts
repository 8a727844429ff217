import type { RunEvidence } from '../../core/model/evidence.ts';
import type { FeedsAction } from './feeds-action.ts';
import type { FeedsClientEvent } from './feeds-client-event.ts';
import type { FeedsView } from './feeds-projection.ts';
import type { FeedsSnapshot } from './protocol/feeds-snapshot.ts';

/**
 * A feeds run's evidence: the actions and their replies, every event the clients recorded, the
 * system's truth read at the end (snapshot), and in `extra` the proxy's own metrics
 * (`metrics`, read by the operator's admin request), the link faults that fired (`faults`) and
 * whether the run's clock was virtual (`virtualTime`).
 */
export type FeedsEvidence = RunEvidence<FeedsAction, FeedsClientEvent, unknown, FeedsSnapshot, FeedsView>;
