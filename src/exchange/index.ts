/**
 * The reference exchange's public entry: what the trading domain's reference targets, the CLI
 * and the tests may use. Nothing outside src/exchange reaches past it (.dependency-cruiser.cjs);
 * the protocol it speaks belongs to the trading domain (src/domains/trading/protocol).
 */
export { BUG_NAMES, type BugName, isBugName, PLANTED_BUGS, type PlantedBug } from './bugs/planted-bugs.ts';
export { Engine } from './engine/engine.ts';
export { ExchangeHost } from './gateway/exchange-host.ts';
export type { Session } from './gateway/session.ts';
export type { JournalFsync } from './journal/file-journal.ts';
export type { JournalEntry } from './journal/journal-entry.ts';
export { encodeJournalLine } from './journal/journal-line.ts';
export { MemoryJournal } from './journal/memory-journal.ts';
export { parseJournal } from './journal/read-journal.ts';
export { type RunningExchange, startExchangeServer } from './server/exchange-server.ts';
export { decideListen } from './server/listen-policy.ts';
export {
  type ReferenceExchangeProcess,
  startReferenceExchangeProcess,
} from './server/reference-exchange-process.ts';
