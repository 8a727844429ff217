import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ShakedownError } from '../../core/shakedown-error.ts';
import type { ExchangeInput } from '../../domains/trading/protocol/exchange-input.ts';
import type { JournalEntry, JournalSink } from './journal-entry.ts';
import { encodeJournalLine } from './journal-line.ts';
import { readJournalFile } from './read-journal.ts';

export const JOURNAL_FILE_NAME = 'journal.ndjson';

/** 'never' survives a killed process; 'always' also survives losing power, at a throughput cost. */
export type JournalFsync = 'always' | 'never';

export interface FileJournalOptions {
  dir: string;
  fsync: JournalFsync;
  /** Number of the next entry: entries already in the file + 1, so numbering continues. */
  nextN: number;
}

export function journalPath(dir: string): string {
  return join(dir, JOURNAL_FILE_NAME);
}

/**
 * Appends entries to `<dir>/journal.ndjson`. Writes are synchronous so that when `append`
 * returns the line is in the OS page cache (kept if the process is SIGKILLed), before the
 * host sends the input's effects anywhere.
 */
export class FileJournal implements JournalSink {
  readonly path: string;
  private readonly fsync: JournalFsync;
  private n: number;
  private fd: number | undefined;
  private broken: string | undefined;

  constructor(options: FileJournalOptions) {
    if (!Number.isSafeInteger(options.nextN) || options.nextN < 1) {
      throw new ShakedownError(
        'SHK_JOURNAL_UNENCODABLE',
        `nextN must be a positive integer, got ${options.nextN}`,
        {
          exitCode: 2,
          context: { nextN: options.nextN },
        },
      );
    }
    this.path = journalPath(options.dir);
    this.fsync = options.fsync;
    this.n = options.nextN;
    mkdirSync(options.dir, { recursive: true });
    this.fd = openSync(this.path, 'a');
    if (this.fsync === 'always') syncDirectory(options.dir);
  }

  /** Number the next appended entry will get. */
  get nextN(): number {
    return this.n;
  }

  append(time: number, input: ExchangeInput): void {
    const fd = this.fd;
    if (fd === undefined) throw this.unusable('the journal is closed');
    if (this.broken !== undefined) throw this.unusable(`an earlier write failed (${this.broken})`);
    const entry: JournalEntry = { n: this.n, time, input };
    const bytes = Buffer.from(encodeJournalLine(entry), 'utf8');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      if (this.fsync === 'always') fdatasyncSync(fd);
    } catch (error) {
      // A half-written line followed by more lines would read as corruption, so stop here:
      // after a restart the partial line is the torn tail and is dropped cleanly.
      this.broken = error instanceof Error ? error.message : String(error);
      throw this.unusable(`write failed (${this.broken})`);
    }
    this.n++;
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private unusable(why: string): ShakedownError {
    return new ShakedownError('SHK_JOURNAL_UNWRITABLE', `${this.path}: cannot append: ${why}`, {
      exitCode: 2,
      context: { file: this.path },
    });
  }
}

export interface OpenJournalOptions {
  fsync: JournalFsync;
  /** Told when a torn last line was dropped; defaults to ignoring it. */
  onWarning?: (message: string) => void;
}

/**
 * Reads what `<dir>/journal.ndjson` already holds (cutting off a torn last line) and opens it
 * for appending after the last entry. The host replays `entries` into a fresh engine.
 */
export function openJournal(
  dir: string,
  options: OpenJournalOptions,
): { entries: JournalEntry[]; journal: FileJournal } {
  const { entries } = readJournalFile(journalPath(dir), options.onWarning ?? (() => {}));
  const journal = new FileJournal({ dir, fsync: options.fsync, nextN: entries.length + 1 });
  return { entries, journal };
}

// A newly created file survives power loss only once its directory entry is on disk too.
// Some platforms cannot open or sync a directory; there the file sync is the best on offer.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort, see above
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
