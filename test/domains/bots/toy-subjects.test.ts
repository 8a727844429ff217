import { describe, expect, it } from 'vitest';
import type { Property } from '../../../src/core/model/property.ts';
import { executeRun, runCampaign } from '../../../src/core/runner/campaign.ts';
import type { BotAction } from '../../../src/domains/bots/bot-action.ts';
import { botsPack } from '../../../src/domains/bots/bots-pack.ts';
import { inprocSubjectFactory } from '../../../src/domains/bots/inproc-subject-factory.ts';
import type { SubjectFactory } from '../../../src/domains/bots/subject.ts';
import { connectionKeeper } from './toy-subjects.ts';

const propertyNamed = (name: string): Property<BotAction> =>
  botsPack.properties.find((p) => p.name === name)!;

/** A campaign checking only `invariant` against `subject`: its shrunk failure, replayed to the same verdict. */
async function caught(subject: SubjectFactory, property: string, invariant: string): Promise<string> {
  const factory = inprocSubjectFactory({ factory: subject });
  const result = await runCampaign<BotAction>({
    properties: [{ ...propertyNamed(property), invariants: [invariant] }],
    invariants: botsPack.invariants as never,
    projection: botsPack.projection as never,
    clients: botsPack.clients,
    factory: factory as never,
    seed: 1,
    runs: 200,
    shrinkAttempts: 300,
    timeBudgetMs: 120_000,
    now: () => performance.now(),
  });
  const failure = result.properties[0].failure;
  expect(failure, `${invariant} found nothing in ${result.runs} runs`).toBeDefined();
  const verdict = failure!.report.verdict;
  const violations = verdict.status === 'fail' ? verdict.violations : [];
  expect(violations.map((v) => v.invariant)).toContain(invariant);
  const again = await executeRun(factory as never, failure!.report.actions, {
    clients: botsPack.clients,
    projection: botsPack.projection as never,
    invariants: botsPack.invariants.filter((i) => i.name === invariant) as never,
    settings: { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 },
  });
  expect(again.verdict).toEqual(verdict);
  return violations[0].message;
}

describe('the bots invariants the grid bot has no planted bug for catch a toy subject', () => {
  it('bots.backoff-after-disconnect: a subject that redials at once', async () => {
    const message = await caught(
      connectionKeeper({ ms: 0 }),
      'bot-under-fire',
      'bots.backoff-after-disconnect',
    );
    expect(message).toMatch(/dialed again 0 ms after/);
  }, 60_000);

  it('bots.reconnects: a subject that never comes back after a cut', async () => {
    await caught(connectionKeeper('never'), 'bot-under-fire', 'bots.reconnects');
  }, 60_000);

  it('bots.intent-leads-to-order: a subject that takes intents and never trades', async () => {
    const message = await caught(connectionKeeper({ ms: 50 }), 'venue-modes', 'bots.intent-leads-to-order');
    expect(message).toMatch(/sent no order/);
  }, 60_000);

  it('and a subject that backs off and comes back keeps both connection rules', async () => {
    const result = await runCampaign<BotAction>({
      properties: [
        {
          ...propertyNamed('bot-under-fire'),
          invariants: ['bots.backoff-after-disconnect', 'bots.reconnects'],
        },
      ],
      invariants: botsPack.invariants as never,
      projection: botsPack.projection as never,
      clients: botsPack.clients,
      factory: inprocSubjectFactory({ factory: connectionKeeper({ ms: 50 }) }) as never,
      seed: 1,
      runs: 200,
      timeBudgetMs: 120_000,
      now: () => performance.now(),
    });
    expect(result.properties[0].failure?.report.verdict).toBeUndefined();
  }, 60_000);
});
