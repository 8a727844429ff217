import { Observable, of, Subject } from 'rxjs';
import type { Fault } from '../../core/faults/fault.ts';
import type { Client, ClientEvent, Reply } from '../../core/model/client.ts';
import type { Target } from '../../core/model/target.ts';
import { SortedVirtualTimeScheduler } from '../../core/time/sorted-virtual-scheduler.ts';
import type { ExchangeConfig } from '../trading/protocol/exchange-config.ts';
import { InprocVenue } from '../trading/targets/inproc-venue.ts';
import type { BotAction } from './bot-action.ts';
import type { BotEvent, BotsSnapshot } from './bot-event.ts';
import { BOT_ACCOUNT, BOT_SYMBOL, DEFAULT_RISK_LIMITS, subjectInstrument } from './bots-venue.ts';
import { MemoryStateStore } from './memory-state-store.ts';
import type { SubjectFactory, SubjectRiskLimits } from './subject.ts';
import { SubjectHost } from './subject-host.ts';
import { VenueSide } from './venue-side.ts';

export interface InprocSubjectTargetOptions {
  factory: SubjectFactory;
  config: ExchangeConfig;
  seed: number;
  bugs: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  risk?: SubjectRiskLimits;
  latencyMs?: number;
  /** Name on reports (the subject module's). */
  name?: string;
}

/** Who is on which lane: the subject's wire and life, the venue's truth. */
const SUBJECT_STREAM = 'subject';
const VENUE_STREAM = 'venue';

/**
 * One run of a subject in process: a fresh reference exchange on a virtual scheduler, the
 * subject started on it through a chaotic link (every fault kind of its link applies, on
 * virtual time), the rest of the market and the operator acting on the venue directly, and
 * an observer session reading the venue's truth about the subject's account and market. A run
 * is a function of its actions and seed.
 */
