import { ownModule } from '../core/own-files.ts';
import type { PackReference } from '../core/workers/worker-protocol.ts';

/** The pack a worker thread loads to build its own target (by module URL: workers share no objects). */
export const TRADING_PACK_REFERENCE: PackReference = {
  module: ownModule('../domains/trading/trading-pack.ts', import.meta.url).href,
  exportName: 'tradingPack',
};
