import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { isFaultStep } from './support/history.ts';
import { runIndex } from './support/run-index.ts';
import { violation } from './support/violation.ts';

const NAME = 'requests.one-response';

const TRADER_KINDS = new Set(['place', 'cancel', 'replace', 'cancel_all']);

/** The stream an operation's input must emit on: the trader's account, or the marked symbol's market. */
function expectedStream(op: TradingEvidence['history'][number]): string | undefined {
  const action = op.action;
  if (TRADER_KINDS.has(action?.kind)) return `account:${op.client}`;
  if (action?.kind === 'set_mark') return `market:${action.symbol}`;
  return undefined;
}

/**
 * Every request gets exactly one completion (an `info` reply counts: it is a recorded
 * timeout), and a reply that names a txn names a real input: when the admin follows the stream
 * that input must emit on (the trader's account, the marked symbol's market), its record holds
 * events of that txn on that stream.
 */
export const requestsOneResponse: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'each operation completes exactly once; a reply txn has events on the admin record',
  counts: 'requests',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    // The admin's record by txn and by stream (the run index).
    const index = runIndex(evidence);
    const byTxn = index.adminByTxn;
    const followed = index.adminByStream;
    const seen = new Map<number, number>();
    for (const op of evidence.history ?? []) {
      // Written only for a violation.
      const what = () => `step ${op.step} (${op.action?.kind ?? '?'} by ${op.client})`;
      seen.set(op.step, (seen.get(op.step) ?? 0) + 1);
      if (seen.get(op.step) === 2) {
        out.push(violation(NAME, `${what()} has more than one operation in the history`, [], [op.step]));
      }
      // A fault step is chaos handed to the target, not a request to the venue.
      if (isFaultStep(op.action)) continue;
      tally?.count();
      if (op.reply === undefined || op.completedAt === undefined) {
        const state = op.reply === undefined ? 'no reply' : 'a reply but no completion time';
        out.push(violation(NAME, `${what()} never completed: ${state}`, [], [op.step]));
        continue;
      }
      const reply = op.reply;
      if (reply.status === 'info' || typeof reply.txn !== 'number' || reply.txn <= 0) continue;
      // Only what the admin follows can be looked up; a stream it never saw says nothing.
      const stream = expectedStream(op);
      if (stream === undefined || !followed.has(stream)) continue;
      const events = byTxn.get(reply.txn);
      if (events === undefined) {
        out.push(
          violation(
            NAME,
            `${what()}: ${reply.status} reply names txn ${reply.txn}, which has no events on the admin's record`,
            [],
            [op.step],
          ),
        );
      } else if (!events.some((r) => r.stream === stream)) {
        const streams = [...new Set(events.map((r) => r.stream))].join(', ');
        out.push(
          violation(
            NAME,
            `${what()}: reply names txn ${reply.txn}, whose events are on ${streams}, none on ${stream}`,
            events.slice(0, 3),
            [op.step],
          ),
        );
      }
    }
    return out;
  },
};
