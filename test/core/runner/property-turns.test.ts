import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PropertyOrder, PropertyTurns } from '../../../src/core/runner/property-turns.ts';

/** What one simulated property does: its runs, how many microtask hops each takes, and whether its last run keeps the turn (a failure to shrink). */
interface Plan {
  runs: number;
  hops: number[];
  keepsTurn: boolean;
}

const hop = async (count: number): Promise<void> => {
  for (let i = 0; i < count; i++) await Promise.resolve();
};

/** Every property a task of its own, as runCampaign drives them: what ran, in order. */
async function simulate(order: PropertyOrder, plans: Plan[]): Promise<string[]> {
  const turns = new PropertyTurns(plans.length, order);
  const log: string[] = [];
  await Promise.all(
    plans.map(async (plan, i) => {
      await turns.take(i);
      for (let run = 0; run < plan.runs; run++) {
        await turns.take(i);
        // The run itself: other properties' tasks go on meanwhile (generating, waiting).
        await hop(plan.hops[run % Math.max(1, plan.hops.length)] ?? 0);
        log.push(`${i}:${run}`);
        if (!(plan.keepsTurn && run === plan.runs - 1)) turns.pass(i);
      }
      await turns.take(i);
      if (plan.keepsTurn && plan.runs > 0) log.push(`${i}:shrink`);
      turns.retire(i);
    }),
  );
  expect(turns.current).toBeUndefined();
  return log;
}

/** The order the runs should take, worked out directly. */
function expected(order: PropertyOrder, plans: Plan[]): string[] {
  const out: string[] = [];
  if (order === 'sequential') {
    plans.forEach((plan, i) => {
      for (let run = 0; run < plan.runs; run++) out.push(`${i}:${run}`);
      if (plan.keepsTurn && plan.runs > 0) out.push(`${i}:shrink`);
    });
    return out;
  }
  const done = plans.map(() => 0);
  const left = new Set(plans.map((_, i) => i));
  while (left.size > 0)
    for (const [i, plan] of plans.entries()) {
      if (!left.has(i)) continue;
      if (done[i]! < plan.runs) out.push(`${i}:${done[i]!++}`);
      if (done[i]! < plan.runs) continue;
      // Its last run: a property keeping its turn shrinks at once; the others leave on their next turn.
      if (plan.keepsTurn && plan.runs > 0) out.push(`${i}:shrink`);
      left.delete(i);
    }
  return out;
}

const plans = fc.array(
  fc.record({
    runs: fc.integer({ min: 0, max: 5 }),
    hops: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    keepsTurn: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('PropertyTurns', () => {
  it('interleaved: run by run, round robin; a property that keeps its turn at the end goes on at once', async () => {
    await fc.assert(
      fc.asyncProperty(plans, async (p) => {
        expect(await simulate('interleaved', p)).toEqual(expected('interleaved', p));
      }),
      { numRuns: 200, seed: 18 },
    );
  });

  it('sequential: property after property, whatever each run awaits', async () => {
    await fc.assert(
      fc.asyncProperty(plans, async (p) => {
        expect(await simulate('sequential', p)).toEqual(expected('sequential', p));
      }),
      { numRuns: 200, seed: 18 },
    );
  });

  it('a turn handed on by a property that does not hold it, or taken after retiring, is refused', async () => {
    const turns = new PropertyTurns(2, 'interleaved');
    expect(() => turns.pass(1)).toThrow(expect.objectContaining({ code: 'SHK_TURN_MISUSED' }));
    await turns.take(0);
    turns.retire(0);
    expect(turns.current).toBe(1);
    expect(() => turns.take(0)).toThrow(/has retired/);
    turns.retire(1);
    expect(turns.current).toBeUndefined();
  });
});
