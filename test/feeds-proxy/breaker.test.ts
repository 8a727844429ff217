import { describe, expect, test } from 'vitest';
import { SortedVirtualTimeScheduler } from '../../src/core/time/sorted-virtual-scheduler.ts';
import type { BreakerTransition } from '../../src/domains/feeds/protocol/breaker-state.ts';
import { CircuitBreaker } from '../../src/feeds-proxy/proxy/circuit-breaker.ts';
import { Timers } from '../../src/feeds-proxy/proxy/timers.ts';
import { VirtualFeeds } from './support/virtual-feeds.ts';

function rig(
  bugs: { neverHalfOpens?: boolean; ignoresRecoveryTimeout?: boolean; opensEarly?: boolean } = {},
) {
  const scheduler = new SortedVirtualTimeScheduler();
  const transitions: BreakerTransition[] = [];
  let probes = 0;
  const breaker = new CircuitBreaker({
    upstream: 'u0',
    failureThreshold: 3,
    recoveryMs: 500,
    timers: new Timers(scheduler),
    ...bugs,
    onTransition: (t) => transitions.push(t),
    onHalfOpen: () => probes++,
  });
  const advanceTo = (at: number) => scheduler.runUntil(() => false, at);
  return { breaker, transitions, probes: () => probes, advanceTo, scheduler };
}

describe('the circuit breaker', () => {
  test('opens after the configured consecutive failures, not before; a success resets the count', () => {
    const { breaker, transitions } = rig();
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual([
      { upstream: 'u0', from: 'closed', to: 'open', at: 0, reason: 'failures', failures: 3 },
    ]);
  });

  test('planted bug breaker_opens_early: it opens one failure before the threshold', () => {
    const { breaker, transitions } = rig({ opensEarly: true });
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(transitions[0]?.failures).toBe(2);
  });

  test('half-opens only after the recovery timeout, with exactly one probe; the probe decides', () => {
    const { breaker, transitions, probes, advanceTo } = rig();
    for (let i = 0; i < 3; i++) breaker.failure();
    advanceTo(499);
    expect(breaker.state).toBe('open');
    expect(probes()).toBe(0);
    advanceTo(500);
    expect(breaker.state).toBe('half_open');
    expect(probes()).toBe(1);
    // Outcomes of other calls move nothing while half-open.
    breaker.failure();
    breaker.success();
    expect(breaker.state).toBe('half_open');
    breaker.probeResult(false);
    expect(breaker.state).toBe('open');
    advanceTo(999);
    expect(probes()).toBe(1);
    advanceTo(1000);
    expect(probes()).toBe(2);
    breaker.probeResult(true);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => `${t.to}@${t.at}:${t.reason}`)).toEqual([
      'open@0:failures',
      'half_open@500:recovery_timeout',
      'open@500:probe_failed',
      'half_open@1000:recovery_timeout',
      'closed@1000:probe_ok',
    ]);
  });

  test('planted bug breaker_never_half_opens: it stays open', () => {
    const { breaker, probes, advanceTo } = rig({ neverHalfOpens: true });
    for (let i = 0; i < 3; i++) breaker.failure();
    advanceTo(10_000);
    expect(breaker.state).toBe('open');
    expect(probes()).toBe(0);
  });

  test('planted bug breaker_ignores_recovery_timeout: it probes at once', () => {
    const { breaker, transitions, advanceTo } = rig({ ignoresRecoveryTimeout: true });
    for (let i = 0; i < 3; i++) breaker.failure();
    advanceTo(0);
    expect(breaker.state).toBe('half_open');
    expect(transitions[1]).toMatchObject({ to: 'half_open', at: 0 });
  });
});

describe('the proxy breakers against a dying upstream', () => {
  function killedUpstreamRun(bugs: ('breaker_never_half_opens' | 'breaker_ignores_recovery_timeout')[] = []) {
    const sys = new VirtualFeeds({ breakerRecoveryMs: 400, reconnectDelayMs: 20 }, bugs);
    sys.advance(100);
    sys.host.control({ kind: 'kill', upstream: 'u1' });
    sys.advance(1_000);
    sys.host.control({ kind: 'restart', upstream: 'u1' });
    sys.advance(1_000);
    const transitions = sys.host.snapshot().proxy.breakerTransitions.filter((t) => t.upstream === 'u1');
    const calls = sys.host.snapshot().upstreams[1].calls;
    sys.stop();
    return { transitions, calls };
  }

  test('opens after the threshold, probes after each recovery timeout and closes once the upstream is back', () => {
    const { transitions } = killedUpstreamRun();
    expect(transitions[0]).toMatchObject({ from: 'closed', to: 'open', reason: 'failures', failures: 3 });
    for (let i = 1; i < transitions.length; i++) {
      const t = transitions[i];
      if (t.to === 'half_open') expect(t.at - transitions[i - 1].at).toBe(400);
    }
    expect(transitions[transitions.length - 1]).toMatchObject({
      from: 'half_open',
      to: 'closed',
      reason: 'probe_ok',
    });
  });

  test('with breaker_never_half_opens the restarted upstream is never used again', () => {
    const { transitions, calls } = killedUpstreamRun(['breaker_never_half_opens']);
    expect(transitions.map((t) => t.to)).toEqual(['open']);
    const restartedAt = 100 + 1_000;
    expect(calls.filter((c) => c.receivedAt > restartedAt)).toEqual([]);
  });

  test('with breaker_ignores_recovery_timeout the half-open comes at the moment it opens', () => {
    const { transitions } = killedUpstreamRun(['breaker_ignores_recovery_timeout']);
    expect(transitions[1]).toMatchObject({ to: 'half_open', at: transitions[0].at });
  });
});
