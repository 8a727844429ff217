import fc from 'fast-check';
import type { FaultKind } from '../../../core/faults/fault.ts';
import type { GenerationContext, Property } from '../../../core/model/property.ts';
import { buildFault, faultNumbersArb } from '../generation/fault-commands.ts';
import { gapArb, traderArb } from '../generation/order-fields.ts';
import type { TradingAction } from '../trading-action.ts';
import type { TradingScenario } from './trading-scenario.ts';

/** The actions a scenario sends, in order (its waits and checks are not actions). */
export function scenarioActions(scenario: TradingScenario): TradingAction[] {
  return scenario.steps.flatMap((step) =>
    step.kind === 'send' ? [step.action] : step.kind === 'race' ? step.actions : [],
  );
}

const scaled = (qty: unknown, by: number): unknown =>
  typeof qty === 'number' && qty > 0 ? Math.round(qty * by * 1e9) / 1e9 : qty;

/**
 * Variations of a scenario: the same actions, each order's size times 1–3, new gaps between
 * them (0 keeps the race), and up to three faults dropped in between. Step references (a
 * cancel naming the order of step k) are renumbered around the inserted faults, so the
 * variation means what the scenario meant. Shrinking walks back toward the scenario itself.
 */
export function fuzzScenario(
  scenario: TradingScenario,
): (context: GenerationContext) => fc.Arbitrary<TradingAction[]> {
  const base = scenarioActions(scenario);
  return (context) => {
    const kinds: readonly FaultKind[] = context.faults ?? [];
    const faults = fc.array(
      fc.record({ at: fc.nat(base.length), pick: fc.nat(999), client: traderArb, numbers: faultNumbersArb }),
      { maxLength: kinds.length > 0 ? 3 : 0 },
    );
    const sizes = fc.array(fc.integer({ min: 1, max: 3 }), {
      minLength: base.length,
      maxLength: base.length,
    });
    const gaps = fc.array(gapArb, { minLength: base.length, maxLength: base.length });
    return fc.tuple(sizes, gaps, faults).map(([size, gap, inserted]) => {
      const out: TradingAction[] = [];
      const newStep = new Map<number, number>();
      const at = [...inserted].sort((a, b) => a.at - b.at);
      let next = 0;
      base.forEach((action, i) => {
        while (next < at.length && (at[next]?.at ?? 0) <= i) {
          const f = at[next++];
          if (!f) continue;
          const kind = kinds[f.pick % kinds.length] as FaultKind;
          out.push({ kind: 'fault', client: f.client, gapMs: 0, fault: buildFault(kind, f.numbers) });
        }
        newStep.set(i, out.length);
        out.push(vary(action, size[i] ?? 1, gap[i] ?? 0, newStep));
      });
      return out.slice(0, Math.max(context.maxActions, base.length));
    });
  };
}

function vary(
  action: TradingAction,
  size: number,
  gapMs: number,
  newStep: Map<number, number>,
): TradingAction {
  const renumber = (target: { step: number; clientOrderId: string; byOrderId: boolean }) => ({
    ...target,
    step: newStep.get(target.step) ?? target.step,
  });
  switch (action.kind) {
    case 'place':
      return { ...action, gapMs, qty: scaled(action.qty, size) };
    case 'cancel':
      return { ...action, gapMs, target: renumber(action.target) };
    case 'replace':
      return {
        ...action,
        gapMs,
        target: renumber(action.target),
        ...(action.qty === undefined ? {} : { qty: scaled(action.qty, size) }),
      };
    default:
      return { ...action, gapMs };
  }
}

/** A scenario as a fuzzed property: its variations, checked by the scenario's invariants. */
export function scenarioProperty(scenario: TradingScenario): Property<TradingAction> {
  return {
    name: `scenario:${scenario.name}`,
    description: `variations of ${scenario.name}: ${scenario.description}`,
    tags: scenario.tags,
    actions: fuzzScenario(scenario),
    invariants: [...(scenario.invariants ?? [])],
    settings: { maxActions: 80, requestTimeoutMs: 1000, quietMs: 50 },
  };
}
