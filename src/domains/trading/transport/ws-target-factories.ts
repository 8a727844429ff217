import { lastValueFrom } from 'rxjs';
import type { Target, TargetFactory } from '../../../core/model/target.ts';
import type { BugName, RunningExchange } from '../../../exchange/index.ts';
import { defaultExchangeConfig, type ExchangeConfig } from '../protocol/exchange-config.ts';
import type { VenueDialer } from './venue-connection.ts';
import { type WsDialerOptions, wsDialer } from './ws-dialer.ts';

/**
 * Builds one run's target over a dialer, resetting the venue to its known starting state
 * first. Network targets it builds run on the real clock (asyncScheduler, virtual: false).
 */
export type MakeTarget<A, E = unknown, R = unknown, S = unknown> = (
  dialer: VenueDialer,
  name: string,
) => Target<A, E, R, S> | Promise<Target<A, E, R, S>>;

/** A run over a socket cannot be driven by flushing a virtual scheduler; say so early. */
async function realTime<A, E, R, S>(
  made: Target<A, E, R, S> | Promise<Target<A, E, R, S>>,
): Promise<Target<A, E, R, S>> {
  const target = await made;
  if (target.virtual) {
    await lastValueFrom(target.stop(), { defaultValue: undefined }).catch(() => undefined);
    throw new Error(`target ${target.name} runs over a network but claims a virtual scheduler`);
  }
  return target;
}

/**
 * A venue someone else runs, at a ws:// URL. Every run gets a fresh dialer to the same venue;
 * makeTarget resets the venue, so runs never see each other's orders.
 */
export function urlTargetFactory<A, E, R, S>(
  url: string,
  makeTarget: MakeTarget<A, E, R, S>,
  dialerOptions: WsDialerOptions = {},
): TargetFactory<A, E, R, S> {
  return {
    name: url,
    create: () => realTime(makeTarget(wsDialer(url, dialerOptions), url)),
  };
}

export interface EmbeddedWsOptions {
  bugs: readonly BugName[];
  /** The reference venue's rules; the default venue when absent. */
  config?: ExchangeConfig;
  dialer?: WsDialerOptions;
}

/**
 * The reference exchange over a real socket on 127.0.0.1, to exercise the whole network path
 * (framing, timing, reconnects) that the in-process target skips. One server serves the whole
 * campaign: starting one per run would cost more than the runs, and makeTarget's reset gives
 * each run the same clean start. The server starts on the first create() and stops in dispose().
 */
export function embeddedWsTargetFactory<A, E, R, S>(
  options: EmbeddedWsOptions,
  makeTarget: MakeTarget<A, E, R, S>,
): TargetFactory<A, E, R, S> {
  const name = 'embedded-ws';
  let server: Promise<RunningExchange> | undefined;
  let disposed = false;

  const running = (): Promise<RunningExchange> => {
    // The exchange is loaded on first use: a command that never starts it never pays for it.
    server ??= import('../../../exchange/index.ts').then(({ startExchangeServer }) =>
      startExchangeServer({
        port: 0,
        host: '127.0.0.1',
        config: options.config ?? defaultExchangeConfig(),
        bugs: options.bugs,
      }),
    );
    return server;
  };

  return {
    name,
    async create() {
      if (disposed) throw new Error('embedded-ws target factory used after dispose()');
      const { url } = await running();
      return realTime(makeTarget(wsDialer(url, options.dialer), name));
    },
    async dispose() {
      disposed = true;
      if (server === undefined) return;
      // A server that failed to start has nothing to close; its error was reported by create().
      const started = await server.catch(() => undefined);
      await started?.close();
    },
  };
}
