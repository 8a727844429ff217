/**
 * Ethereum's hex encodings: a quantity is `0x` and lowercase hex digits without leading zeros
 * (`0x0` for zero); data (hashes, addresses, topics) is `0x` and an even number of hex digits.
 */
export type HexQuantity = `0x${string}`;
export type HexData = `0x${string}`;

const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/;
const DATA = /^0x([0-9a-f]{2})*$/;

export function toHexQuantity(value: number): HexQuantity {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a quantity: ${value}`);
  return `0x${value.toString(16)}`;
}

/** The number a quantity spells, or undefined for anything that is not a canonical quantity. */
export function fromHexQuantity(value: unknown): number | undefined {
  if (typeof value !== 'string' || !QUANTITY.test(value)) return undefined;
  const number = Number.parseInt(value.slice(2), 16);
  return Number.isSafeInteger(number) ? number : undefined;
}

export function isHexQuantity(value: unknown): value is HexQuantity {
  return fromHexQuantity(value) !== undefined;
}

export function isHexData(value: unknown, bytes?: number): value is HexData {
  if (typeof value !== 'string' || !DATA.test(value)) return false;
  return bytes === undefined || value.length === 2 + 2 * bytes;
}

/** A block named by number or by tag, as eth_getBlockByNumber and eth_getLogs take it. */
export type BlockTag = HexQuantity | 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized';
