import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRADING_PROPERTIES } from '../../../properties/trading/index.ts';
import { FAULT_KINDS } from '../../../src/core/faults/fault.ts';
import { tradingActions } from '../../../src/domains/trading/generation/trading-actions-arbitrary.ts';
import { TRADING_SCENARIOS } from '../../../src/domains/trading/scenarios/index.ts';
import { scenarioActions } from '../../../src/domains/trading/scenarios/scenario-fuzz.ts';
import { TRADING_ACTION_KINDS, type TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { ALL_TRADING_CAPABILITIES } from '../../../src/domains/trading/trading-capabilities.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import { validateTradingAction } from '../../../src/domains/trading/validate-trading-action.ts';

/** What a replay file holds: the action as JSON, undefined fields gone. */
const asRead = (action: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(action));

/**
 * Action lists as the pack generates them: each property's own arbitrary, with every fault
 * kind mixed in, and the unbiased baseline.
 */
const sequences: fc.Arbitrary<TradingAction[]> = fc.oneof(
  // Long-lived runs are thousands of actions of the same kinds: 60 of them show every schema.
  ...TRADING_PROPERTIES.map((p) =>
    p.actions({
      seed: 7,
      maxActions: Math.min(60, p.settings?.maxActions ?? 40),
      faults: FAULT_KINDS,
      // The in-process venue's: a venue per run (configure) is sent only where it is declared.
      capabilities: ALL_TRADING_CAPABILITIES,
    }),
  ),
  tradingActions({ seed: 7, maxActions: 40 }, { unbiased: true }),
);

/** One action of a generated list. */
const generated: fc.Arbitrary<TradingAction> = sequences
  .filter((actions) => actions.length > 0)
  .chain((actions) => fc.constantFrom(...actions));

type Kind = TradingAction['kind'];

/** Per kind, fields that must be there (kind, client and gapMs are in every action). */
const REQUIRED: Record<Kind, string[]> = {
  place: ['symbol', 'side', 'orderType', 'qty', 'clientOrderId'],
  cancel: ['target'],
  replace: ['target'],
  cancel_all: [],
  set_mark: ['symbol', 'price'],
  reconnect: ['mode'],
  halt: [],
  resume_trading: [],
  reset: [],
  status: ['target'],
  malformed: ['request'],
  configure: ['config'],
  fault: ['fault'],
};

/** Per field, a value of the wrong type or out of its set, and the field the refusal names. */
const WRONG: Record<string, { value: unknown; field?: string; kinds?: Kind[] }[]> = {
  gapMs: [{ value: -1 }, { value: '3' }],
  client: [{ value: 'nobody' }, { value: 7 }],
  symbol: [{ value: 7 }, { value: '' }],
  side: [{ value: 'up' }],
  orderType: [{ value: 'stop' }],
  tif: [{ value: 'day' }],
  stp: [{ value: 'none' }],
  clientOrderId: [{ value: 5 }],
  mode: [{ value: 'later' }],
  request: [{ value: 'place' }, { value: [1] }],
  config: [{ value: 5 }],
  expectRefusal: [{ value: 'yes' }],
  target: [
    { value: 'o-1' },
    { value: { step: 'one', clientOrderId: 'x', byOrderId: false }, field: 'target.step' },
    { value: { step: 0, clientOrderId: 'x' }, field: 'target.byOrderId' },
  ],
  fault: [
    { value: { type: 'frame', effect: 'explode', direction: 'to_target', count: 1 } },
    { value: { type: 'meteor', effect: 'hit' } },
  ],
};

describe('validateTradingAction', () => {
  it('accepts every action the pack generates, faults included, as a replay file holds it', () => {
    const kinds = new Set<Kind>();
    fc.assert(
      fc.property(sequences, (actions) => {
        for (const action of actions) {
          kinds.add(action.kind);
          expect(validateTradingAction(asRead(action)), JSON.stringify(action)).toBeUndefined();
        }
      }),
      { seed: 11, numRuns: 200 },
    );
    // Every kind was seen, so the property above covered each schema.
    expect([...kinds].sort()).toEqual([
      'cancel',
      'cancel_all',
      'configure',
      'fault',
      'halt',
      'malformed',
      'place',
      'reconnect',
      'replace',
      'reset',
      'resume_trading',
      'set_mark',
      'status',
    ]);
  });

  it('accepts every action of every catalog scenario', () => {
    for (const scenario of TRADING_SCENARIOS)
      for (const action of scenarioActions(scenario))
        expect(
          validateTradingAction(asRead(action)),
          `${scenario.name}: ${JSON.stringify(action)}`,
        ).toBeUndefined();
  });

  it('refuses a generated action with a required field removed, naming the field', () => {
    fc.assert(
      fc.property(generated, fc.nat(), (action, pick) => {
        const read = asRead(action);
        const fields = ['kind', 'client', 'gapMs', ...REQUIRED[action.kind]];
        const field = fields[pick % fields.length];
        delete read[field];
        expect(validateTradingAction(read)).toMatchObject({ field, problem: 'is missing' });
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('refuses a generated action with a field of the wrong type or value, naming the field', () => {
    fc.assert(
      fc.property(generated, fc.nat(), (action, pick) => {
        const read = asRead(action);
        const candidates = Object.keys(read).flatMap((key) =>
          (WRONG[key] ?? [])
            .filter((w) => w.kinds === undefined || w.kinds.includes(action.kind))
            .map((w) => ({ key, ...w })),
        );
        fc.pre(candidates.length > 0);
        const wrong = candidates[pick % candidates.length];
        read[wrong.key] = wrong.value;
        const problem = validateTradingAction(read);
        expect(problem, JSON.stringify(read)).toBeDefined();
        expect(problem?.field.startsWith(wrong.field ?? wrong.key), JSON.stringify(problem)).toBe(true);
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('refuses a generated action with an unknown kind or an extra field', () => {
    fc.assert(
      fc.property(
        generated,
        fc.string({ minLength: 1 }).filter((s) => ![...TRADING_ACTION_KINDS, 'fault'].includes(s as never)),
        (action, kind) => {
          expect(validateTradingAction({ ...asRead(action), kind })?.field).toBe('kind');
          expect(validateTradingAction({ ...asRead(action), colour: 'red' })).toEqual({
            field: 'colour',
            problem: `is not a field of a ${action.kind} action`,
          });
        },
      ),
      { seed: 14, numRuns: 200 },
    );
  });

  it('words each problem on one line naming the field', () => {
    const place = {
      kind: 'place',
      client: 'maker',
      gapMs: 0,
      symbol: 'SANDBOX.BTC-USD',
      side: 'buy',
      orderType: 'limit',
      price: 'abc',
      qty: null,
      clientOrderId: 'm-1',
    };
    // Junk wire values are what a broken client sends: they are valid actions.
    expect(validateTradingAction(place)).toBeUndefined();
    expect(validateTradingAction({ ...place, kind: 'bogus' })).toEqual({
      field: 'kind',
      problem:
        'unknown action kind "bogus"; known: place, cancel, replace, cancel_all, set_mark, reconnect, halt, resume_trading, reset, status, malformed, configure, fault',
    });
    expect(validateTradingAction(5)).toEqual({ field: '', problem: 'must be an object, got 5' });
    expect(validateTradingAction({ ...place, client: 'admin' })).toEqual({
      field: 'client',
      problem: 'must be one of maker, taker, bystander for a place action, got "admin"',
    });
    expect(
      validateTradingAction({ kind: 'set_mark', client: 'maker', gapMs: 0, symbol: 'X', price: 1 }),
    ).toEqual({
      field: 'client',
      problem: 'must be one of admin for a set_mark action, got "maker"',
    });
    const cut = {
      kind: 'fault',
      client: 'maker',
      gapMs: 0,
      fault: { type: 'connection', effect: 'reset', downMs: 40 },
    };
    expect(validateTradingAction(cut)).toBeUndefined();
    expect(validateTradingAction({ ...cut, client: 'venue' })?.field).toBe('client');
    expect(
      validateTradingAction({
        ...cut,
        fault: { type: 'process', effect: 'crash_restart', downMs: 5 },
        client: 'venue',
      }),
    ).toBeUndefined();
    expect(validateTradingAction({ ...cut, fault: { ...cut.fault, downMs: -1 } })).toEqual({
      field: 'fault',
      problem: 'downMs must be a non-negative finite number, got -1',
    });
    expect(validateTradingAction({ ...cut, fault: { ...cut.fault, count: 2 } })).toEqual({
      field: 'fault.count',
      problem: 'is not a field of a connection fault',
    });
  });

  it('is the pack’s, with the planted bugs of the venue and of the client', () => {
    expect(tradingPack.validateAction).toBe(validateTradingAction);
    expect(tradingPack.plantedBugs).toContain('overfill');
    expect(tradingPack.plantedBugs).toContain('retry_fresh_client_order_id');
  });
});
