import { describe, expect, it } from 'vitest';
import { createSubject } from '../../../examples/grid-bot/bot.ts';
import { volatility } from '../../../properties/bots/index.ts';
import { diffSubjects } from '../../../src/domains/bots/diff-subjects.ts';

describe('differential subjects', () => {
  it('two runs of the same bot never diverge', async () => {
    const result = await diffSubjects(
      { name: 'a', factory: createSubject },
      { name: 'b', factory: createSubject },
      { property: volatility, seed: 3, runs: 40 },
    );
    expect(result.runs).toBe(40);
    expect(result.divergence).toBeUndefined();
  }, 60_000);

  it('a bot whose breaker does not survive a restart diverges from one whose does, shrunk to a few actions', async () => {
    const result = await diffSubjects(
      { name: 'durable', factory: createSubject },
      { name: 'simple', factory: createSubject, bugs: ['breaker_not_persisted'] },
      { property: volatility, seed: 1, runs: 100 },
    );
    const divergence = result.divergence?.divergence;
    expect(divergence, 'no divergence found').toBeDefined();
    expect(result.divergence!.actions.some((a) => a.kind === 'restart')).toBe(true);
    expect(result.divergence!.actions.some((a) => a.kind === 'mark' && a.spike)).toBe(true);
    expect(result.divergence!.actions.length).toBeLessThanOrEqual(6);
    expect(divergence!.message).toMatch(/differs/);
  }, 60_000);
});
