import { asyncScheduler, isObservable, map, Observable, of, type SchedulerLike, switchMap } from 'rxjs';
import type { Fault } from '../../../core/faults/fault.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { Target } from '../../../core/model/target.ts';
import { type FeedsAction, OPERATOR } from '../feeds-action.ts';
import type { FeedsClientEvent } from '../feeds-client-event.ts';
import type { FeedsConfig } from '../protocol/feeds-config.ts';
import type { FeedsSnapshot } from '../protocol/feeds-snapshot.ts';
import { FeedsClient } from './feeds-client.ts';
import type { FeedsConnectionDialer } from './feeds-connection.ts';

export type FeedsTarget = Target<FeedsAction, FeedsClientEvent, unknown, FeedsSnapshot>;

export interface FeedsTargetOptions {
  scheduler?: SchedulerLike;
  virtual?: boolean;
  /** The proxy's config, for the clients' timings (the truth read at the end carries the real one). */
  config: FeedsConfig;
  requestTimeoutMs?: number;
  /** Applies a link fault; absent: faults are answered SHK_FAULT_UNSUPPORTED. */
  inject?: (fault: Fault, client: string, step: number) => Reply | Observable<Reply>;
  settled?: () => boolean;
  extra?: () => Record<string, unknown>;
  stop?: () => void;
  /**
   * Whether the proxy answers `shakedown_upstreams`, so a run waits until it reaches its
   * upstreams before the first action; true by default.
   */
  admin?: boolean;
  /**
   * Whether to read the system's truth (`shakedown_snapshot`) and the proxy's metrics
   * (`shakedown_metrics`) at the end of a run; true by default. Off for a long-lived proxy at a
   * URL, whose records span every run: the rules that need them are skipped.
   */
  readTruth?: boolean;
}

/**
 * How long the operator waits at the end of a run before the truth is read: long enough for
 * every subscription to fail over (the SLO), an open breaker to half-open, and a few more heads.
 */
export function settleWaitMs(config: FeedsConfig): number {
  return config.failoverSloMs + config.breakerRecoveryMs + 3 * config.headIntervalMs;
}

/** How often, and how many times, the operator asks whether the proxy reached its upstreams. */
const READY_POLL_MS = 5;
const READY_POLLS = 200;

/**
 * Waits until the proxy has a connection to every upstream (or stops asking after a bounded
 * number of polls): a run starts on a system that is up, so a first subscribe is not refused
 * merely because the proxy was still dialing. Works over any transport (`shakedown_upstreams`).
 */
function upstreamsReady(operator: FeedsClient, scheduler: SchedulerLike): Observable<void> {
  return new Observable<void>((subscriber) => {
    let polls = 0;
    let timer: { unsubscribe(): void } | undefined;
    let request: { unsubscribe(): void } | undefined;
    const poll = (): void => {
      polls++;
      request = operator.call('shakedown_upstreams').subscribe((reply) => {
        const statuses = reply.status === 'ok' && Array.isArray(reply.result) ? reply.result : [];
        const ready =
          statuses.length > 0 &&
          statuses.every(
            (u: { alive?: boolean; connections?: number }) => u.alive !== true || (u.connections ?? 0) > 0,
          );
        if (ready || reply.status === 'fail' || polls >= READY_POLLS) {
          subscriber.next();
          subscriber.complete();
          return;
        }
        timer = scheduler.schedule(poll, READY_POLL_MS);
      });
    };
    poll();
    return () => {
      timer?.unsubscribe();
      request?.unsubscribe();
    };
  });
}

/**
 * A feeds target over any proxy that speaks the feeds protocol: each client is a FeedsClient
 * on the dialer. The operator drives the upstreams through the admin methods and, at the end,
 * reads the system's truth (`shakedown_snapshot`) and the proxy's own metrics
 * (`shakedown_metrics`), which the invariants compare with what the clients measured.
 */
export function makeFeedsTarget(
  dialer: FeedsConnectionDialer,
  name: string,
  options: FeedsTargetOptions,
): FeedsTarget {
  const scheduler = options.scheduler ?? asyncScheduler;
  const clients: FeedsClient[] = [];
  let operator: FeedsClient | undefined;
  // The proxy may try every upstream in turn, each up to its own timeout, before it answers.
  const requestTimeoutMs =
    options.requestTimeoutMs ??
    Math.max(400, options.config.upstreams * options.config.requestTimeoutMs + 250);

  const open = (client: string): Observable<FeedsClient> => {
    const isOperator = client === OPERATOR;
    const c = new FeedsClient(dialer, scheduler, {
      name: client,
      requestTimeoutMs,
      heartbeatMs: isOperator ? 0 : Math.max(3 * options.config.headIntervalMs, requestTimeoutMs),
      reconnectDelayMs: 20,
      ...(isOperator ? { syncWaitMs: settleWaitMs(options.config) } : {}),
    });
    clients.push(c);
    if (isOperator) operator = c;
    const connected = c.connect().pipe(map(() => c));
    return isOperator && options.admin !== false
      ? connected.pipe(switchMap(() => upstreamsReady(c, scheduler).pipe(map(() => c))))
      : connected;
  };

  const adminRead = <T>(method: string): Observable<T> => {
    const admin = operator;
    if (admin === undefined) throw new Error('the operator client must be open to read the truth');
    return admin.call(method).pipe(
      map((reply) => {
        if (reply.status !== 'ok') throw new Error(`${method} failed: ${JSON.stringify(reply)}`);
        return reply.result as T;
      }),
    );
  };

  return {
    name,
    scheduler,
    virtual: options.virtual ?? false,
    open,
    snapshot: () =>
      options.readTruth === false
        ? of(undefined as unknown as FeedsSnapshot)
        : adminRead<FeedsSnapshot>('shakedown_snapshot'),
    extraEvidence: () =>
      options.readTruth === false
        ? of({ virtualTime: options.virtual ?? false, ...(options.extra?.() ?? {}) })
        : adminRead<unknown>('shakedown_metrics').pipe(
            map((metrics) => ({
              metrics,
              virtualTime: options.virtual ?? false,
              ...(options.extra?.() ?? {}),
            })),
          ),
    settled: () => options.settled?.() ?? true,
    inject: (fault, client, step) => {
      if (!options.inject)
        return of<Reply>({
          status: 'fail',
          code: 'SHK_FAULT_UNSUPPORTED',
          message: `target ${name} cannot inject ${fault.type}.${fault.effect}`,
        });
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
