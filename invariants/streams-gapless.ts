import type { Invariant, Violation } from '../src/core/model/invariant.ts';
import type { TradingEvidence } from '../src/domains/trading/trading-evidence.ts';
import { eventsByClient, is, isSessionStream, type TradingRecord } from './support/events.ts';
import { violation } from './support/violation.ts';

const NAME = 'streams.gapless';

interface StreamState {
  last: number;
  rec?: TradingRecord;
  /** After a reconnect, until a resync or resume says where the stream continues. */
  unsure: boolean;
  /** The first event seen while unsure, checked against the resume point once it is known. */
  firstWhileUnsure?: TradingRecord;
}

/**
 * Per client and stream, seqs go up by exactly one. A reconnect breaks the chain until the
 * client says where it continues: after session_resynced the next seq is seqs[stream] + 1,
 * after session_resumed it is from[stream] + 1 (whether the client marks the resume before or
 * after the replayed events arrive). Other streams may skip what was missed while away.
 */
export const streamsGapless: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'per client and stream, seq rises by exactly 1, across resync and resume too',
  check(evidence: TradingEvidence): Violation[] {
    const out: Violation[] = [];
    for (const [client, events] of eventsByClient(evidence.events)) {
      const streams = new Map<string, StreamState>();
      let marker: TradingRecord | undefined;
      // Between a disconnect and the resync or resume that follows it.
      let away = false;
      for (const rec of events) {
        if (is(rec, 'session_disconnected') || is(rec, 'session_connected')) {
          away = away || rec.event.type === 'session_disconnected';
          for (const state of streams.values()) {
            state.unsure = true;
            state.firstWhileUnsure = undefined;
          }
          continue;
        }
        if (is(rec, 'session_resumed')) {
          marker = rec;
          away = false;
          for (const [stream, from] of Object.entries(rec.event.from ?? {})) {
            const state = streams.get(stream);
            const first = state?.firstWhileUnsure;
            if (first !== undefined && first.seq !== from + 1) {
              out.push(
                violation(
                  NAME,
                  `${client} ${stream}: resumed from ${from}, but the first event after it was seq ${first.seq} (expected ${from + 1})`,
                  [rec, first],
                ),
              );
            }
            if (first === undefined || state === undefined) {
              streams.set(stream, { last: from, unsure: false, rec });
            } else {
              state.unsure = false;
              state.firstWhileUnsure = undefined;
            }
          }
          continue;
        }
        if (is(rec, 'session_resynced')) {
          marker = rec;
          away = false;
          for (const [stream, seq] of Object.entries(rec.event.seqs ?? {})) {
            const state = streams.get(stream);
            const last = state?.firstWhileUnsure !== undefined ? Math.max(seq, state.last) : seq;
            streams.set(stream, { last, unsure: false, rec });
          }
          continue;
        }
        if (isSessionStream(rec.stream) || typeof rec.seq !== 'number') continue;
        const state = streams.get(rec.stream);
        if (state === undefined) {
          // The first event of a subscription may start anywhere, unless a resume says where.
          streams.set(rec.stream, {
            last: rec.seq,
            unsure: away,
            rec,
            firstWhileUnsure: away ? rec : undefined,
          });
          continue;
        }
        if (state.unsure && state.firstWhileUnsure === undefined) {
          state.firstWhileUnsure = rec;
          state.last = rec.seq;
          state.rec = rec;
          continue;
        }
        if (rec.seq !== state.last + 1) {
          const what =
            rec.seq <= state.last
              ? `seq ${rec.seq} after ${state.last} (duplicate or out of order)`
              : `seq ${rec.seq} after ${state.last} (gap of ${rec.seq - state.last - 1})`;
          const after = state.rec === marker && marker !== undefined ? ` following ${marker.event.type}` : '';
          out.push(violation(NAME, `${client} ${rec.stream}: ${what}${after}`, [state.rec, rec]));
        }
        if (rec.seq > state.last) {
          state.last = rec.seq;
          state.rec = rec;
        }
      }
    }
    return out;
  },
};
