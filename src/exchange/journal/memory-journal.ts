import { ShakedownError } from '../../core/shakedown-error.ts';
import type { ExchangeInput } from '../../domains/trading/protocol/exchange-input.ts';
import type { JournalEntry, JournalSink } from './journal-entry.ts';

/**
 * A journal kept in memory, for in-process runs and tests. The input object is stored as
 * given, not copied: the host treats inputs as immutable once applied.
 */
export class MemoryJournal implements JournalSink {
  private readonly list: JournalEntry[] = [];
  private closed = false;

  append(time: number, input: ExchangeInput): void {
    if (this.closed) {
      throw new ShakedownError(
        'SHK_JOURNAL_UNWRITABLE',
        'memory journal: cannot append: the journal is closed',
        {
          exitCode: 2,
        },
      );
    }
    this.list.push({ n: this.list.length + 1, time, input });
  }

  close(): void {
    this.closed = true;
  }

  /** A copy of the list, so callers cannot reorder or drop what was journaled. */
  entries(): JournalEntry[] {
    return this.list.map((entry) => ({ ...entry }));
  }
}
