export type { BotsScenario } from './bots-scenario.ts';
export { BOTS_CATALOG as BOTS_SCENARIOS } from './catalog.ts';
export { findBotsProperty } from './find-bots-property.ts';
export { botsScenarioActions, botsScenarioProperty } from './scenario-property.ts';

/** The source documents the bots scenarios come from. */
export const BOTS_SCENARIO_SOURCES: Readonly<Record<string, string>> = {
  '001':
    'execution kernel chaos suite: intents, a mock venue that rejects and fills in part, event replay into a fresh kernel',
  '002':
    'grid-trading bot test plan: crash and ghost fills, 429s and 5xx, corrupted state, deterministic client order ids',
};
