import type { SurvivorClass } from './mutation-result.ts';

/**
 * Survivors explained by hand, by mutant key (printed with each survivor; stable across runs
 * while the mutated text stays the same). The classes:
 *
 * - equivalent: no input can tell the mutant from the engine (with no bug planted): it leaves
 *   every response, event and snapshot the same. Left out of the "killed / non-equivalent"
 *   denominators of every suite.
 * - unreachable: the code can change what the engine says, but the campaign's generator never
 *   drives it there (a config, an input shape or a state its actions do not produce).
 * - invisible: the campaign reaches it and the engine's output changes, but no invariant looks
 *   at what changed.
 *
 * Only `equivalent` changes a score; the other two say what the campaign would need to kill it.
 */
export const CLASSIFIED: Readonly<Record<string, { class: SurvivorClass; note: string }>> = {
  // matchAll: `remaining(maker) > 0 && remaining(taker) > 0` → `remaining(maker) > 0 && true`. A
  // fill exhausts maker or taker, so a maker left over means a spent taker: returning there and
  // looping on to the loops' own `remaining(taker) > 0` exit the same way (float_dust aside).
  'engine.ts@1350d3a7a9#1': {
    class: 'equivalent',
    note: 'a maker left after a fill means a spent taker; return or loop on, matchAll ends the same',
  },
  // orderNumber: without the length guard, 'O' reads as 0 and 17+ characters as a number above
  // 10^15; no order has either number, so the lookup misses exactly as -1 does.
  'engine.ts@ddc894edd5#0': {
    class: 'equivalent',
    note: "without the length guard the number read ('O' → 0, 17+ chars → above 10^15) names no order either",
  },
  // emptyTable: one more all-empty slot past the mask; no probe reaches it and a rehash skips it.
  'client-id-map.ts@578d28ffb0#0': {
    class: 'equivalent',
    note: 'one extra empty slot past the mask: never probed, skipped by the rehash (memory only)',
  },
  'engine.ts@89890840ac#0': {
    class: 'unreachable',
    note: 'a mark of 0 is never sent: set_mark moves the mark by 1-6% (engine-rejects.test.ts kills it)',
  },
  'decimal-codec.ts@1657db9ed4#0': {
    class: 'unreachable',
    note: 'needs a venue whose config restricts numberSpellings; every property runs the default (all spellings)',
  },
  'order-index.ts@2eab64f7f7#0': {
    class: 'unreachable',
    note: 'moveOldHalf runs once 4,096+ orders were placed while an old one rests; a run has at most a few hundred actions',
  },
  'engine.ts@5523c74dc8#0': {
    class: 'invisible',
    note: 'resync lists open orders in internal (swap-remove) order, not by number; projections read them as a set and no doc fixes the order',
  },
  'engine.ts@613254d107#0': {
    class: 'invisible',
    note: 'a reduce or flip adds to openCost instead of scaling it: only positions[].unrealizedPnl is wrong, and no invariant recomputes it',
  },
  'engine.ts@93161f8591#0': {
    class: 'invisible',
    note: "a stop order's response leaves out stopPrice and triggered; the stop invariants read the events, not the response",
  },
  'engine.ts@a292246b15#0': {
    class: 'invisible',
    note: 'the snapshot leaves out every market stream that had events; no invariant checks that each stream with events is listed at its last seq',
  },
};
