import * as fc from 'fast-check';
import type { Property } from '../../../core/model/property.ts';
import type { BotAction } from '../bot-action.ts';
import type { BotsScenario } from './bots-scenario.ts';

/** The actions a scenario sends, in order. */
export function botsScenarioActions(scenario: BotsScenario): BotAction[] {
  return scenario.steps.flatMap((step) =>
    step.kind === 'send' ? [step.action] : step.kind === 'race' ? step.actions : [],
  );
}

/**
 * A scenario as a property of its variations: the same actions with new gaps (each 0 to 3
 * times its own, so races stay races), shrinking back toward the scenario itself.
 */
export function botsScenarioProperty(scenario: BotsScenario): Property<BotAction> {
  const base = botsScenarioActions(scenario);
  return {
    name: `scenario:${scenario.name}`,
    description: scenario.description,
    tags: [...scenario.tags],
    actions: () =>
      fc
        .array(fc.integer({ min: 0, max: 3 }), { minLength: base.length, maxLength: base.length })
        .map((scale) =>
          base.map((action, i) => ({ ...action, gapMs: Math.round(action.gapMs * (scale[i] ?? 1)) })),
        ),
    invariants: [...(scenario.invariants ?? [])],
    settings: { maxActions: base.length, quietMs: 150, requestTimeoutMs: 2000 },
  };
}
