import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { TRADING_CAPABILITIES as CAP } from '../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { atoms, cashDecimalsOf, instrumentGrids } from './support/instrument-grid.ts';
import { show } from './support/numbers.ts';
import { violation } from './support/violation.ts';

const NAME = 'funds.conservation';

/**
 * Trading moves cash between accounts and never makes or loses any: in the final snapshot the
 * accounts hold exactly the configured cash in total, and every instrument's positions sum to
 * zero. Sums are taken in integer atoms, so no float error can hide a leak.
 */
export const fundsConservation: Invariant<TradingEvidence> = {
  name: NAME,
  description: 'total cash equals the configured total; positions of each symbol sum to zero',
  needs: [CAP.accounts, CAP.snapshot],
  counts: 'accounts',
  check(evidence: TradingEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const config = evidence.extra?.config;
    const snapshot = evidence.snapshot;
    if (config === undefined || snapshot === undefined) return out;
    const cashScale = 10 ** cashDecimalsOf(config);
    const grids = instrumentGrids(config);

    let configured = 0;
    for (const a of config.accounts ?? []) configured += atoms(a.cash, cashScale);
    let held = 0;
    const perAccount: string[] = [];
    for (const a of snapshot.accounts ?? []) {
      tally?.count();
      held += atoms(a.cash, cashScale);
      perAccount.push(`${a.id} ${show(a.cash)}`);
    }
    if (!(held === configured)) {
      out.push(
        violation(
          NAME,
          `total cash ${show(held / cashScale)} != configured ${show(configured / cashScale)} (${perAccount.join(', ')})`,
        ),
      );
    }

    const sums = new Map<string, { total: number; parts: string[] }>();
    for (const a of snapshot.accounts ?? []) {
      for (const p of a.positions ?? []) {
        const scale = grids.get(p.symbol)?.qtyScale ?? 1e9;
        const entry = sums.get(p.symbol) ?? { total: 0, parts: [] };
        entry.total += atoms(p.qty, scale);
        entry.parts.push(`${a.id} ${show(p.qty)}`);
        sums.set(p.symbol, entry);
      }
    }
    for (const [symbol, { total, parts }] of sums) {
      if (total !== 0) {
        const scale = grids.get(symbol)?.qtyScale ?? 1e9;
        out.push(
          violation(
            NAME,
            `positions in ${symbol} sum to ${show(total / scale)}, not 0 (${parts.join(', ')})`,
          ),
        );
      }
    }
    return out;
  },
};
