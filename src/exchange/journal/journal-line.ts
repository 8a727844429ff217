import { ShakedownError } from '../../core/shakedown-error.ts';
import type { ExchangeInput } from '../../domains/trading/protocol/exchange-input.ts';
import { crc32 } from './crc32.ts';
import type { JournalEntry } from './journal-entry.ts';

/** Outcome of decoding one line: the entry, or why the line is not one. */
export type DecodedLine = { ok: true; entry: JournalEntry } | { ok: false; reason: string };

const LINE_KEYS = new Set(['n', 't', 'in', 'c']);
const CHECKSUM = /^[0-9a-f]{8}$/;

/**
 * One journal line, newline included:
 * `{"n":<n>,"t":<time>,"in":<input>,"c":"<crc32 of the JSON text of [n,t,in]>"}`.
 * The JSON texts are built once and shared by the line and the checksummed array, so the
 * checksum covers exactly the bytes that describe the entry.
 */
export function encodeJournalLine(entry: JournalEntry): string {
  // A line that decode would refuse must never reach the file: it would stop the next start.
  if (!Number.isSafeInteger(entry.n) || entry.n < 1) {
    throw unencodable(`n must be a positive integer, got ${String(entry.n)}`);
  }
  if (!Number.isFinite(entry.time))
    throw unencodable(`time must be a finite number, got ${String(entry.time)}`);
  if (!isInputShaped(entry.input)) throw unencodable('input must be an object with a string op');
  const n = JSON.stringify(entry.n);
  const t = JSON.stringify(entry.time);
  const input = JSON.stringify(entry.input);
  const c = crc32(`[${n},${t},${input}]`);
  return `{"n":${n},"t":${t},"in":${input},"c":"${c}"}\n`;
}

/** Decodes one line (without its newline). Never throws: the reader decides what a bad line means. */
export function decodeJournalLine(line: string): DecodedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `invalid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isPlainObject(parsed)) return { ok: false, reason: 'not a JSON object' };
  for (const key of Object.keys(parsed)) {
    if (!LINE_KEYS.has(key)) return { ok: false, reason: `unexpected field "${key}"` };
  }
  const { n, t, in: input, c } = parsed;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    return { ok: false, reason: 'field "n" is not a positive integer' };
  }
  if (typeof t !== 'number' || !Number.isFinite(t))
    return { ok: false, reason: 'field "t" is not a finite number' };
  if (!isInputShaped(input)) return { ok: false, reason: 'field "in" is not an object with a string "op"' };
  if (typeof c !== 'string' || !CHECKSUM.test(c))
    return { ok: false, reason: 'field "c" is not 8 lowercase hex digits' };
  // Re-serialising the parsed values gives back the text that was checksummed when written:
  // JSON.stringify of JSON.parse output is stable for anything JSON.stringify produced.
  const actual = crc32(JSON.stringify([n, t, input]));
  if (actual !== c)
    return { ok: false, reason: `checksum mismatch (line says ${c}, content gives ${actual})` };
  return { ok: true, entry: { n, time: t, input: input as unknown as ExchangeInput } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInputShaped(value: unknown): boolean {
  return isPlainObject(value) && typeof value.op === 'string';
}

function unencodable(what: string): ShakedownError {
  return new ShakedownError('SHK_JOURNAL_UNENCODABLE', `cannot journal entry: ${what}`, {
    exitCode: 2,
    context: { reason: what },
  });
}
