import {
  asyncScheduler,
  filter,
  firstValueFrom,
  type Observable,
  of,
  timeout,
  VirtualTimeScheduler,
} from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Target, TargetFactory } from '../../../../src/core/model/target.ts';
import { isShakedownError } from '../../../../src/core/shakedown-error.ts';
import { defaultExchangeConfig } from '../../../../src/domains/trading/protocol/exchange-config.ts';
import type { ServerMessage } from '../../../../src/domains/trading/protocol/protocol-messages.ts';
import type { VenueDialer } from '../../../../src/domains/trading/transport/venue-connection.ts';
import {
  embeddedWsTargetFactory,
  type MakeTarget,
  urlTargetFactory,
} from '../../../../src/domains/trading/transport/ws-target-factories.ts';
import { startExchangeServer } from '../../../../src/exchange/server/exchange-server.ts';

const WAIT_MS = 5_000;
const first = <T>(source: Observable<T>): Promise<T> =>
  firstValueFrom(source.pipe(timeout({ first: WAIT_MS })));

/** A target that only remembers the dialer it was built on; enough to test the factories. */
interface DialerTarget extends Target<never> {
  dialer: VenueDialer;
}
const makeTarget: MakeTarget<never> = async (dialer, name) => {
  const target: DialerTarget = {
    name,
    dialer,
    scheduler: asyncScheduler,
    virtual: false,
    open: () => {
      throw new Error('not used');
    },
    snapshot: () => of(undefined),
    stop: () => of(undefined),
  };
  return target;
};
const dialerOf = (target: Target<never>): VenueDialer => (target as DialerTarget).dialer;

/** Logs in as maker on a fresh connection and places one order; resolves with the response. */
const placeOnce = async (dialer: VenueDialer, clientOrderId: string): Promise<ServerMessage> => {
  const connection = await first(dialer());
  try {
    const response = (id: number) =>
      first(connection.messages$.pipe(filter((m) => m.type === 'response' && m.id === id)));
    const login = response(1);
    connection.send({ id: 1, type: 'login', key: 'maker-key' });
    await login;
    const placed = response(2);
    connection.send({
      id: 2,
      type: 'place',
      symbol: 'SANDBOX.BTC-USD',
      side: 'sell',
      orderType: 'limit',
      price: 20000,
      qty: 0.01,
      clientOrderId,
    });
    return await placed;
  } finally {
    connection.close();
  }
};

describe('network target factories', () => {
  const factories: TargetFactory<never>[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const factory of factories.splice(0)) await factory.dispose?.();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('embedded-ws: one server for the whole campaign, stopped by dispose()', async () => {
    const factory = embeddedWsTargetFactory({ bugs: [] }, makeTarget);
    factories.push(factory);
    expect(factory.name).toBe('embedded-ws');

    const run1 = await factory.create();
    const run2 = await factory.create();
    expect(run1.name).toBe('embedded-ws');
    expect(run1.virtual).toBe(false);
    expect(run1.scheduler).toBe(asyncScheduler);

    // Nothing reset the venue between the two, so a reused client order id shows that both
    // runs reached the same server.
    expect(await placeOnce(dialerOf(run1), 'm-1')).toMatchObject({ ok: true });
    expect(await placeOnce(dialerOf(run2), 'm-1')).toMatchObject({
      ok: false,
      error: { code: 'duplicate_client_order_id' },
    });

    await factory.dispose?.();
    const after = await first(dialerOf(run1)()).catch((e: unknown) => e);
    expect(isShakedownError(after) && after.code).toBe('SHK_TARGET_UNREACHABLE');
    await expect(factory.create()).rejects.toThrow(/after dispose/);
  });

  it('embedded-ws: builds the venue with the config it is given', async () => {
    const config = { ...defaultExchangeConfig(), adminKey: 'other-admin-key' };
    const factory = embeddedWsTargetFactory({ bugs: [], config }, makeTarget);
    factories.push(factory);
    const connection = await first(dialerOf(await factory.create())());
    try {
      const login = first(connection.messages$.pipe(filter((m) => m.type === 'response')));
      connection.send({ id: 1, type: 'login', key: 'other-admin-key' });
      expect(await login).toMatchObject({ ok: true, result: { role: 'admin' } });
    } finally {
      connection.close();
    }
  });

  it('embedded-ws: dispose() without a run has nothing to stop', async () => {
    const factory = embeddedWsTargetFactory({ bugs: [] }, makeTarget);
    await expect(factory.dispose?.()).resolves.toBeUndefined();
  });

  it('url: every run dials the venue at the URL', async () => {
    const server = await startExchangeServer({ port: 0, config: defaultExchangeConfig() });
    cleanups.push(() => server.close());
    const factory = urlTargetFactory(server.url, makeTarget);
    expect(factory.name).toBe(server.url);
    const run = await factory.create();
    expect(run.name).toBe(server.url);
    expect(await placeOnce(dialerOf(run), 'm-1')).toMatchObject({ ok: true });
  });

  it('url: an unreachable venue surfaces as SHK_TARGET_UNREACHABLE when a client dials', async () => {
    const server = await startExchangeServer({ port: 0, config: defaultExchangeConfig() });
    await server.close();
    const run = await urlTargetFactory(server.url, makeTarget).create();
    const error = await first(dialerOf(run)()).catch((e: unknown) => e);
    expect(isShakedownError(error) && error.exitCode).toBe(3);
  });

  it('refuses a target on virtual time: a socket cannot be driven by flushing a scheduler', async () => {
    let stopped = false;
    const virtual: MakeTarget<never> = async (dialer, name) => ({
      ...(await makeTarget(dialer, name)),
      scheduler: new VirtualTimeScheduler(),
      virtual: true,
      stop: () => {
        stopped = true;
        return of(undefined);
      },
    });
    await expect(urlTargetFactory('ws://127.0.0.1:1', virtual).create()).rejects.toThrow(/virtual/);
    expect(stopped).toBe(true);
  });
});
