import { readFileSync, truncateSync } from 'node:fs';
import { ShakedownError } from '../../core/shakedown-error.ts';
import type { JournalEntry } from './journal-entry.ts';
import { decodeJournalLine } from './journal-line.ts';

/** A last line cut short by a crash: dropped, and reported so the file can be cut back. */
export interface TornTail {
  /** 1-based line number of the torn line. */
  line: number;
  /** Length in bytes of the good prefix: truncate the file to this size. */
  offset: number;
  /** How many bytes the torn line occupies (what truncation drops). */
  bytes: number;
  reason: string;
}

export interface ParsedJournal {
  entries: JournalEntry[];
  tornTail?: TornTail;
}

/**
 * Parses a whole journal. Only the final line may be bad, and only when the text does not
 * end in a newline: every line is written with its newline in one write, so a missing one
 * means the process died mid-write and the line was never acknowledged. Anything else that
 * is wrong means the file was damaged or edited, and replaying around it would rebuild a
 * different exchange, so it throws SHK_JOURNAL_CORRUPT naming the line.
 */
export function parseJournal(text: string, source: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  if (text === '') return { entries };
  const lines = text.split('\n');
  // After a final newline split leaves an empty string; otherwise the last piece is torn.
  const torn = lines.pop() as string;
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i];
    if (line === '') throw corrupt(source, lineNumber, 'empty line');
    const decoded = decodeJournalLine(line);
    if (!decoded.ok) throw corrupt(source, lineNumber, decoded.reason);
    const expected = entries.length + 1;
    if (decoded.entry.n !== expected) {
      throw corrupt(source, lineNumber, `entry number ${decoded.entry.n} where ${expected} was expected`);
    }
    entries.push(decoded.entry);
  }
  if (torn === '') return { entries };
  // Dropped even if it parses: it was never followed by its newline, so never fully written.
  const decoded = decodeJournalLine(torn);
  const reason = decoded.ok
    ? 'no newline at the end (write cut short)'
    : `incomplete write (${decoded.reason})`;
  const offset = Buffer.byteLength(text, 'utf8') - Buffer.byteLength(torn, 'utf8');
  return {
    entries,
    tornTail: { line: lines.length + 1, offset, bytes: Buffer.byteLength(torn, 'utf8'), reason },
  };
}

/**
 * Reads the journal at `path` (missing means empty). A torn last line is cut off the file so
 * that the next append starts on a fresh line, and `onWarning` says what was dropped.
 */
export function readJournalFile(path: string, onWarning: (message: string) => void): ParsedJournal {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    throw new ShakedownError(
      'SHK_JOURNAL_UNREADABLE',
      `${path}: cannot read the journal (${describe(error)})`,
      {
        exitCode: 2,
        context: { file: path },
      },
    );
  }
  const parsed = parseJournal(bytes.toString('utf8'), path);
  const tail = parsed.tornTail;
  if (tail === undefined) return parsed;
  // The text count can differ from the file when the cut split a multi-byte character.
  const dropped = bytes.length - tail.offset;
  truncateSync(path, tail.offset);
  onWarning(
    `${path}:${tail.line}: dropped a torn last line (${dropped} bytes, ${tail.reason}); ` +
      `truncated the journal to ${tail.offset} bytes`,
  );
  return { entries: parsed.entries, tornTail: { ...tail, bytes: dropped } };
}

function corrupt(source: string, line: number, reason: string): ShakedownError {
  return new ShakedownError('SHK_JOURNAL_CORRUPT', `${source}:${line}: ${reason}`, {
    exitCode: 2,
    context: { file: source, line, reason },
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
