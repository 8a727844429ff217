import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { type LogRecord, logFeeds } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'logs.delivered-once';

/**
 * Per subscription, a log is delivered once while it stands: the same log (block hash and
 * index) again is a duplicate unless its removal (`removed: true`, after a reorg) came in
 * between, and a log is taken back at most once per delivery. A backfill after failover that
 * overlaps what was delivered must be suppressed. Excused only as often as the link's chaos
 * doubled pushes to that client.
 */
export const logsDeliveredOnce: Invariant<FeedsEvidence> = {
  name: NAME,
  description: 'per subscription, no log is delivered twice (nor removed twice) across failovers and reorgs',
  counts: 'logs',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const excuses = linkExcuses(evidence);
    let checked = 0;
    for (const feed of logFeeds(evidence)) {
      const chaos = excuses(feed.client);
      const live = new Map<string, LogRecord>();
      const removed = new Map<string, LogRecord>();
      for (const rec of feed.records) {
        const log = rec.event.log;
        const key = `${String(log?.blockHash)}:${String(log?.logIndex)}`;
        checked++;
        const where = `${feed.client} subscription ${feed.subscription} (step ${feed.step})`;
        if (log?.removed === true) {
          const before = removed.get(key);
          if (before !== undefined && !live.has(key) && !chaos.doubled())
            out.push(violation(NAME, `${where}: log ${key} removed twice`, [before, rec], [feed.step]));
          live.delete(key);
          removed.set(key, rec);
          continue;
        }
        const before = live.get(key);
        if (before !== undefined && !chaos.doubled()) {
          out.push(
            violation(
              NAME,
              `${where}: log ${key} (block #${String(log?.blockNumber)}) delivered twice`,
              [before, rec],
              [feed.step],
            ),
          );
          continue;
        }
        live.set(key, rec);
        removed.delete(key);
      }
    }
    tally?.count(checked);
    return out;
  },
};
