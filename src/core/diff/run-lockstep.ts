import type { ActionBase } from '../model/action.ts';
import type { RunEvidence } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import type { TargetFactory } from '../model/target.ts';
import { runScenario } from '../scenario/run-scenario.ts';
import type { Scenario } from '../scenario/scenario.ts';

export interface LockstepOptions<E> {
  clients: readonly string[];
  projection: Projection<E>;
  /** Quiet window after the last reply before the final state is read. */
  quietMs: number;
}

/**
 * Runs an action list on a fresh target in lockstep: each action is sent only once the
 * previous one is answered. Over a network, two clients' requests sent in one instant may
 * reach the venue in either order, which is not a divergence; in lockstep both targets take
 * the same inputs in the same order, so a correct pair must produce the same outputs.
 *
 * Waiting for the reply is enough for the events too, when the target (like the reference
 * exchange) sends an input's events before answering it: by the time the next action goes
 * out, every event of the previous one is on its way to every client. Gaps are not waited
 * (order is what matters here, and a virtual clock and a wall clock cannot agree on
 * durations anyway). The scenario runner does the sending: one `send` step per action, any
 * reply accepted, then its quiet window and the final snapshot.
 */
export async function runLockstep<A extends ActionBase, E>(
  factory: TargetFactory<A, E>,
  actions: readonly A[],
  options: LockstepOptions<E>,
): Promise<RunEvidence<A>> {
  const result = await runScenario(factory, lockstepScenario<A, E>(actions), {
    clients: options.clients,
    projection: options.projection,
    invariants: [],
    quietMs: options.quietMs,
  });
  return result.evidence;
}

function lockstepScenario<A extends ActionBase, E>(actions: readonly A[]): Scenario<A, E> {
  return {
    name: 'lockstep',
    source: 'diff',
    description: 'the generated actions, each once the previous one is answered',
    tags: [],
    // A `send` step waits for its reply and ignores the action's gap.
    steps: actions.map((action) => ({ kind: 'send' as const, action, expect: 'any' as const })),
  };
}
