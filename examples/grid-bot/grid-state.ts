import type { Belief } from './belief.ts';

/** One slot of the grid: a price level that holds one order at a time, buy low, sell high. */
export interface Slot {
  /** -levels..-1 start as buys below the center, 1..levels as sells above it. */
  index: number;
  side: 'buy' | 'sell';
  price: number;
  /** Bumped each time the slot flips side after a fill: part of its client order id. */
  cycle: number;
  clientOrderId: string;
  /**
   * idle: no order; pending: sent (or about to be), not yet seen at the venue; open: resting;
   * failed: the venue refused or dropped its order, and it waits for the next grid.
   */
  status: 'idle' | 'pending' | 'open' | 'failed';
}

export interface Grid {
  id: string;
  center: number;
  step: number;
  levels: number;
  qty: number;
}

/** An enter or exit intent and the one order it makes. */
export interface IntentRecord {
  clientOrderId: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  status: 'pending' | 'placed' | 'failed';
}

/** Everything the bot keeps across a restart, in its state file. */
export interface GridBotData {
  grid: Grid | null;
  slots: Slot[];
  intents: Record<string, IntentRecord>;
  halted: string | null;
  /** Recent marks, [venue time, price], for the breaker's window. */
  marks: [number, number][];
  /** The last seq applied on each stream, to resume from. */
  seqs: Record<string, number>;
  belief: Belief;
  /** Client order ids drawn so far (random_client_ids). */
  drawn: number;
}

/** The state file's name in the store. */
export const STATE_FILE = 'grid-bot.json';

/** FNV-1a, 32 bits, as 8 hex digits: enough to tell a damaged file from a sound one. */
export function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The file's text: the body as a JSON string, and its checksum (left out by `state_without_checksum`). */
export function encodeState(data: GridBotData, withChecksum: boolean): string {
  const body = JSON.stringify(data);
  return withChecksum
    ? JSON.stringify({ v: 1, checksum: checksum(body), body })
    : JSON.stringify({ v: 1, data });
}

export type DecodedState =
  | { kind: 'none' }
  | { kind: 'ok'; data: GridBotData }
  | { kind: 'corrupted'; why: string };

/**
 * Reads the state file. With the checksum checked, anything that does not parse or does not
 * match its checksum is corrupted. Without it (`state_without_checksum`) whatever parses is
 * taken as it is, and a file that does not parse is as good as none.
 */
export function decodeState(text: string | undefined, verify: boolean): DecodedState {
  if (text === undefined) return { kind: 'none' };
  let parsed: { v?: unknown; checksum?: unknown; body?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return verify ? { kind: 'corrupted', why: 'not JSON' } : { kind: 'none' };
  }
  if (!verify) {
    if (typeof parsed?.data === 'object' && parsed.data !== null)
      return { kind: 'ok', data: parsed.data as GridBotData };
    if (typeof parsed?.body === 'string') {
      try {
        return { kind: 'ok', data: JSON.parse(parsed.body) as GridBotData };
      } catch {
        return { kind: 'none' };
      }
    }
    return { kind: 'none' };
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.body !== 'string')
    return { kind: 'corrupted', why: 'no body' };
  if (parsed.v !== 1) return { kind: 'corrupted', why: `unknown version ${String(parsed.v)}` };
  if (parsed.checksum !== checksum(parsed.body)) return { kind: 'corrupted', why: 'checksum mismatch' };
  try {
    return { kind: 'ok', data: JSON.parse(parsed.body) as GridBotData };
  } catch {
    return { kind: 'corrupted', why: 'body is not JSON' };
  }
}
