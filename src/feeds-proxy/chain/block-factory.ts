import { createHash } from 'node:crypto';
import type { Log } from '../../domains/feeds/protocol/chain-types.ts';
import {
  BLOCK_SECONDS,
  GENESIS_TIMESTAMP,
  LOG_ACCOUNT_TOPICS,
  LOG_ADDRESSES,
  LOG_EVENT_TOPICS,
} from '../../domains/feeds/protocol/chain-vocabulary.ts';
import type { BlockTruth } from '../../domains/feeds/protocol/feeds-snapshot.ts';
import type { HexData } from '../../domains/feeds/protocol/hex-quantity.ts';
import { toHexQuantity } from '../../domains/feeds/protocol/hex-quantity.ts';

/** The parent hash block 0 names. */
export const ZERO_HASH: HexData = `0x${'0'.repeat(64)}`;

/** 32 bytes of SHA-256 over the text, as 0x-hex. */
export function hash32(text: string): HexData {
  return `0x${createHash('sha256').update(text).digest('hex')}`;
}

export interface BlockRecipe {
  chainSeed: number;
  number: number;
  parentHash: HexData;
  /** 0 for the network's first branch; every reorg or private fork mints on a new branch id. */
  branch: number;
  mintedAt: number;
  maxLogsPerBlock: number;
}

/**
 * Makes a block: its hash is a function of the seed, number, branch and parent, so the same
 * recipe gives the same block on every run and machine, and two branches never share a hash.
 * Its logs (0 to maxLogsPerBlock) are drawn from the hash, from the shared vocabulary.
 */
export function makeBlock(recipe: BlockRecipe): BlockTruth {
  const hash = hash32(`block:${recipe.chainSeed}:${recipe.number}:${recipe.branch}:${recipe.parentHash}`);
  const number = toHexQuantity(recipe.number);
  const head = {
    number,
    hash,
    parentHash: recipe.parentHash,
    timestamp: toHexQuantity(GENESIS_TIMESTAMP + recipe.number * BLOCK_SECONDS),
  };
  const bytes = Buffer.from(hash.slice(2), 'hex');
  const count = bytes[0] % (recipe.maxLogsPerBlock + 1);
  const logs: Log[] = [];
  for (let i = 0; i < count; i++) {
    logs.push({
      blockNumber: number,
      blockHash: hash,
      logIndex: toHexQuantity(i),
      address: LOG_ADDRESSES[bytes[1 + i * 3] % LOG_ADDRESSES.length],
      topics: [
        LOG_EVENT_TOPICS[bytes[2 + i * 3] % LOG_EVENT_TOPICS.length],
        LOG_ACCOUNT_TOPICS[bytes[3 + i * 3] % LOG_ACCOUNT_TOPICS.length],
      ],
      data: hash32(`data:${hash}:${i}`),
      removed: false,
    });
  }
  return { number: recipe.number, head, logs, mintedAt: recipe.mintedAt };
}
