import { asyncScheduler, isObservable, map, Observable, of, type SchedulerLike } from 'rxjs';
import type { Fault } from '../../../core/faults/fault.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { Target } from '../../../core/model/target.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../protocol/exchange-config.ts';
import type { ExchangeSnapshot } from '../protocol/exchange-snapshot.ts';
import type { TradingAction } from '../trading-action.ts';
import type { TradingClientEvent } from '../trading-client-event.ts';
import type { TradingExtra } from '../trading-evidence.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { ClientBug } from './client-bugs.ts';
import { TradingClient } from './trading-client.ts';
import type { VenueDialer } from './venue-connection.ts';

export type TradingTarget = Target<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot>;

export interface TradingTargetOptions {
  scheduler?: SchedulerLike;
  virtual?: boolean;
  config?: ExchangeConfig;
  requestTimeoutMs?: number;
  /** Symbols whose public streams every client follows; defaults to the sandbox symbols. */
  symbols?: readonly string[];
  /** Reset the venue through the admin before the traders connect (shared network venues). */
  resetOnOpen?: boolean;
  extra?: () => Partial<TradingExtra>;
  stop?: () => void;
  /** Planted bugs of the reference client (client-bugs.ts). */
  clientBugs?: readonly ClientBug[];
  /** How the clients back off between dials and retries (backoff.ts). */
  backoff?: BackoffPolicy;
  /** Whether the venue has healed from every fault (see Target.settled). */
  settled?: () => boolean;
  /** The venue was built from the run's `configure` action (venue-config): the admin says ok to it. */
  venueConfigured?: boolean;
  /** Applies a fault; targets without it answer SHK_FAULT_UNSUPPORTED. */
  inject?: (fault: Fault, client: string, step: number) => Reply | Observable<Reply>;
}

/**
 * A trading target over any venue that speaks the reference protocol: the clients are
 * TradingClients on the given dialer. Traders log in with their account keys and follow their
 * own private stream plus the public streams; the admin follows every stream, so its record
 * is the venue's complete, totally ordered history.
 */
export function makeTradingTarget(
  dialer: VenueDialer,
  name: string,
  options: TradingTargetOptions = {},
): TradingTarget {
  const config = options.config ?? defaultExchangeConfig();
  const scheduler = options.scheduler ?? asyncScheduler;
  const { publicStreams, adminStreams } = streamsOf(config, options.symbols);
  const orderIds = new Map<number, string>();
  const clients: TradingClient[] = [];
  let admin: TradingClient | undefined;

  const keyOf = (client: string): string => {
    if (client === 'admin') return config.adminKey;
    const account = config.accounts.find((a) => a.id === client);
    if (!account) throw new Error(`no account named ${client} in the venue config`);
    return account.key;
  };

  const open = (client: string): Observable<TradingClient> => {
    const streams = client === 'admin' ? adminStreams : publicStreams;
    const c = new TradingClient(dialer, scheduler, {
      name: client,
      key: keyOf(client),
      streams,
      requestTimeoutMs: options.requestTimeoutMs ?? 1000,
      orderIds,
      // The admin's record is the venue's whole history: across a crash it resumes, never skips.
      catchUp: client === 'admin' ? 'resume' : 'resync',
      bugs: client === 'admin' ? [] : (options.clientBugs ?? []),
      venueConfigured: options.venueConfigured === true,
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    clients.push(c);
    if (client === 'admin') admin = c;
    const connected = c.connect().pipe(map(() => c));
    if (client !== 'admin' || !options.resetOnOpen) return connected;
    return new Observable<TradingClient>((subscriber) =>
      connected.subscribe({
        next: () =>
          c.call({ type: 'reset' } as never).subscribe((reply) => {
            if (reply.status !== 'ok') subscriber.error(new Error(`venue reset failed: ${describe(reply)}`));
            else {
              subscriber.next(c);
              subscriber.complete();
            }
          }),
        error: (e: unknown) => subscriber.error(e),
      }),
    );
  };

  return {
    name,
    scheduler,
    virtual: options.virtual ?? false,
    open,
    snapshot: () => {
      if (!admin) throw new Error('the admin client must be open to read a snapshot');
      return admin.call({ type: 'snapshot' } as never).pipe(
        map((reply) => {
          if (reply.status !== 'ok') throw new Error(`snapshot failed: ${describe(reply)}`);
          return reply.result as ExchangeSnapshot;
        }),
      );
    },
    extraEvidence: () => {
      const evidence: Record<string, unknown> = { config, virtualTime: options.virtual ?? false };
      // Field by field as a spread would, but a field worked out on first read stays so.
      const extra = options.extra?.();
      if (extra !== undefined) Object.defineProperties(evidence, Object.getOwnPropertyDescriptors(extra));
      return of(evidence);
    },
    settled: () => options.settled?.() ?? true,
    inject: (fault, client, step) => {
      if (!options.inject) {
        return of<Reply>({
          status: 'fail',
          code: 'SHK_FAULT_UNSUPPORTED',
          message: `target ${name} cannot inject ${fault.type}.${fault.effect}`,
        });
      }
      const reply = options.inject(fault, client, step);
      return isObservable(reply) ? reply : of(reply);
    },
    stop: () => {
      for (const c of clients) c.close();
      options.stop?.();
      return of(undefined);
    },
  };
}

interface Streams {
  /** What a trader follows besides its own account: the public streams of the symbols. */
  publicStreams: readonly string[];
  /** What the admin follows: every account and every instrument. */
  adminStreams: readonly string[];
}

/** Worked out once per config (a campaign makes a target per run from the same config). */
const streamsByConfig = new WeakMap<ExchangeConfig, Streams>();

function streamsOf(config: ExchangeConfig, symbols: readonly string[] | undefined): Streams {
  const known = symbols === undefined ? streamsByConfig.get(config) : undefined;
  if (known !== undefined) return known;
  const traded =
    symbols ?? config.instruments.map((i) => i.symbol).filter((s) => s.startsWith(config.sandboxPrefix));
  const publicStreams = traded.flatMap((s) => [`market:${s}`, `book:${s}`]);
  // The admin's record is the venue's whole history: a reset or a halt of every instrument
  // reaches the live instruments and accounts too, so it follows them all.
  const adminStreams = [
    ...config.accounts.map((a) => `account:${a.id}`),
    ...(symbols ?? config.instruments.map((i) => i.symbol)).flatMap((s) => [`market:${s}`, `book:${s}`]),
  ];
  const streams = { publicStreams, adminStreams };
  if (symbols === undefined) streamsByConfig.set(config, streams);
  return streams;
}

function describe(reply: Reply): string {
  return reply.status === 'fail'
    ? `${reply.code}: ${reply.message}`
    : reply.status === 'info'
      ? reply.reason
      : 'ok';
}
