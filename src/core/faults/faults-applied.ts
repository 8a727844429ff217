import type { RunEvidence } from '../model/evidence.ts';
import type { Invariant, Violation } from '../model/invariant.ts';
import { describeFault, isFaultAction } from './fault.ts';

/**
 * A fault the target could not apply is an error of the run, not a pass: a crash that found
 * no process to kill, a kind the target does not support. The campaign checks it on every
 * run that has faults, whatever invariants the property names.
 */
export const faultsApplied: Invariant = {
  name: 'faults.applied',
  description:
    'every fault of the run was applied by the target (a kill that found no process fails the run)',
  check(evidence: RunEvidence): Violation[] {
    const out: Violation[] = [];
    for (const op of evidence.history) {
      if (!isFaultAction(op.action as { kind: string; client: string; gapMs: number })) continue;
      const reply = op.reply;
      if (reply === undefined || reply.status === 'ok') continue;
      const why = reply.status === 'fail' ? `${reply.code}: ${reply.message}` : reply.reason;
      const fault = (op.action as { fault: Parameters<typeof describeFault>[0] }).fault;
      out.push({
        invariant: 'faults.applied',
        message: `step ${op.step}: the fault "${describeFault(fault)}" on ${op.client} was not applied (${why})`,
        steps: [op.step],
        events: [],
      });
    }
    return out;
  },
};
