import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/exchange/journal/memory-journal.ts';
import { placeInput } from './journal-fixtures.ts';

describe('MemoryJournal', () => {
  it('numbers entries from 1 and keeps the input object as given', () => {
    const journal = new MemoryJournal();
    const input = placeInput('a');
    journal.append(5, input);
    journal.append(6, { op: 'reset' });
    const entries = journal.entries();
    expect(entries).toEqual([
      { n: 1, time: 5, input },
      { n: 2, time: 6, input: { op: 'reset' } },
    ]);
    expect(entries[0].input).toBe(input);
  });

  it('hands out a copy of its list', () => {
    const journal = new MemoryJournal();
    journal.append(1, { op: 'reset' });
    journal.entries().pop();
    expect(journal.entries()).toHaveLength(1);
  });

  it('refuses to append after close', () => {
    const journal = new MemoryJournal();
    journal.close();
    expect(() => journal.append(1, { op: 'reset' })).toThrow(
      expect.objectContaining({ code: 'SHK_JOURNAL_UNWRITABLE' }),
    );
  });
});
