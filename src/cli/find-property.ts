import type { ActionBase } from '../core/model/action.ts';
import type { AnyDomainPack } from '../core/model/domain-pack.ts';
import type { Property } from '../core/model/property.ts';
import type { Scenario } from '../core/scenario/scenario.ts';

/**
 * A property of the pack by name: its `findProperty` (which knows `scenario:<name>` for a
 * catalog scenario's fuzzed variations), else its own list.
 */
export function findProperty(pack: AnyDomainPack, name: string): Property | undefined {
  return pack.findProperty ? pack.findProperty(name) : pack.properties.find((p) => p.name === name);
}

/** Surface tags of a property or a scenario, by name (for the summary's coverage). */
export function tagsOf(pack: AnyDomainPack, name: string): readonly string[] {
  return findProperty(pack, name)?.tags ?? pack.scenarios?.find((s) => s.name === name)?.tags ?? [];
}

/** The actions a scenario sends, in order (its waits and checks are not actions). */
export function scenarioActions<A extends ActionBase>(scenario: Scenario<A, unknown, unknown>): A[] {
  return scenario.steps.flatMap((step) =>
    step.kind === 'send' ? [step.action] : step.kind === 'race' ? step.actions : [],
  );
}
