import { describe, expect, it } from 'vitest';
import { createSubject } from '../../../examples/grid-bot/bot.ts';
import { runScenario } from '../../../src/core/scenario/run-scenario.ts';
import { botsPack } from '../../../src/domains/bots/bots-pack.ts';
import { inprocSubjectFactory } from '../../../src/domains/bots/inproc-subject-factory.ts';
import { BOTS_SCENARIOS } from '../../../src/domains/bots/scenarios/index.ts';

const options = {
  clients: botsPack.clients,
  projection: botsPack.projection as never,
  invariants: botsPack.invariants as never,
};

describe('the seed 001 and 002 client scenarios against a subject', () => {
  it('names the trading catalog scenarios that concern a client', () => {
    const names = BOTS_SCENARIOS.map((s) => s.name);
    for (const name of [
      'crash_offline_fill_restart',
      'rate_limit_every_3rd',
      'corrupted_state_refuses_start',
      'deterministic_client_order_ids',
    ])
      expect(names).toContain(name);
    for (const name of names)
      expect(botsPack.findProperty?.(`scenario:${name}`)?.name).toBe(`scenario:${name}`);
  });

  it.each(BOTS_SCENARIOS.map((s) => [s.name, s]))(
    '%s passes against the grid bot',
    async (_name, scenario) => {
      const result = await runScenario(
        inprocSubjectFactory({ factory: createSubject }) as never,
        scenario as never,
        options,
      );
      expect(result.failure).toBeUndefined();
      expect(result.verdict).toEqual({ status: 'pass' });
    },
  );

  it.each([
    ['crash_offline_fill_restart', 'no_boot_reconciliation'],
    ['corrupted_state_refuses_start', 'state_without_checksum'],
    ['rate_limit_every_3rd', 'retry_at_once_after_429'],
    ['deterministic_client_order_ids', 'random_client_ids'],
  ])('%s fails against the grid bot with %s', async (name, bug) => {
    const scenario = BOTS_SCENARIOS.find((s) => s.name === name)!;
    const result = await runScenario(
      inprocSubjectFactory({ factory: createSubject, bugs: [bug] }) as never,
      scenario as never,
      options,
    );
    expect(result.passed).toBe(false);
  });
});
