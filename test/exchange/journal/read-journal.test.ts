import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';
import { parseJournal } from '../../../src/exchange/journal/read-journal.ts';
import { journalText, sampleEntries } from './journal-fixtures.ts';

function corruption(run: () => unknown): ShakedownError {
  try {
    run();
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected SHK_JOURNAL_CORRUPT, nothing was thrown');
}

function expectCorrupt(text: string, line: number, reason: RegExp): void {
  const error = corruption(() => parseJournal(text, 'j.ndjson'));
  expect(error.code).toBe('SHK_JOURNAL_CORRUPT');
  expect(error.exitCode).toBe(2);
  expect(error.message).toMatch(new RegExp(`^j\\.ndjson:${line}: `));
  expect(error.message).toMatch(reason);
  expect(error.context).toMatchObject({ file: 'j.ndjson', line });
}

/** The journal text for five entries, split into its lines (each without its newline). */
function fiveLines(): string[] {
  return journalText(sampleEntries(5)).split('\n').slice(0, -1);
}

describe('parseJournal', () => {
  it('reads nothing from an empty text', () => {
    expect(parseJournal('', 'j.ndjson')).toEqual({ entries: [] });
  });

  it('reads back every entry of a well-formed journal', () => {
    const entries = sampleEntries(5);
    expect(parseJournal(journalText(entries), 'j.ndjson')).toEqual({ entries });
  });

  it('names the line whose checksum does not match', () => {
    const lines = fiveLines();
    lines[2] = lines[2].replace('"qty":"0.01"', '"qty":"0.02"');
    expectCorrupt(`${lines.join('\n')}\n`, 3, /checksum mismatch/);
  });

  it('names the line that is not JSON', () => {
    const lines = fiveLines();
    lines[1] = lines[1].slice(0, 20);
    expectCorrupt(`${lines.join('\n')}\n`, 2, /invalid JSON/);
  });

  it('refuses an empty line in the middle', () => {
    const lines = fiveLines();
    lines.splice(2, 0, '');
    expectCorrupt(`${lines.join('\n')}\n`, 3, /empty line/);
  });

  it('refuses a gap in the numbering', () => {
    const lines = fiveLines();
    lines.splice(3, 1);
    expectCorrupt(`${lines.join('\n')}\n`, 4, /entry number 5 where 4 was expected/);
  });

  it('refuses a repeated entry', () => {
    const lines = fiveLines();
    lines.splice(2, 0, lines[1]);
    expectCorrupt(`${lines.join('\n')}\n`, 3, /entry number 2 where 3 was expected/);
  });

  it('treats a bad last line that ends in a newline as corruption, not a torn write', () => {
    const lines = fiveLines();
    lines[4] = lines[4].slice(0, 30);
    expectCorrupt(`${lines.join('\n')}\n`, 5, /invalid JSON/);
  });

  it('drops and reports a torn last line', () => {
    const text = journalText(sampleEntries(5));
    const good = journalText(sampleEntries(4));
    const result = parseJournal(text.slice(0, good.length + 25), 'j.ndjson');
    expect(result.entries).toEqual(sampleEntries(4));
    expect(result.tornTail).toMatchObject({ line: 5, offset: good.length, bytes: 25 });
    expect(result.tornTail?.reason).toMatch(/incomplete write/);
  });

  it('drops a last line without its newline even when it parses', () => {
    const text = journalText(sampleEntries(3));
    const result = parseJournal(text.slice(0, -1), 'j.ndjson');
    expect(result.entries).toEqual(sampleEntries(2));
    expect(result.tornTail).toMatchObject({ line: 3, offset: journalText(sampleEntries(2)).length });
    expect(result.tornTail?.reason).toMatch(/no newline/);
  });

  it('counts the torn tail in bytes, not characters', () => {
    const entries = sampleEntries(2);
    entries[1] = { ...entries[1], input: { op: 'cancel', account: 'maker', clientOrderId: 'é€😀' } };
    const text = journalText(entries);
    const result = parseJournal(text.slice(0, -1), 'j.ndjson');
    const firstLine = journalText(entries.slice(0, 1));
    expect(result.tornTail?.offset).toBe(Buffer.byteLength(firstLine));
    expect(result.tornTail?.bytes).toBe(Buffer.byteLength(text) - Buffer.byteLength(firstLine) - 1);
  });

  it('either refuses a line with one character changed, naming it, or reads exactly the same entries', () => {
    const entries = sampleEntries(3);
    const text = journalText(entries);
    const firstEnd = text.indexOf('\n') + 1;
    const secondEnd = text.indexOf('\n', firstEnd);
    fc.assert(
      fc.property(
        fc.integer({ min: firstEnd, max: secondEnd - 1 }),
        fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
        (at, replacement) => {
          const changed = text.slice(0, at) + replacement + text.slice(at + 1);
          if (replacement === '\n') return; // splits the line: covered by other tests
          let result: ReturnType<typeof parseJournal>;
          try {
            result = parseJournal(changed, 'j.ndjson');
          } catch (error) {
            expect(isShakedownError(error) && error.code).toBe('SHK_JOURNAL_CORRUPT');
            expect((error as Error).message).toMatch(/^j\.ndjson:2: /);
            return;
          }
          expect(result).toEqual({ entries });
        },
      ),
    );
  });
});
