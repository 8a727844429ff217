import { describe, expect, it } from 'vitest';
import { createSubject } from '../../examples/grid-bot/bot.ts';
import type { Property } from '../../src/core/model/property.ts';
import { executeRun, runCampaign } from '../../src/core/runner/campaign.ts';
import type { BotAction } from '../../src/domains/bots/bot-action.ts';
import { botsPack } from '../../src/domains/bots/bots-pack.ts';
import { GRID_BOT_BUG_INFO } from '../../src/domains/bots/grid-bot-bugs.ts';
import { inprocSubjectFactory } from '../../src/domains/bots/inproc-subject-factory.ts';
import type { Subject, SubjectFactory } from '../../src/domains/bots/subject.ts';
import { replayIntoFresh } from '../../src/domains/bots/subject-convergence.ts';
import { PROPERTY_FOR_BUG } from '../domains/bots/property-for-bug.ts';

const propertyNamed = (name: string): Property<BotAction> =>
  botsPack.properties.find((p) => p.name === name)!;

const common = {
  invariants: botsPack.invariants as never,
  projection: botsPack.projection as never,
  clients: botsPack.clients,
  timeBudgetMs: 600_000,
  now: () => performance.now(),
};

const runOptions = {
  clients: botsPack.clients,
  projection: botsPack.projection as never,
  settings: { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 },
};

/**
 * A bug's campaign (seed 1, its focused property checking only the invariant that names it),
 * run once per file: the bug's own test and the replay-into-a-fresh-subject test share it.
 */
const hunts = new Map<string, ReturnType<typeof huntFor>>();
async function huntFor(bug: string, invariant: string) {
  const property = { ...propertyNamed(PROPERTY_FOR_BUG[bug]), invariants: [invariant] };
  const factory = inprocSubjectFactory({ factory: createSubject, bugs: [bug] });
  const result = await runCampaign<BotAction>({
    ...common,
    properties: [property],
    factory: factory as never,
    seed: 1,
    runs: 300,
    shrinkAttempts: 500,
  });
  return { factory, result };
}
function hunt(bug: string, invariant: string): ReturnType<typeof huntFor> {
  let found = hunts.get(bug);
  if (found === undefined) {
    found = huntFor(bug, invariant);
    hunts.set(bug, found);
  }
  return found;
}

/**
 * The proof that the bots invariants catch what real bots ship: each planted bug of the grid
 * bot, switched on, is found by an in-process campaign checking only the invariant that names
 * it, shrunk, and the shrunk run replayed on a fresh venue gives the same verdict and events.
 */
describe('every grid-bot bug is caught by the invariant that names it', () => {
  it.each(GRID_BOT_BUG_INFO.map((b) => [b.name, b.invariant]))(
    '%s is caught by %s',
    async (bug, invariant) => {
      const { factory, result } = await hunt(bug, invariant);
      const failure = result.properties[0].failure;
      expect(failure, `${bug} was not found in ${result.runs} runs`).toBeDefined();
      const verdict = failure!.report.verdict;
      const violations = verdict.status === 'fail' ? verdict.violations : [];
      expect(violations.map((v) => v.invariant)).toContain(invariant);
      expect(failure!.report.actions.length).toBeLessThanOrEqual(8);

      const again = await executeRun(factory as never, failure!.report.actions, {
        ...runOptions,
        invariants: botsPack.invariants.filter((i) => i.name === invariant) as never,
      });
      expect(again.verdict).toEqual(verdict);
      expect(JSON.stringify(again.evidence.events)).toBe(JSON.stringify(failure!.report.evidence.events));
    },
    120_000,
  );

  it('a bug is switched on by GRID_BOT_BUGS in the environment as well as by --bug', async () => {
    const factory = inprocSubjectFactory({
      factory: createSubject,
      env: { GRID_BOT_BUGS: 'retry_at_once_after_429' },
    });
    const result = await runCampaign<BotAction>({
      ...common,
      properties: [{ ...propertyNamed('rate-limits'), invariants: ['bots.backoff-after-429'] }],
      factory: factory as never,
      seed: 2,
      runs: 200,
      shrinkAttempts: 200,
    });
    expect(result.properties[0].failure).toBeDefined();
  }, 60_000);
});