export function createInprocSubjectTarget(
  options: InprocSubjectTargetOptions,
): Target<BotAction, BotEvent, unknown, BotsSnapshot> {
  const scheduler = new SortedVirtualTimeScheduler();
  const latencyMs = options.latencyMs ?? 1;
  const venue = new InprocVenue({ config: options.config, bugs: [], scheduler, latencyMs });
  const store = new MemoryStateStore();
  const subjectLane = new Subject<ClientEvent<BotEvent>>();
  const venueLane = new Subject<ClientEvent<BotEvent>>();
  const seqs = { [SUBJECT_STREAM]: 0, [VENUE_STREAM]: 0 };
  // The subject's lane holds what it records before the run listens (its start, in open()).
  const held: ClientEvent<BotEvent>[] = [];
  const emit = (lane: Subject<ClientEvent<BotEvent>>, stream: 'subject' | 'venue', event: BotEvent): void => {
    const txn = txnOf(event);
    const next = (value: ClientEvent<BotEvent>): void => {
      if (lane === subjectLane && !lane.observed) held.push(value);
      else lane.next(value);
    };
    next({
      stream,
      seq: ++seqs[stream],
      time: scheduler.now(),
      ...(txn === undefined ? {} : { txn }),
      event,
    });
  };
  const account = BOT_ACCOUNT;
  const symbol = BOT_SYMBOL;
  const side = new VenueSide({
    host: () => venue.exchange,
    config: options.config,
    account,
    symbol,
    emitVenue: (event) => emit(venueLane, VENUE_STREAM, event),
    venueEvents$: venueLane.asObservable(),
    marketEvents$: new Subject<ClientEvent<BotEvent>>().asObservable(),
    reply: (make) => defer1(make),
  });
  const host = new SubjectHost({
    factory: options.factory,
    venue,
    scheduler,
    store,
    account,
    instrument: subjectInstrument(options.config, symbol),
    risk: options.risk ?? DEFAULT_RISK_LIMITS,
    env: options.env,
    bugs: options.bugs,
    seed: options.seed,
    latencyMs,
    record: (event) => emit(subjectLane, SUBJECT_STREAM, event),
    refusal: (request) => side.refusal(request),
    truth: () => {
      const engine = venue.exchange.engine;
      const snapshot = engine.accountSnapshot(account.id);
      if (snapshot === undefined) return undefined;
      const positions: Record<string, number> = {};
      for (const p of snapshot.positions) if (p.qty !== 0) positions[p.symbol] = p.qty;
      return {
        seq: venue.exchange.lastSeq(`account:${account.id}`),
        orders: engine
          .openOrders(account.id)
          .map((o) => ({ clientOrderId: o.clientOrderId, remainingQty: o.remainingQty })),
        positions,
        cash: snapshot.cash,
      };
    },
  });

  const subjectClient = (): Client<BotAction, BotEvent, unknown> => ({
    name: 'subject',
    events$: heldUntilListened(subjectLane, held),
    send: (action) =>
      defer1((): Reply => {
        if (action.kind === 'intent') {
          const ack = host.intent(action.intent);
          host.sample('step');
          if ('down' in ack) return { status: 'fail', code: 'subject_down', message: ack.down };
          return ack.accepted
            ? { status: 'ok', result: ack }
            : { status: 'fail', code: 'intent_refused', message: ack.reason };
        }
        if (action.kind === 'restart') {
          const what = host.restart(action.downMs, action.corrupt, action.seed ?? 0);
          return { status: 'ok', result: { restart: what } };
        }
        return {
          status: 'fail',
          code: 'not_a_subject_action',
          message: `${action.kind} is not for the subject`,
        };
      }),
    settled: () => host.settled(),
    close: () => undefined,
  });

  return {
    name: options.name ?? 'inproc-subject',
    scheduler,
    virtual: true,
    open: (client) =>
      new Observable<Client<BotAction, BotEvent, unknown>>((subscriber) => {
        if (client === 'admin') {
          side.observe();
          subscriber.next(side.adminClient());
        } else if (client === 'market') subscriber.next(side.marketClient());
        else if (client === 'subject') {
          // Its first events (started, dialing) wait on the lane for the run to listen.
          if (host.boot < 0) host.start();
          subscriber.next(subjectClient());
        } else {
          subscriber.error(new Error(`a bots run has no client named ${client}`));
          return;
        }
        subscriber.complete();
      }),
    snapshot: () =>
      defer1((): BotsSnapshot => {
        host.sample('final');
        return {
          venue: venue.exchange.engine.snapshot(),
          account: account.id,
          symbol,
          subject: host.state() ?? null,
        };
      }),
    extraEvidence: () =>
      defer1(() => ({
        ...venue.extra(),
        declared: { names: host.declaredNames, samples: host.declaredSamples },
        stateWrites: store.writes,
        // The subject's wire is recorded as it acts: a send and a receipt are never out of order.
        wireSkewMs: 0,
      })),
    inject: (fault: Fault, client: string, step: number) => of(venue.inject(fault, client, step)),
    settled: () => venue.settled() && host.settled(),
    stop: () =>
      defer1(() => {
        host.stop();
        side.close();
        venue.stop();
      }),
  };
}

/** A lane whose events recorded before anyone listened are handed to the first listener, first. */
function heldUntilListened<T>(lane: Subject<T>, held: T[]): Observable<T> {
  return new Observable<T>((subscriber) => {
    for (const value of held.splice(0)) subscriber.next(value);
    return lane.subscribe(subscriber);
  });
}

/** One value, computed when subscribed. */
function defer1<T>(make: () => T): Observable<T> {
  return new Observable<T>((subscriber) => {
    subscriber.next(make());
    subscriber.complete();
  });
}

function txnOf(event: BotEvent): number | undefined {
  if (event.type === 'venue') return event.message.txn;
  if (event.type === 'received' && event.message.type === 'event') return event.message.txn;
  return undefined;
}
