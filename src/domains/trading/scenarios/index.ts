import { CATALOG_000 } from './catalog-000.ts';
import { CATALOG_001 } from './catalog-001.ts';
import { CATALOG_002 } from './catalog-002.ts';
import { CATALOG_003 } from './catalog-003.ts';
import type { TradingScenario } from './trading-scenario.ts';

/** Every catalog scenario, by source document, under the names the documents give them. */
export const TRADING_SCENARIOS: readonly TradingScenario[] = [
  ...CATALOG_000,
  ...CATALOG_001,
  ...CATALOG_002,
  ...CATALOG_003,
];

/** The source documents' files, for `list --scenarios`. */
export const SCENARIO_SOURCES: Readonly<Record<string, string>> = {
  '000': '000_bdfa2540f65bd855.txt: WebSocket test-battery RFC',
  '001': '001_d226b417fcd41db8.txt: execution-kernel chaos orchestrator',
  '002': '002_578bf4fed4bc154b.txt: grid-trading bot end-to-end plan',
  '003': '003_9eb4760ddd62f335.txt: multi-user trading engine test plan',
};
