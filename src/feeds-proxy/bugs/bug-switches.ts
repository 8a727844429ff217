import type { FeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';

/** The planted bugs a proxy was built with, asked by name where each one acts. */
export class BugSwitches {
  private readonly on: ReadonlySet<FeedsBugName>;

  constructor(bugs: Iterable<FeedsBugName> = []) {
    this.on = new Set(bugs);
  }

  has(bug: FeedsBugName): boolean {
    return this.on.has(bug);
  }

  list(): FeedsBugName[] {
    return [...this.on];
  }
}
