import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileJournal, journalPath, openJournal } from '../../../src/exchange/journal/file-journal.ts';
import { parseJournal, readJournalFile } from '../../../src/exchange/journal/read-journal.ts';
import { journalText, placeInput, sampleEntries, tempDir } from './journal-fixtures.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function freshDir(): string {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  return dir;
}

describe('FileJournal', () => {
  it('creates the directory and file, and appends numbered lines', () => {
    const dir = join(freshDir(), 'nested', 'state');
    const journal = new FileJournal({ dir, fsync: 'never', nextN: 1 });
    journal.append(10, placeInput('a'));
    journal.append(11, { op: 'reset' });
    journal.close();
    const { entries } = parseJournal(readFileSync(journalPath(dir), 'utf8'), 'test');
    expect(entries).toEqual([
      { n: 1, time: 10, input: placeInput('a') },
      { n: 2, time: 11, input: { op: 'reset' } },
    ]);
  });

  it('continues the numbering after a reopen', () => {
    const dir = freshDir();
    const first = openJournal(dir, { fsync: 'never' });
    expect(first.entries).toEqual([]);
    first.journal.append(1, placeInput('a'));
    first.journal.append(2, placeInput('b'));
    first.journal.close();

    const second = openJournal(dir, { fsync: 'never' });
    expect(second.entries.map((e) => e.n)).toEqual([1, 2]);
    expect(second.journal.nextN).toBe(3);
    second.journal.append(3, placeInput('c'));
    second.journal.close();

    const { entries } = openJournal(dir, { fsync: 'never' });
    expect(entries.map((e) => [e.n, e.time])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('syncs every line with fsync always', () => {
    const dir = freshDir();
    const journal = new FileJournal({ dir, fsync: 'always', nextN: 1 });
    for (let i = 1; i <= 20; i++) journal.append(i, placeInput(`c${i}`));
    journal.close();
    expect(readJournalFile(journalPath(dir), () => {}).entries).toHaveLength(20);
  });

  it('refuses to append after close, and close is idempotent', () => {
    const journal = new FileJournal({ dir: freshDir(), fsync: 'never', nextN: 1 });
    journal.close();
    journal.close();
    expect(() => journal.append(1, placeInput('a'))).toThrow(
      expect.objectContaining({ code: 'SHK_JOURNAL_UNWRITABLE', message: expect.stringMatching(/closed/) }),
    );
  });

  it('refuses a nextN that is not a positive integer', () => {
    expect(() => new FileJournal({ dir: freshDir(), fsync: 'never', nextN: 0 })).toThrow(/positive integer/);
  });
});

describe('readJournalFile', () => {
  it('reads a missing file as empty without creating it', () => {
    const path = join(freshDir(), 'journal.ndjson');
    expect(readJournalFile(path, () => {})).toEqual({ entries: [] });
    expect(existsSync(path)).toBe(false);
  });

  it('drops a torn last line, truncates the file to the good prefix and warns', () => {
    const dir = freshDir();
    const path = journalPath(dir);
    const good = journalText(sampleEntries(3));
    const torn = journalText(sampleEntries(4)).slice(good.length, good.length + 17);
    writeFileSync(path, good + torn);
    const warnings: string[] = [];

    const result = readJournalFile(path, (message) => warnings.push(message));

    expect(result.entries).toEqual(sampleEntries(3));
    expect(result.tornTail).toMatchObject({ line: 4, offset: good.length, bytes: 17 });
    expect(statSync(path).size).toBe(good.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${path}:4:`);
    expect(warnings[0]).toContain('17 bytes');
  });

  it('lets appending resume on a clean line after a torn tail', () => {
    const dir = freshDir();
    const good = journalText(sampleEntries(2));
    writeFileSync(journalPath(dir), `${good}{"n":3,"t":`);
    const warnings: string[] = [];
    const { entries, journal } = openJournal(dir, { fsync: 'never', onWarning: (m) => warnings.push(m) });
    expect(entries).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    journal.append(99, { op: 'halt' });
    journal.close();
    const reread = readJournalFile(journalPath(dir), () => {});
    expect(reread.tornTail).toBeUndefined();
    expect(reread.entries.at(-1)).toEqual({ n: 3, time: 99, input: { op: 'halt' } });
  });

  it('counts dropped bytes from the file when the cut splits a multi-byte character', () => {
    const dir = freshDir();
    const path = journalPath(dir);
    const good = journalText(sampleEntries(1));
    const tail = Buffer.from('{"n":2,"t":1,"in":{"op":"€', 'utf8');
    writeFileSync(path, Buffer.concat([Buffer.from(good), tail.subarray(0, tail.length - 1)]));
    const result = readJournalFile(path, () => {});
    expect(result.tornTail?.bytes).toBe(tail.length - 1);
    expect(statSync(path).size).toBe(good.length);
  });

  it('refuses a corrupt file without modifying it', () => {
    const dir = freshDir();
    const path = journalPath(dir);
    const text = journalText(sampleEntries(3)).replace('"c2"', '"cX"');
    writeFileSync(path, text);
    expect(() => readJournalFile(path, () => {})).toThrow(
      expect.objectContaining({
        code: 'SHK_JOURNAL_CORRUPT',
        message: expect.stringMatching(/:2: checksum/),
      }),
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('reports a journal path it cannot read', () => {
    const dir = freshDir();
    expect(() => readJournalFile(dir, () => {})).toThrow(
      expect.objectContaining({ code: 'SHK_JOURNAL_UNREADABLE' }),
    );
  });
});
