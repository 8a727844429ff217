import { describe, expect, it } from 'vitest';
import { resolveTag } from '../../../../src/core/coverage/resolve-tag.ts';
import { runScenario } from '../../../../src/core/scenario/run-scenario.ts';
import { TRADING_SCENARIOS } from '../../../../src/domains/trading/scenarios/index.ts';
import { inprocTargetFactory } from '../../../../src/domains/trading/targets/inproc-target-factory.ts';
import { tradingPack } from '../../../../src/domains/trading/trading-pack.ts';
import { PLANTED_BUGS } from '../../../../src/exchange/bugs/planted-bugs.ts';

/** The names the source documents give, which users look for. */
const NAMES = [
  ...['order_lifecycle', 'cancel_replace', 'self_trade_prevention', 'margin_rejects', 'order_flags'],
  ...['book_priority', 'reconnect_resume', 'drop_copy_parity'],
  ...['rapid_entry_exit', 'two_leg_rapid', 'competing_cancel', 'cancel_after_fill', 'entry_then_mark'],
  ...[
    'entry_reconcile_exit',
    'size_at_lot_boundary',
    'zero_size_entry',
    'negative_price_entry',
    'entry_exit_10x',
  ],
  ...['crash_offline_fill_restart', 'rate_limit_every_3rd', 'corrupted_state_refuses_start'],
  'deterministic_client_order_ids',
  ...['OR-01', 'OR-02', 'OR-03', 'OR-04', 'RK-01', 'RK-02', 'RK-03', 'IR-01', 'IR-03', 'LG-01', 'LG-02'],
  ...['MU-01', 'MU-02', 'DR-01', 'CC-01', 'CC-02', 'FI-01'],
];

/** Each scenario whose concern a planted bug breaks, and the bug it must catch. */
const CATCHES: [bug: string, scenario: string][] = [
  ['overfill', 'LG-01'],
  ['reserve_leak_on_cancel', 'order_lifecycle'],
  ['self_trade', 'self_trade_prevention'],
  ['duplicate_client_order_id', 'IR-01'],
  ['duplicate_client_order_id', 'deterministic_client_order_ids'],
  ['rejected_replace_drops_order', 'cancel_replace'],
  ['fok_partial_fill', 'order_flags'],
  ['post_only_crosses', 'order_flags'],
  ['private_event_leak', 'MU-01'],
  ['stale_equity', 'LG-02'],
  ['stale_equity', 'entry_then_mark'],
  ['journal_skips_cancel_all', 'DR-01'],
  ['duplicate_fill_on_resync', 'entry_reconcile_exit'],
];

const run = (name: string, bugs: string[] = []) => {
  const scenario = TRADING_SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return runScenario(inprocTargetFactory({ bugs: bugs as never }) as never, scenario, {
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: tradingPack.invariants,
  });
};

describe('the scenario catalog', () => {
  it('has every scenario the source documents name, once, each with its source and tags that resolve', () => {
    const names = TRADING_SCENARIOS.map((s) => s.name);
    expect([...names].sort()).toEqual([...NAMES].sort());
    for (const s of TRADING_SCENARIOS) {
      expect(['000', '001', '002', '003']).toContain(s.source);
      expect(s.tags.length, s.name).toBeGreaterThan(0);
      for (const tag of s.tags)
        expect(resolveTag(tradingPack.surface, tag), `${s.name}: ${tag}`).not.toEqual([]);
      const known = new Set(tradingPack.invariants.map((i) => i.name));
      for (const i of s.invariants ?? []) expect(known, `${s.name}: ${i}`).toContain(i);
    }
  });

  it.each(NAMES)('%s passes on the clean exchange', async (name) => {
    const result = await run(name);
    expect(result.failure, JSON.stringify(result.failure)).toBeUndefined();
    expect(result.verdict).toEqual({ status: 'pass' });
    expect(result.passed).toBe(true);
  });

  it.each(CATCHES)(
    'the planted bug %s fails %s, and the failure names the invariant that catches it',
    async (bug, name) => {
      const result = await run(name, [bug]);
      expect(result.passed).toBe(false);
      const invariant = PLANTED_BUGS.find((b) => b.name === bug)?.invariant;
      const named = result.verdict.status === 'fail' ? result.verdict.violations.map((v) => v.invariant) : [];
      expect(named, `${bug} on ${name}: ${JSON.stringify(result.failure)}`).toContain(invariant);
    },
  );
});
