import type { Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { is, type RecordOf, type TradingRecord } from './support/events.ts';
import { marketGrid } from './support/market-grid.ts';
import { marketRecord, snapshotStreams } from './support/market-record.ts';
import { show } from './support/numbers.ts';
import { eventsOfType, runIndex } from './support/run-index.ts';
import { type Inspection, ScopeTally, scopedInvariant } from './support/scope.ts';
import { violation } from './support/violation.ts';

const NAME = 'tape.matches-fills';

interface Trade {
  prints: RecordOf<'trade'>[];
  takers: RecordOf<'fill'>[];
  makers: RecordOf<'fill'>[];
}

/** Streams the record holds whole: from seq 1 (or a reset) with no seq missing. */
function completeStreams(record: readonly TradingRecord[]): Set<string> {
  const last = new Map<string, number>();
  const broken = new Set<string>();
  for (const rec of record) {
    const before = last.get(rec.stream);
    if (before === undefined) {
      if (rec.seq !== 1 && rec.event?.type !== 'reset') broken.add(rec.stream);
    } else if (rec.seq <= before) continue;
    else if (rec.seq !== before + 1) broken.add(rec.stream);
    last.set(rec.stream, rec.seq);
  }
  return new Set([...last.keys()].filter((s) => !broken.has(s)));
}

/**
 * The trade tape (`trade` on `market:<symbol>`) agrees with the fills on both sides: every
 * print is backed by one taker and one maker fill of its trade id with its price, size, symbol
 * and sides; every trade the fills make is printed once; and the tape prints trades in the
 * order the fills happened. Each trader's copy of the tape says what the venue's record says.
 * A venue that publishes no tape is not held to it, and each direction is checked only where
 * the record holds the streams it needs whole (all account streams to say a print has no fill;
 * the market stream to say a fill has no print).
 */
export const tapeMatchesFills = scopedInvariant(
  NAME,
  'the trade tape agrees with the fills on both sides: price, size and order',
  (evidence: TradingEvidence): Inspection => {
    const out: Violation[] = [];
    const tally = new ScopeTally();
    const index = runIndex(evidence);
    const prints = eventsOfType(index, 'trade');
    if (prints.length === 0) {
      tally.skip('the venue published no trade tape in this run');
      return { violations: out, scope: tally.result() };
    }
    const grid = marketGrid(evidence?.extra?.config);
    const { record, source } = marketRecord(evidence);
    if (source === 'none') {
      tally.skip('no record of the venue');
      return { violations: out, scope: tally.result() };
    }
    const whole = completeStreams(record);
    const published = snapshotStreams(evidence);
    const accountStreams = new Set<string>();
    for (const s of published?.keys() ?? []) if (s.startsWith('account:')) accountStreams.add(s);
    for (const r of record) if (r.stream.startsWith('account:')) accountStreams.add(r.stream);
    const accountsWhole = published !== undefined && [...accountStreams].every((s) => whole.has(s));
    if (!accountsWhole)
      tally.skip('prints without fills: not every account stream of the venue is whole in the record');

    const trades = new Map<string, Trade>();
    const tradeOf = (id: string): Trade => {
      let t = trades.get(id);
      if (t === undefined) {
        t = { prints: [], takers: [], makers: [] };
        trades.set(id, t);
      }
      return t;
    };
    // Where each (stream, seq) first is in the record: a re-sent event counts once.
    const position = new Map<string, Map<number, number>>();
    for (let i = 0; i < record.length; i++) {
      const rec = record[i];
      let seqs = position.get(rec.stream);
      if (seqs === undefined) {
        seqs = new Map();
        position.set(rec.stream, seqs);
      }
      if (seqs.has(rec.seq)) continue;
      seqs.set(rec.seq, i);
      if (is(rec, 'trade') && rec.stream.startsWith('market:'))
        tradeOf(String(rec.event.tradeId)).prints.push(rec);
      else if (is(rec, 'fill') && rec.stream.startsWith('account:')) {
        const t = tradeOf(String(rec.event.tradeId));
        (rec.event.liquidity === 'taker' ? t.takers : t.makers).push(rec);
      }
    }

    // Both sides of each trade.
    for (const [tradeId, t] of trades) {
      const fills = [...t.takers, ...t.makers];
      if (t.prints.length === 0) {
        const symbol = fills[0].event.symbol;
        if (!whole.has(`market:${symbol}`)) continue;
        tally.checked++;
        out.push(
          violation(
            NAME,
            `trade ${tradeId} (${symbol} ${show(fills[0].event.qty)} @ ${show(fills[0].event.price)}) was filled on ${fills.map((f) => f.stream).join(', ')} but never printed on market:${symbol}`,
            fills,
          ),
        );
        continue;
      }
      const print = t.prints[0];
      const p = print.event;
      // Written only for a violation.
      const what = () =>
        `print ${tradeId} (${p.symbol} ${show(p.qty)} @ ${show(p.price)}, taker ${p.takerSide})`;
      tally.checked++;
      if (t.prints.length > 1) {
        out.push(violation(NAME, `${what()} is on the tape ${t.prints.length} times`, t.prints));
        continue;
      }
      if (t.takers.length === 0 || t.makers.length === 0) {
        if (!accountsWhole) continue;
        const backing =
          fills.length === 0
            ? 'no fill backs it'
            : `only a ${t.takers.length > 0 ? 'taker' : 'maker'} fill backs it (${fills.map((f) => f.stream).join(', ')})`;
        out.push(violation(NAME, `${what()}: ${backing}`, [print, ...fills]));
        continue;
      }
      const problems: string[] = [];
      for (const [role, fill] of [
        ['taker', t.takers[0].event],
        ['maker', t.makers[0].event],
      ] as const) {
        if (grid.qtyUnits(p.symbol, fill.qty) !== grid.qtyUnits(p.symbol, p.qty))
          problems.push(`the ${role} fill is ${show(fill.qty)}`);
        if (grid.priceKey(p.symbol, fill.price) !== grid.priceKey(p.symbol, p.price))
          problems.push(`the ${role} fill is at ${show(fill.price)}`);
        if (fill.symbol !== p.symbol) problems.push(`the ${role} fill is on ${fill.symbol}`);
      }
      if (t.takers[0].event.side !== p.takerSide)
        problems.push(`the taker fill is a ${t.takers[0].event.side}`);
      if (t.makers[0].event.side === p.takerSide)
        problems.push(`the maker fill is a ${t.makers[0].event.side} too`);
      if (problems.length > 0)
        out.push(violation(NAME, `${what()}: ${problems.join('; ')}`, [print, t.takers[0], t.makers[0]]));
    }

    // The tape's order is the fills' order, symbol by symbol.
    const printed = new Map<string, string[]>();
    for (const [tradeId, t] of trades) {
      if (t.prints.length === 0 || t.takers.length === 0) continue;
      const symbol = t.prints[0].event.symbol;
      const ids = printed.get(symbol);
      if (ids === undefined) printed.set(symbol, [tradeId]);
      else ids.push(tradeId);
    }
    const at = (rec: TradingRecord) => position.get(rec.stream)?.get(rec.seq) ?? 0;
    for (const [symbol, ids] of printed) {
      const byPrint = [...ids].sort((a, b) => at(trades.get(a)!.prints[0]) - at(trades.get(b)!.prints[0]));
      const byFill = [...ids].sort((a, b) => at(trades.get(a)!.takers[0]) - at(trades.get(b)!.takers[0]));
      tally.checked++;
      const i = byPrint.findIndex((id, k) => id !== byFill[k]);
      if (i < 0) continue;
      const early = byPrint[i];
      const due = byFill[i];
      out.push(
        violation(NAME, `the tape of ${symbol} prints ${early} before ${due}, but ${due} was filled first`, [
          trades.get(early)!.prints[0],
          trades.get(due)!.prints[0],
          trades.get(due)!.takers[0],
        ]),
      );
    }

    // Every trader's copy of the tape is the venue's: one report per trader, its first difference.
    const venue = new Map<string, Map<number, RecordOf<'trade'>>>();
    for (const t of trades.values())
      for (const p of t.prints) {
        let seqs = venue.get(p.stream);
        if (seqs === undefined) {
          seqs = new Map();
          venue.set(p.stream, seqs);
        }
        seqs.set(p.seq, p);
      }
    const differs = new Map<string, { first: Violation; more: number }>();
    for (const rec of prints) {
      if (source !== 'admin' || rec.client === 'admin') continue;
      const theirs = venue.get(rec.stream)?.get(rec.seq);
      if (theirs === undefined) continue;
      tally.checked++;
      const a = rec.event;
      const b = theirs.event;
      if (a.tradeId === b.tradeId && a.price === b.price && a.qty === b.qty && a.takerSide === b.takerSide)
        continue;
      const known = differs.get(rec.client);
      if (known !== undefined) {
        known.more++;
        continue;
      }
      differs.set(rec.client, {
        more: 0,
        first: violation(
          NAME,
          `${rec.client} got ${rec.stream} seq ${rec.seq} as ${a.tradeId} ${show(a.qty)} @ ${show(a.price)} (taker ${a.takerSide}), the venue's record has ${b.tradeId} ${show(b.qty)} @ ${show(b.price)} (taker ${b.takerSide})`,
          [rec, theirs],
        ),
      });
    }
    for (const { first, more } of differs.values()) {
      if (more > 0) first.message += ` (and ${more} more print(s))`;
      out.push(first);
    }
    return { violations: out, scope: tally.result() };
  },
  { needs: [CAP.tape], counts: 'comparisons' },
);
