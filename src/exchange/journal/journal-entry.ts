import type { ExchangeInput } from '../../domains/trading/protocol/exchange-input.ts';

/** One journaled input: its position (1-based, gapless), the time it was applied at, and the input. */
export interface JournalEntry {
  n: number;
  time: number;
  input: ExchangeInput;
}

/**
 * Where the host writes every accepted input before it sends the input's effects. `append`
 * is synchronous on purpose: when it returns, the line is in the OS (see docs/journal.md for
 * the durability levels).
 */
export interface JournalSink {
  append(time: number, input: ExchangeInput): void;
  close(): void;
}
