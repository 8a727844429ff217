import type { Invariant } from '../../src/core/model/invariant.ts';
import { botsBackoffAfter429 } from './backoff-after-429.ts';
import { botsBackoffAfterDisconnect } from './backoff-after-disconnect.ts';
import { botsControlChannel } from './control-channel.ts';
import { botsFailClosed } from './fail-closed.ts';
import { botsIntentLeadsToOrder } from './intent-leads-to-order.ts';
import { botsNoDuplicateExecution } from './no-duplicate-execution.ts';
import { botsReconciliation } from './reconciliation.ts';
import { botsReconnects } from './reconnects.ts';
import { botsRiskBreaker } from './risk-breaker.ts';
import { botsSubjectDeclared } from './subject-declared.ts';
import type { BotsEvidence } from './support/bots-evidence.ts';

export { botsBackoffAfter429 } from './backoff-after-429.ts';
export { botsBackoffAfterDisconnect } from './backoff-after-disconnect.ts';
export { botsControlChannel } from './control-channel.ts';
export { botsFailClosed } from './fail-closed.ts';
export { botsIntentLeadsToOrder } from './intent-leads-to-order.ts';
export { botsNoDuplicateExecution } from './no-duplicate-execution.ts';
export { botsReconciliation } from './reconciliation.ts';
export { botsReconnects } from './reconnects.ts';
export { botsRiskBreaker } from './risk-breaker.ts';
export { botsSubjectDeclared } from './subject-declared.ts';
export type { BotsEvidence } from './support/bots-evidence.ts';

/** Every invariant of the bots domain: judged over a subject's wire and state and the venue's truth. */
export const BOTS_INVARIANTS: readonly Invariant<BotsEvidence>[] = [
  botsReconciliation,
  botsNoDuplicateExecution,
  botsBackoffAfter429,
  botsBackoffAfterDisconnect,
  botsReconnects,
  botsFailClosed,
  botsRiskBreaker,
  botsSubjectDeclared,
  botsIntentLeadsToOrder,
  botsControlChannel,
];
