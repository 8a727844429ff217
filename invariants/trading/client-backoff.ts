import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { eventsByClient, is, type RecordOf, type TradingRecord } from './support/events.ts';
import { violation } from './support/violation.ts';

const NAME = 'client.backoff';

/** The least wait before a redial once the first one failed. */
export const MIN_REDIAL_BACKOFF_MS = 10;
/** At most this many dials of one outage within any DIAL_WINDOW_MS (virtual time). */
export const MAX_DIALS_PER_WINDOW = 3;
export const DIAL_WINDOW_MS = 100;

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * The client treats a struggling venue as real clients must: (a) a retry after a 429 waits at
 * least the retry-after the venue asked for; within one outage (the reconnect attempts until
 * the next session_connected, resync or resume), (b) every redial after the first waits at
 * least 10 ms and (c) no more than 3 dials (an attempt dials `backoffMs` after it is
 * announced) fall within any 100 ms, so the waits must grow. Each outage starts afresh: a
 * venue that drops every new connection at once sees one dial per outage plus the backoff.
 */
export const clientBackoff: Invariant<TradingEvidence> = {
  name: NAME,
  description:
    'retries wait the retry-after; within an outage redials back off, at most 3 dials in any 100 ms',
  counts: 'retries and redials',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    for (const [client, events] of eventsByClient(evidence.events)) {
      // Dials of the current outage so far.
      let dials: Dial[] = [];
      for (const rec of events) {
        if (is(rec, 'session_retry')) {
          tally?.count();
          const { reason, afterMs, retryAfterMs, step } = rec.event;
          if (reason === 'rate_limited' && isFiniteNumber(retryAfterMs) && !(afterMs >= retryAfterMs)) {
            out.push(
              violation(
                NAME,
                `${client} retried step ${step} after ${afterMs} ms although the venue's 429 asked it to wait ${retryAfterMs} ms`,
                [rec],
                [step],
              ),
            );
          }
          continue;
        }
        if (is(rec, 'session_connected') || is(rec, 'session_resynced') || is(rec, 'session_resumed')) {
          out.push(...tooManyDials(client, dials));
          dials = [];
          continue;
        }
        if (!is(rec, 'session_reconnect_attempt')) continue;
        tally?.count();
        const { attempt, backoffMs } = rec.event;
        // The field or the count, whichever is further: a client that restarts its count is no excuse.
        const k = Math.max(dials.length + 1, isFiniteNumber(attempt) ? attempt : 0);
        if (k >= 2 && !(backoffMs >= MIN_REDIAL_BACKOFF_MS)) {
          out.push(
            violation(
              NAME,
              `${client} redialed after ${backoffMs} ms at reconnect attempt ${k}: every redial after the first must back off at least ${MIN_REDIAL_BACKOFF_MS} ms`,
              [rec],
            ),
          );
        }
        dials.push({ at: rec.time + (isFiniteNumber(backoffMs) ? Math.max(0, backoffMs) : 0), rec });
      }
      out.push(...tooManyDials(client, dials));
    }
    return out;
  },
};

interface Dial {
  at: number;
  rec: TradingRecord;
}

/** Each burst of one outage's dials over the limit, reported once (the window starting at its first dial). */
function tooManyDials(client: string, dials: readonly Dial[]): Violation[] {
  if (dials.length <= MAX_DIALS_PER_WINDOW) return [];
  const out: Violation[] = [];
  const sorted = [...dials].sort((a, b) => a.at - b.at);
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j].at < sorted[i].at + DIAL_WINDOW_MS) j++;
    if (j - i <= MAX_DIALS_PER_WINDOW) {
      i++;
      continue;
    }
    const burst = sorted.slice(i, j);
    out.push(
      violation(
        NAME,
        `${client} dialed ${burst.length} times within ${DIAL_WINDOW_MS} ms (at ${burst.map((d) => d.at).join(', ')}): at most ${MAX_DIALS_PER_WINDOW}`,
        burst.map((d) => d.rec as RecordOf<'session_reconnect_attempt'>),
      ),
    );
    i = j;
  }
  return out;
}
