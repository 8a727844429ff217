import type { HexData } from './hex-quantity.ts';

/**
 * The words the simulated chains write their logs with: every log comes from one of these
 * contracts, its first topic is one of these event signatures and its second one of these
 * accounts. A generator draws log filters from the same lists so that filters match some logs
 * and miss others.
 */
export const LOG_ADDRESSES: readonly HexData[] = [
  '0x00000000000000000000000000000000000000a1',
  '0x00000000000000000000000000000000000000b2',
  '0x00000000000000000000000000000000000000c3',
  '0x00000000000000000000000000000000000000d4',
];

/** Event signatures (topic 0). */
export const LOG_EVENT_TOPICS: readonly HexData[] = [
  '0x1111111111111111111111111111111111111111111111111111111111111111',
  '0x2222222222222222222222222222222222222222222222222222222222222222',
  '0x3333333333333333333333333333333333333333333333333333333333333333',
];

/** Indexed accounts (topic 1). */
export const LOG_ACCOUNT_TOPICS: readonly HexData[] = [
  '0x000000000000000000000000000000000000000000000000000000000000000e',
  '0x000000000000000000000000000000000000000000000000000000000000000f',
  '0x0000000000000000000000000000000000000000000000000000000000000010',
  '0x0000000000000000000000000000000000000000000000000000000000000011',
];

/** Block timestamps: this many seconds at block 0, then BLOCK_SECONDS more each block. */
export const GENESIS_TIMESTAMP = 1_700_000_000;
export const BLOCK_SECONDS = 12;
