import type { BlockTruth } from '../../domains/feeds/protocol/feeds-snapshot.ts';
import type { HexData } from '../../domains/feeds/protocol/hex-quantity.ts';
import { makeBlock, ZERO_HASH } from './block-factory.ts';
import { ChainStore } from './chain-store.ts';

export interface NetworkChainOptions {
  chainSeed: number;
  initialBlocks: number;
  maxLogsPerBlock: number;
  /** The mint time stamped on the initial blocks. */
  genesisAt: number;
}

/**
 * The chain every upstream follows: it mints one block at a time and can reorg (replace its
 * top blocks with a new branch of the same height). Branch ids are handed out in order, so a
 * seed and the same calls give the same chain.
 */
export class NetworkChain {
  readonly store = new ChainStore();
  private nextBranch = 1;
  /** The branch id of every block not on branch 0, so the next block continues its branch. */
  private readonly branchIds = new Map<string, number>();

  constructor(private readonly options: NetworkChainOptions) {
    let parent: HexData = ZERO_HASH;
    for (let n = 0; n < options.initialBlocks; n++) {
      const block = this.make(n, parent, 0, options.genesisAt);
      this.store.append(block);
      parent = block.head.hash;
    }
  }

  get height(): number {
    return this.store.height;
  }

  /** Appends the next block on the current branch. */
  mint(at: number): BlockTruth {
    const tip = this.store.tip;
    const block = this.make(tip.number + 1, tip.head.hash, this.branchOf(tip), at);
    this.store.append(block);
    return block;
  }

  /** Replaces the top `depth` blocks by a new branch of the same height; returns the new tip. */
  reorg(depth: number, at: number): BlockTruth {
    const forkPoint = this.height - depth;
    const branch = this.newBranch(forkPoint, depth, at);
    this.store.replaceTop(forkPoint, branch, at, 'network');
    return this.store.tip;
  }

  /**
   * A branch of `length` blocks on top of `forkPoint` (of the network's chain), on a fresh
   * branch id: for a reorg here, or for an upstream's private fork.
   */
  newBranch(forkPoint: number, length: number, at: number): BlockTruth[] {
    const branchId = this.nextBranch++;
    const blocks: BlockTruth[] = [];
    let parent = this.store.block(forkPoint)?.head.hash ?? ZERO_HASH;
    for (let i = 1; i <= length; i++) {
      const block = this.make(forkPoint + i, parent, branchId, at);
      blocks.push(block);
      parent = block.head.hash;
    }
    return blocks;
  }

  private branchOf(block: BlockTruth): number {
    return this.branchIds.get(block.head.hash) ?? 0;
  }

  private make(number: number, parentHash: HexData, branch: number, mintedAt: number): BlockTruth {
    const block = makeBlock({
      chainSeed: this.options.chainSeed,
      number,
      parentHash,
      branch,
      mintedAt,
      maxLogsPerBlock: this.options.maxLogsPerBlock,
    });
    if (branch !== 0) this.branchIds.set(block.head.hash, branch);
    return block;
  }
}
