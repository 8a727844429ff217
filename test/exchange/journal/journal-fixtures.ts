import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExchangeInput } from '../../../src/domains/trading/protocol/exchange-input.ts';
import type { JournalEntry } from '../../../src/exchange/journal/journal-entry.ts';
import { encodeJournalLine } from '../../../src/exchange/journal/journal-line.ts';

export function placeInput(clientOrderId: string, qty = '0.01'): ExchangeInput {
  return {
    op: 'place',
    account: 'maker',
    symbol: 'SANDBOX.BTC-USD',
    side: 'buy',
    type: 'limit',
    price: '20000.5',
    qty,
    clientOrderId,
  };
}

export function sampleEntries(count: number): JournalEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    n: i + 1,
    time: 1_700_000_000_000 + i,
    input: placeInput(`c${i + 1}`),
  }));
}

/** The journal text for `entries`, one encoded line each. */
export function journalText(entries: JournalEntry[]): string {
  return entries.map(encodeJournalLine).join('');
}

/** A fresh temp dir, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-journal-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
