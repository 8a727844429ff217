import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import type { UpstreamLifeEvent } from '../../src/domains/feeds/protocol/feeds-snapshot.ts';
import { JSON_RPC_ERRORS } from '../../src/domains/feeds/protocol/json-rpc.ts';
import { truthOf } from './support/feeds-records.ts';
import { firstFaultAt } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'upstream.controls-applied';

interface LifeState {
  alive: boolean;
  paused: boolean;
}

/**
 * The states an upstream went through while a control was out (from `from` to `to`): the one it
 * was in when the control went, then one after each life event in that window. The control was
 * handled in one of them (events of the same instant cannot be ordered by time alone).
 */
function statesDuring(life: readonly UpstreamLifeEvent[], from: number, to: number): LifeState[] {
  let state: LifeState = { alive: true, paused: false };
  const out: LifeState[] = [];
  const apply = (e: UpstreamLifeEvent): void => {
    if (e.event === 'killed') state = { alive: false, paused: false };
    else if (e.event === 'restarted') state = { ...state, alive: true };
    else if (e.event === 'paused') state = { ...state, paused: true };
    else if (e.event === 'resumed') state = { ...state, paused: false };
  };
  for (const e of life) {
    if (e.at > to) break;
    if (e.at >= from && out.length === 0) out.push(state);
    apply(e);
    if (e.at >= from) out.push(state);
  }
  if (out.length === 0) out.push(state);
  return out;
}

const EFFECT: Partial<Record<string, UpstreamLifeEvent['event']>> = {
  kill: 'killed',
  restart: 'restarted',
  lag: 'lag',
  fail: 'fail_armed',
  pause: 'paused',
  disconnect: 'disconnected',
};

/**
 * Every control of the upstreams did what it said, and a refused one was refused for a reason
 * the truth confirms: a kill that answered ok shows in the upstream's life log (a kill that
 * silently missed gives false confidence); a refusal to kill is only for an upstream already
 * dead, to restart only for one alive, to act on a dead or paused one only when it was. Over
 * the operator's link, which carries no faults, every control is answered (unless the proxy's
 * own process was killed or paused meanwhile).
 */
export const upstreamControlsApplied: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    'every upstream control (kill, restart, lag, fork, fail...) was applied, or refused for a reason the truth confirms',
  needs: [CAP.truth, CAP.upstreamControl],
  counts: 'controls',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    if (snapshot === undefined) {
      tally?.count(0);
      return out;
    }
    const faultFrom = firstFaultAt(evidence);
    const lives = new Map(snapshot.upstreams.map((u) => [u.status.name, u.life] as const));
    let checked = 0;
    for (const op of evidence.history ?? []) {
      const action = op.action as FeedsAction;
      if (action?.kind !== 'upstream') continue;
      checked++;
      const control = action.control;
      const reply = op.reply;
      const name = 'upstream' in control ? control.upstream : undefined;
      const life = name === undefined ? undefined : lives.get(name);
      const what = `step ${op.step}: ${control.kind}${name === undefined ? '' : ` of ${name}`}`;
      if (reply === undefined || reply.status === 'info') {
        // The proxy's process was killed or paused while it was out: the operator's link went too.
        if (evidence.extra?.virtualTime === true && faultFrom > (op.completedAt ?? Number.POSITIVE_INFINITY))
          out.push(violation(NAME, `${what} was never answered`, [], [op.step]));
        continue;
      }
      const completed = op.completedAt ?? op.invokedAt;
      if (reply.status === 'ok') {
        const effect = EFFECT[control.kind];
        if (effect === undefined || life === undefined) continue;
        if (!life.some((e) => e.event === effect && e.at >= op.invokedAt && e.at <= completed))
          out.push(
            violation(
              NAME,
              `${what} answered ok, but the upstream's life shows no ${effect} then`,
              [],
              [op.step],
            ),
          );
        continue;
      }
      if (reply.code !== String(JSON_RPC_ERRORS.controlRefused)) {
        out.push(violation(NAME, `${what} failed with ${reply.code}: ${reply.message}`, [], [op.step]));
        continue;
      }
      if (life === undefined) continue;
      const message = reply.message;
      const states = statesDuring(life, op.invokedAt, completed);
      const justifies = (state: LifeState): boolean =>
        control.kind === 'kill'
          ? !state.alive
          : control.kind === 'restart'
            ? state.alive
            : message.includes('is dead')
              ? !state.alive
              : message.includes('paused')
                ? state.paused
                : true;
      const state = states[states.length - 1];
      if (!states.some(justifies))
        out.push(
          violation(
            NAME,
            `${what} was refused (${message}), but the upstream was ${state.alive ? 'alive' : 'dead'}${state.paused ? ' and paused' : ''} then`,
            [],
            [op.step],
          ),
        );
    }
    tally?.count(checked);
    return out;
  },
};
