import type { Observable } from 'rxjs';
import type { Client, ClientEvent, Reply } from '../../core/model/client.ts';
import type { ExchangeHost, Session } from '../../exchange/index.ts';
import type { ExchangeConfig } from '../trading/protocol/exchange-config.ts';
import type { ExchangeInput } from '../trading/protocol/exchange-input.ts';
import type { ClientRequest, EventMessage, ServerMessage } from '../trading/protocol/protocol-messages.ts';
import { type BotAction, type BotVenueModes, CALM_VENUE } from './bot-action.ts';
import type { BotEvent } from './bot-event.ts';

export interface VenueSideOptions {
  /** The reference exchange the run trades on (asked each time: an in-process venue may be rebuilt). */
  host: () => ExchangeHost;
  config: ExchangeConfig;
  /** The subject's account and market. */
  account: { id: string };
  symbol: string;
  /** Puts an event on the venue's lane (the admin client's). */
  emitVenue: (event: BotEvent) => void;
  /** The venue's lane, as the admin client hands it out. */
  venueEvents$: Observable<ClientEvent<BotEvent>>;
  /** The market's lane (it records nothing). */
  marketEvents$: Observable<ClientEvent<BotEvent>>;
  /** A Reply computed when subscribed, as the target's clients answer (at once in process, on a later turn over a process link). */
  reply: (make: () => Reply) => Observable<Reply>;
}

/**
 * What the two forms of a subject's run share, besides the subject itself: the venue modes
 * (seed 001's mock venue: reject entries, reject exits, partial fills, refuse cancels) and the
 * refusal they imply for a request of the subject's, the rest of the market and the operator
 * acting on the venue directly (the market and admin clients), and the observer session that
 * reads the venue's truth about the subject's account and market onto the venue's lane.
 * createInprocSubjectTarget and createProcessSubjectTarget each hold one.
 */
export class VenueSide {
  private current: BotVenueModes = { ...CALM_VENUE };
  private observer: Session | undefined;

  constructor(private readonly options: VenueSideOptions) {}

  /** The venue modes in force. */
  get modes(): BotVenueModes {
    return this.current;
  }

  /**
   * The venue mode that refuses a request of the subject's, if any: cancels in refuse-cancels
   * mode; places that open or add to its position (entries) or reduce it (exits) in those modes.
   */
  refusal(request: ClientRequest): keyof BotVenueModes | undefined {
    const modes = this.current;
    if (request.type === 'cancel' || request.type === 'cancel_all')
      return modes.rejectCancels ? 'rejectCancels' : undefined;
    if (request.type !== 'place') return undefined;
    const position = this.positionOfSubject();
    const entry = request.side === 'buy' ? position >= 0 : position <= 0;
    if (entry && modes.rejectEntries) return 'rejectEntries';
    if (!entry && modes.rejectExits) return 'rejectExits';
    return undefined;
  }

  /**
   * The quantity the rest of the market trades: all of it, except in partial-fills mode, where
   * an order crossing the subject's resting orders takes half of the smallest one it crosses
   * (on the lot grid, at least the minimum quantity).
   */
  partialQuantity(side: 'buy' | 'sell', price: number, qty: number): number {
    if (!this.current.partialFills) return qty;
    const { config, symbol, account } = this.options;
    const inst = config.instruments.find((i) => i.symbol === symbol);
    const lot = inst?.lotSize ?? 0.001;
    const crossing = this.options
      .host()
      .engine.openOrders(account.id)
      .filter((o) => o.symbol === symbol && o.price !== null)
      .filter((o) =>
        side === 'buy'
          ? o.side === 'sell' && (o.price ?? 0) <= price
          : o.side === 'buy' && (o.price ?? 0) >= price,
      );
    if (crossing.length === 0) return qty;
    const smallest = Math.min(...crossing.map((o) => o.remainingQty));
    const half = Math.floor(smallest / 2 / lot) * lot;
    return Math.max(inst?.minQty ?? lot, Number(Math.min(qty, half).toFixed(9)));
  }

  /** One input straight into the venue, as a Reply: unavailable is indeterminate, a refusal a fail. */
  submit(input: ExchangeInput): Reply {
    const outcome = this.options.host().submit(input);
    if (outcome.kind === 'unavailable') return { status: 'info', reason: outcome.message };
    const response = outcome.response;
    return response.ok
      ? { status: 'ok', result: response.result, txn: outcome.txn }
      : {
          status: 'fail',
          code: response.reason,
          message: response.detail ?? response.reason,
          txn: outcome.txn,
        };
  }

  /** The rest of the market: other accounts placing and cancelling on the subject's market. */
  marketClient(): Client<BotAction, BotEvent, unknown> {
    const { symbol } = this.options;
    return {
      name: 'market',
      events$: this.options.marketEvents$,
      send: (action) =>
        this.options.reply((): Reply => {
          if (action.kind === 'market_place')
            return this.submit({
              op: 'place',
              account: action.account,
              symbol,
              side: action.side,
              type: 'limit',
              tif: action.tif,
              price: action.price,
              qty: this.partialQuantity(action.side, action.price, action.qty),
              clientOrderId: action.clientOrderId,
            });
          if (action.kind === 'market_cancel')
            return this.submit({
              op: 'cancel',
              account: action.account,
              clientOrderId: action.clientOrderId,
            });
          return {
            status: 'fail',
            code: 'not_a_market_action',
            message: `${action.kind} is not for the market`,
          };
        }),
      close: () => undefined,
    };
  }

  /** The operator: mark moves (spikes included) and venue modes; its lane is the venue's truth. */
  adminClient(): Client<BotAction, BotEvent, unknown> {
    const { symbol } = this.options;
    return {
      name: 'admin',
      events$: this.options.venueEvents$,
      send: (action) =>
        this.options.reply((): Reply => {
          if (action.kind === 'mark') return this.submit({ op: 'set_mark', symbol, price: action.price });
          if (action.kind === 'venue_mode') {
            this.current = { ...action.modes };
            this.options.emitVenue({ type: 'modes', modes: this.current });
            return { status: 'ok', result: this.current };
          }
          return {
            status: 'fail',
            code: 'not_an_admin_action',
            message: `${action.kind} is not for the admin`,
          };
        }),
      close: () => undefined,
    };
  }

  /** Starts the observer (once): an admin session subscribed to the subject's account and market. */
  observe(): void {
    if (this.observer !== undefined) return;
    const { account, symbol, config } = this.options;
    this.observer = this.options.host().connect((message: ServerMessage) => {
      if (message.type === 'event')
        this.options.emitVenue({ type: 'venue', message: message as EventMessage });
    });
    this.observer.handle({ id: 1, type: 'login', key: config.adminKey });
    this.observer.handle({
      id: 2,
      type: 'subscribe',
      streams: [`account:${account.id}`, `market:${symbol}`],
    });
  }

  /** Ends the observer session, if it was started. */
  close(): void {
    this.observer?.close();
    this.observer = undefined;
  }

  private positionOfSubject(): number {
    const { account, symbol } = this.options;
    return (
      this.options
        .host()
        .engine.accountSnapshot(account.id)
        ?.positions.find((p) => p.symbol === symbol)?.qty ?? 0
    );
  }
}