describe('the clean grid bot', () => {
  it('passes a campaign of 200 runs of every bots property, every invariant having had something to check', async () => {
    const result = await runCampaign<BotAction>({
      ...common,
      properties: botsPack.properties,
      factory: inprocSubjectFactory({ factory: createSubject }) as never,
      seed: 20261207,
      runs: 200,
    });
    for (const outcome of result.properties) {
      const failure = outcome.failure?.report.verdict;
      expect(failure, `${outcome.property}: ${JSON.stringify(failure)}`).toBeUndefined();
      expect(outcome.unknown).toBeUndefined();
      expect(outcome.runs).toBe(200);
      expect(outcome.passed).toBe(true);
    }
    // Silence must fail: each invariant examined something in some run of the campaign.
    // (bots.control-channel judges a process subject's channel: in process there is none.)
    for (const invariant of botsPack.invariants.filter((i) => i.name !== 'bots.control-channel')) {
      const examined = result.properties
        .flatMap((o) => o.invariants ?? [])
        .filter((i) => i.name === invariant.name)
        .reduce((n, i) => n + (i.examined ?? 0), 0);
      expect(examined, `${invariant.name} never had anything to check`).toBeGreaterThan(0);
    }
  }, 240_000);
});

/** The grid bot plus a declared invariant of its own that a long position breaks. */
const neverLong: SubjectFactory = (context) => {
  const inner: Subject = createSubject(context);
  return {
    intent: (i) => inner.intent(i),
    state: () => inner.state(),
    stop: () => inner.stop(),
    settled: () => inner.settled?.() ?? true,
    invariants: [
      {
        name: 'toy.never-long',
        description: 'the position is never above zero',
        check: (state) =>
          Object.values(state.positions)
            .filter((q) => q > 0)
            .map((q) => `long ${q}`),
      },
    ],
  };
};

describe("the subject's own invariants", () => {
  it('are run over the states it reports, and a failing one is caught, shrunk and replayed by bots.subject-declared', async () => {
    const factory = inprocSubjectFactory({ factory: neverLong });
    const result = await runCampaign<BotAction>({
      ...common,
      properties: [{ ...propertyNamed('ghost-fills'), invariants: ['bots.subject-declared'] }],
      factory: factory as never,
      seed: 1,
      runs: 200,
      shrinkAttempts: 300,
    });
    const failure = result.properties[0].failure;
    expect(failure).toBeDefined();
    const verdict = failure!.report.verdict;
    expect(verdict.status === 'fail' ? verdict.violations[0].message : '').toContain('toy.never-long');
    const again = await executeRun(factory as never, failure!.report.actions, {
      ...runOptions,
      invariants: botsPack.invariants.filter((i) => i.name === 'bots.subject-declared') as never,
    });
    expect(again.verdict).toEqual(verdict);
  }, 60_000);
});

describe('replay into a fresh subject', () => {
  it('gives a convergence verdict on a saved grid-bot failure: the double-counted fills are found, in order and shuffled', async () => {
    const bug = 'fills_applied_twice_after_resync';
    // The campaign of the bug's own test above (ghost-fills, bots.reconciliation; run here if
    // that test was not). It used to be run again with 100 runs and 300 shrink attempts: the
    // failure is run 0 and shrinking ends after 39 shrinks either way, so the evidence is the same.
    expect(PROPERTY_FOR_BUG[bug]).toBe('ghost-fills');
    const { result } = await hunt(bug, 'bots.reconciliation');
    const evidence = result.properties[0].failure!.report.evidence;
    // The live bot believes the fills twice; folded from the events it received, they count once.
    const inOrder = replayIntoFresh(createSubject, evidence, { bugs: [bug] });
    expect(inOrder.status).toBe('diverged');
    expect(inOrder.firstDifference?.path).toMatch(/^positions\./);
    for (const seed of [1, 2, 3]) {
      const shuffled = replayIntoFresh(createSubject, evidence, { bugs: [bug], shuffle: true, seed });
      expect(shuffled.status).toBe('diverged');
      expect(shuffled.firstDifference?.path).toBe(inOrder.firstDifference?.path);
    }
  }, 60_000);
});
