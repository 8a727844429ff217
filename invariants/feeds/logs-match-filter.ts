import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsAction } from '../../src/domains/feeds/feeds-action.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { logMatchesFilter } from '../../src/domains/feeds/protocol/chain-types.ts';
import { fromHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import { knownBlocks, logFeeds, truthOf } from './support/feeds-records.ts';
import { violation } from './support/violation.ts';

const NAME = 'logs.match-filter';

/**
 * Every log a logs subscription delivers (removals included) matches the subscription's filter
 * (address, topics by position), and is a log some chain of the system really had: its block
 * hash is a known block at its number, with that log at that index.
 */
export const logsMatchFilter: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'logs delivered to a subscription match its filter and are logs of a known block',
  needs: [CAP.truth],
  counts: 'logs',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    const blocks = snapshot === undefined ? undefined : knownBlocks(snapshot);
    let checked = 0;
    for (const feed of logFeeds(evidence)) {
      const action = evidence.history?.[feed.step]?.action as FeedsAction | undefined;
      const filter = action?.kind === 'subscribe' ? (action.filter ?? {}) : undefined;
      for (const rec of feed.records) {
        const log = rec.event.log;
        checked++;
        const where = `${feed.client} subscription ${feed.subscription} (step ${feed.step})`;
        if (filter !== undefined && !logMatchesFilter(log, filter)) {
          out.push(
            violation(
              NAME,
              `${where}: log ${log.address} ${JSON.stringify(log.topics)} does not match the filter ${JSON.stringify(filter)}`,
              [rec],
              [feed.step],
            ),
          );
          continue;
        }
        if (blocks === undefined) continue;
        const block = blocks.get(String(log.blockHash));
        const index = fromHexQuantity(log.logIndex);
        const truth = index === undefined ? undefined : block?.logs[index];
        if (
          block === undefined ||
          block.number !== fromHexQuantity(log.blockNumber) ||
          truth === undefined ||
          truth.address.toLowerCase() !== String(log.address).toLowerCase() ||
          JSON.stringify(truth.topics) !== JSON.stringify(log.topics)
        ) {
          out.push(
            violation(
              NAME,
              `${where}: log ${log.blockHash}:${log.logIndex} is no log of a known block`,
              [rec],
              [feed.step],
            ),
          );
        }
      }
    }
    tally?.count(checked);
    return out;
  },
};
