import type { Invariant } from '../../src/core/model/invariant.ts';
import type { TradingEvidence } from '../../src/domains/trading/trading-evidence.ts';
import { bookBestPrice } from './book-best-price.ts';
import { bookDepthMatchesOrders } from './book-depth-matches-orders.ts';
import { bookNotCrossed } from './book-not-crossed.ts';
import { bookPriceTimePriority } from './book-price-time-priority.ts';
import { bookResyncConsistent } from './book-resync-consistent.ts';
import { clientBackoff } from './client-backoff.ts';
import { durabilityAcknowledgedKept } from './durability-acknowledged-kept.ts';
import { durabilityJournalReplay } from './durability-journal-replay.ts';
import { eventsContent } from './events-content.ts';
import { fillsNoDuplicates } from './fills-no-duplicates.ts';
import { fundsConservation } from './funds-conservation.ts';
import { fundsReserves } from './funds-reserves.ts';
import { idempotencyClientOrderId } from './idempotency-client-order-id.ts';
import { isolationPrivateStreams } from './isolation-private-streams.ts';
import { ledgerEquity } from './ledger-equity.ts';
import { matchingHappens } from './matching-happens.ts';
import { numbersSpellingsAgree } from './numbers-spellings-agree.ts';
import { ordersFlags } from './orders-flags.ts';
import { ordersLifecycle } from './orders-lifecycle.ts';
import { ordersQuantities } from './orders-quantities.ts';
import { projectionConverges } from './projection-converges.ts';
import { reconnectGhostFillsFound } from './reconnect-ghost-fills-found.ts';
import { refusalsJustified } from './refusals-justified.ts';
import { requestsAnswered } from './requests-answered.ts';
import { requestsOneResponse } from './requests-one-response.ts';
import { retriesExecuteOnce } from './retries-execute-once.ts';
import { stopsActAsCounterpart } from './stops-act-as-counterpart.ts';
import { stopsTriggerAfterAccept } from './stops-trigger-after-accept.ts';
import { stopsTriggerOnLastTrade } from './stops-trigger-on-last-trade.ts';
import { stopsTriggerOnce } from './stops-trigger-once.ts';
import { stpCancelsNamedOrder } from './stp-cancels-named-order.ts';
import { streamsGapless } from './streams-gapless.ts';
import { tapeMatchesFills } from './tape-matches-fills.ts';
import { tradesBothSides } from './trades-both-sides.ts';
import { tradesNoSelfTrade } from './trades-no-self-trade.ts';
import { tradesWithinBand } from './trades-within-band.ts';
import { validRequestsAccepted } from './valid-requests-accepted.ts';

/** Every trading invariant; properties name the ones they check, planted bugs the one that catches them. */
export const TRADING_INVARIANTS: readonly Invariant<TradingEvidence>[] = [
  bookNotCrossed,
  ordersQuantities,
  ordersLifecycle,
  ordersFlags,
  bookPriceTimePriority,
  fundsConservation,
  fundsReserves,
  tradesBothSides,
  tradesNoSelfTrade,
  tradesWithinBand,
  projectionConverges,
  streamsGapless,
  requestsOneResponse,
  idempotencyClientOrderId,
  isolationPrivateStreams,
  ledgerEquity,
  fillsNoDuplicates,
  durabilityJournalReplay,
  reconnectGhostFillsFound,
  durabilityAcknowledgedKept,
  retriesExecuteOnce,
  clientBackoff,
  bookDepthMatchesOrders,
  bookBestPrice,
  bookResyncConsistent,
  tapeMatchesFills,
  numbersSpellingsAgree,
  requestsAnswered,
  validRequestsAccepted,
  refusalsJustified,
  matchingHappens,
  stpCancelsNamedOrder,
  eventsContent,
  stopsTriggerOnLastTrade,
  stopsTriggerOnce,
  stopsTriggerAfterAccept,
  stopsActAsCounterpart,
];

export const invariantByName: ReadonlyMap<string, Invariant<TradingEvidence>> = new Map(
  TRADING_INVARIANTS.map((invariant) => [invariant.name, invariant]),
);
