import type { Log } from '../../domains/feeds/protocol/chain-types.ts';
import type { BlockTruth, ChainTruth, ReorgRecord } from '../../domains/feeds/protocol/feeds-snapshot.ts';

/** What a chain change did, in the order a node announces it. */
export interface ChainChange {
  /** Logs of blocks that left the chain, as removed: true copies, lowest block first. */
  removed: Log[];
  /** Blocks that joined the chain, lowest first. */
  added: BlockTruth[];
  reorg?: ReorgRecord;
}

/**
 * One node's view of the chain: its canonical blocks from 0 up, the blocks it orphaned and its
 * reorgs. Adopting another chain finds the fork point by hash and reports what changed.
 */
export class ChainStore {
  readonly canonical: BlockTruth[] = [];
  readonly orphaned: BlockTruth[] = [];
  readonly reorgs: ReorgRecord[] = [];

  get height(): number {
    return this.canonical.length - 1;
  }

  get tip(): BlockTruth {
    return this.canonical[this.canonical.length - 1];
  }

  block(number: number): BlockTruth | undefined {
    return number >= 0 ? this.canonical[number] : undefined;
  }

  append(block: BlockTruth): void {
    if (block.number !== this.canonical.length)
      throw new Error(`block ${block.number} does not extend ${this.height}`);
    this.canonical.push(block);
  }

  /**
   * Follows `source` up to block `upTo` (never shortening itself unless `source` differs
   * below its tip): blocks past the common prefix are replaced, new ones appended.
   */
  adopt(source: readonly BlockTruth[], upTo: number, at: number, cause: ReorgRecord['cause']): ChainChange {
    const target = Math.min(upTo, source.length - 1);
    let fork = Math.min(this.height, target);
    while (fork >= 0 && this.canonical[fork].head.hash !== source[fork].head.hash) fork--;
    const change: ChainChange = { removed: [], added: [] };
    if (fork < this.height && target > fork) {
      change.reorg = this.cut(fork, at, cause, source[target]);
      change.removed = this.orphaned.slice(this.orphaned.length - change.reorg.depth).flatMap(removedCopies);
    }
    if (fork < this.height) return change;
    for (let n = this.height + 1; n <= target; n++) {
      this.canonical.push(source[n]);
      change.added.push(source[n]);
    }
    return change;
  }

  /** Replaces the blocks above `forkPoint` with `branch` (a private fork), reporting the change. */
  replaceTop(
    forkPoint: number,
    branch: readonly BlockTruth[],
    at: number,
    cause: ReorgRecord['cause'],
  ): ChainChange {
    const reorg = this.cut(forkPoint, at, cause, branch[branch.length - 1]);
    const removed = this.orphaned.slice(this.orphaned.length - reorg.depth).flatMap(removedCopies);
    for (const block of branch) this.append(block);
    return { removed, added: [...branch], reorg };
  }

  truth(): ChainTruth {
    return { canonical: [...this.canonical], orphaned: [...this.orphaned], reorgs: [...this.reorgs] };
  }

  /** Drops the blocks above forkPoint into orphaned and records the reorg to `newTip`. */
  private cut(forkPoint: number, at: number, cause: ReorgRecord['cause'], newTip: BlockTruth): ReorgRecord {
    const old = this.tip;
    const dropped = this.canonical.splice(forkPoint + 1);
    this.orphaned.push(...dropped);
    const reorg: ReorgRecord = {
      at,
      forkPoint,
      depth: dropped.length,
      oldTip: { number: old.number, hash: old.head.hash },
      newTip: { number: newTip.number, hash: newTip.head.hash },
      cause,
    };
    this.reorgs.push(reorg);
    return reorg;
  }
}

function removedCopies(block: BlockTruth): Log[] {
  return block.logs.map((log) => ({ ...log, removed: true }));
}
