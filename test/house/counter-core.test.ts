import { describe, expect, it } from 'vitest';
import type { RunEvidence } from '../../src/core/model/evidence.ts';
import { DEFAULT_SETTINGS, executeRun, runCampaign } from '../../src/core/runner/campaign.ts';
import type { CounterAction, CounterEvidence } from '../fixtures/counter-domain/counter-action.ts';
import {
  acknowledgedApplied,
  noLostUpdate,
  viewsConverge,
} from '../fixtures/counter-domain/counter-invariants.ts';
import { counterPack } from '../fixtures/counter-domain/counter-pack.ts';

/**
 * The core's runner driven by the counter pack alone, in this thread: nothing of trading is
 * imported. A clean campaign passes with every invariant having something to check; the
 * planted bug is found, shrunk, and its shrunk run fails the same way when executed again.
 */
async function campaign(bugs: string[], seed: number) {
  const factory = await counterPack.targetFactory({ kind: 'inproc' }, { bugs, seed, faults: 'all' });
  return runCampaign<CounterAction>({
    properties: counterPack.properties,
    invariants: counterPack.invariants,
    projection: counterPack.projection,
    clients: counterPack.clients,
    factory,
    seed,
    runs: 80,
    timeBudgetMs: Number.POSITIVE_INFINITY,
    faults: 'all',
    now: Date.now,
    describeAction: counterPack.describeAction,
  });
}

describe('the core lifecycle with the counter pack, in-process', () => {
  it('passes clean, and every invariant counted what it checked', async () => {
    const result = await campaign([], 7);
    const outcome = result.properties[0];
    expect(outcome?.passed).toBe(true);
    expect(outcome?.runs).toBe(80);
    const checks = new Map((outcome?.invariants ?? []).map((c) => [c.name, c]));
    for (const name of ['counter.no-lost-update', 'counter.acknowledged-applied', 'counter.views-converge'])
      expect(checks.get(name)?.examined, name).toBeGreaterThan(0);
  });

  it('finds the lost update, shrinks it, and the shrunk run replays with the same verdict', async () => {
    const result = await campaign(['lost_update'], 7);
    const failure = result.properties[0]?.failure;
    expect(failure).toBeDefined();
    if (!failure) return;
    expect(failure.report.verdict.status).toBe('fail');
    // Shrunk: a handful of actions, two of them changes racing.
    expect(failure.shrinks).toBeGreaterThan(0);
    expect(failure.report.actions.length).toBeLessThanOrEqual(3);
    const changes = failure.report.actions.filter((a) => a.kind === 'increment' || a.kind === 'decrement');
    expect(changes.length).toBe(2);
    expect(changes[1]?.gapMs).toBe(0);
    const factory = await counterPack.targetFactory({ kind: 'inproc' }, { bugs: ['lost_update'], seed: 7 });
    const again = await executeRun(factory, failure.report.actions, {
      clients: counterPack.clients,
      projection: counterPack.projection,
      invariants: counterPack.invariants,
      settings: { ...DEFAULT_SETTINGS, ...counterOpsSettings() },
      describeAction: counterPack.describeAction,
    });
    expect(again.verdict).toEqual(failure.report.verdict);
    // The same sequence against the counter without the bug passes.
    const clean = await counterPack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 7 });
    const fixed = await executeRun(clean, failure.report.actions, {
      clients: counterPack.clients,
      projection: counterPack.projection,
      invariants: counterPack.invariants,
      settings: { ...DEFAULT_SETTINGS, ...counterOpsSettings() },
    });
    expect(fixed.verdict.status).toBe('pass');
  });
});

function counterOpsSettings() {
  return counterPack.properties[0]?.settings ?? {};
}

/** Evidence of a run of two increments, as the counter would leave it, to plant faults into. */
function evidence(overrides: Partial<CounterEvidence> = {}): CounterEvidence {
  const applied = [
    { type: 'changed' as const, step: 0, op: 'increment' as const, by: 1, before: 0, after: 1 },
    { type: 'changed' as const, step: 1, op: 'increment' as const, by: 2, before: 1, after: 3 },
  ];
  const base: RunEvidence<CounterAction> = {
    actions: [],
    history: [0, 1].map((step) => ({
      step,
      client: 'alice',
      action: { kind: 'increment', client: 'alice', gapMs: 0, by: step + 1 },
      invokedAt: 0,
      completedAt: 2,
      reply: { status: 'ok', result: { value: applied[step]?.after } },
    })),
    events: [],
    projections: {},
    snapshot: undefined,
    extra: {},
  };
  return {
    ...(base as CounterEvidence),
    snapshot: { value: 3, applied },
    projections: { alice: { seq: 2, value: 3 }, bob: { seq: 2, value: 3 } },
    ...overrides,
  };
}

describe('every planted counter bug is caught by the invariant it names', () => {
  it.each(counterPack.bugs ?? [])('$name is caught by $invariant', async ({ name, invariant }) => {
    const result = await campaign([name], 7);
    const failure = result.properties[0]?.failure;
    expect(failure?.report.verdict.status).toBe('fail');
    const verdict = failure?.report.verdict;
    const names = verdict?.status === 'fail' ? verdict.violations.map((v) => v.invariant) : [];
    expect(names).toContain(invariant);
  });
});

describe('each counter invariant can fail', () => {
  it('passes the sound evidence', () => {
    for (const invariant of [noLostUpdate, acknowledgedApplied, viewsConverge])
      expect(invariant.check(evidence()), invariant.name).toEqual([]);
  });

  it('no-lost-update: a change that started from a stale value', () => {
    const applied = evidence().snapshot.applied.map((c, i) => (i === 1 ? { ...c, before: 0, after: 2 } : c));
    const found = noLostUpdate.check(evidence({ snapshot: { value: 2, applied } }));
    expect(found.map((v) => v.steps)).toEqual([[0, 1]]);
  });

  it('acknowledged-applied: an acknowledged change missing from the counter, and a request never answered', () => {
    const sound = evidence();
    const missing = acknowledgedApplied.check(
      evidence({ snapshot: { value: 1, applied: sound.snapshot.applied.slice(0, 1) } }),
    );
    expect(missing.map((v) => v.steps)).toEqual([[1]]);
    const [first, second] = sound.history;
    const unanswered = acknowledgedApplied.check(
      evidence({ history: [first, { ...second, reply: undefined }] as CounterEvidence['history'] }),
    );
    expect(unanswered[0]?.message).toContain('never answered');
  });

  it('views-converge: a client left behind with no fault to excuse it', () => {
    const found = viewsConverge.check(
      evidence({ projections: { alice: { seq: 2, value: 3 }, bob: { seq: 1, value: 1 } } }),
    );
    expect(found.map((v) => v.message)).toEqual(['bob sees 1, the counter is 3']);
  });
});
