import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import type { BugName } from '../../../src/exchange/bugs/planted-bugs.ts';
import { journalPath } from '../../../src/exchange/journal/file-journal.ts';
import { readJournalFile } from '../../../src/exchange/journal/read-journal.ts';
import {
  type ExchangeServerOptions,
  type RunningExchange,
  startExchangeServer,
} from '../../../src/exchange/server/exchange-server.ts';
import { type Received, TestClient } from './ws-test-client.ts';

const BTC = 'SANDBOX.BTC-USD';
const place = (side: 'buy' | 'sell', price: number, qty: number, clientOrderId: string) => ({
  type: 'place',
  symbol: BTC,
  side,
  orderType: 'limit',
  price,
  qty,
  clientOrderId,
});

describe('exchange server', () => {
  const servers: RunningExchange[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (options: Partial<ExchangeServerOptions> = {}): Promise<RunningExchange> => {
    const server = await startExchangeServer({ port: 0, config: defaultExchangeConfig(), ...options });
    servers.push(server);
    return server;
  };
  const client = async (server: RunningExchange, key?: string): Promise<TestClient> => {
    const c = await TestClient.connect(server.url);
    clients.push(c);
    if (key !== undefined) expect((await c.request({ type: 'login', key })).ok).toBe(true);
    return c;
  };
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-server-'));
    dirs.push(dir);
    return dir;
  };
  /** maker rests a sell, taker lifts part of it. */
  const trade = async (maker: TestClient, taker: TestClient, n: number): Promise<void> => {
    expect((await maker.request(place('sell', 20000, 0.002, `m-${n}`))).ok).toBe(true);
    expect((await taker.request(place('buy', 20000, 0.001, `t-${n}`))).ok).toBe(true);
  };
  const seqsOf = (events: Received[]) => events.map((e) => e.seq);
  /** Waits until the client has every event issued so far on the stream; returns the last seq. */
  const caughtUp = async (server: RunningExchange, c: TestClient, stream: string): Promise<number> => {
    const last = server.host.lastSeq(stream);
    await c.waitFor((m) => m.type === 'event' && m.stream === stream && m.seq === last);
    return last;
  };

  it('listens on 127.0.0.1 with a free port', async () => {
    const server = await start();
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('done when: maker and taker cross on SANDBOX.BTC-USD and both get fills with seqs', async () => {
    const server = await start();
    const maker = await client(server, 'maker-key');
    const taker = await client(server, 'taker-key');
    const sell = await maker.request(place('sell', 20000, 0.01, 'm-1'));
    expect(sell).toMatchObject({ ok: true, result: { order: { status: 'open' } } });
    const buy = await taker.request(place('buy', 20000, 0.01, 't-1'));
    expect(buy).toMatchObject({ ok: true, result: { order: { status: 'filled', filledQty: 0.01 } } });
    const isFill = (m: Received) => m.type === 'event' && m.event.type === 'fill';
    const makerFill = await maker.waitFor(isFill);
    const takerFill = await taker.waitFor(isFill);
    expect(makerFill).toMatchObject({
      stream: 'account:maker',
      seq: 3,
      event: { side: 'sell', price: 20000, qty: 0.01, liquidity: 'maker' },
    });
    expect(takerFill).toMatchObject({
      stream: 'account:taker',
      seq: 2,
      event: { side: 'buy', price: 20000, qty: 0.01, liquidity: 'taker' },
    });
    expect(makerFill.event.tradeId).toBe(takerFill.event.tradeId);
    expect(makerFill.txn).toBe(takerFill.txn);
  });

  it('answers every kind of bad frame with a protocol error, changes nothing, and stays usable', async () => {
    const config: ExchangeConfig = { ...defaultExchangeConfig(), maxFrameBytes: 4096 };
    const server = await start({ config });
    const maker = await client(server, 'maker-key');
    await maker.request(place('sell', 20000, 0.01, 'm-1'));
    const before = server.host.engine.snapshot();
    const cases: [string | Buffer, string][] = [
      ['this is not json', 'bad_json'],
      ['{"id":1,"type":"place","qty":NaN}', 'bad_json'],
      ['{"id":1,"type":"ping","x":Infinity}', 'bad_json'],
      ['[1,2,3]', 'not_an_object'],
      ['{"type":"ping"}', 'missing_id'],
      ['{"id":"u","type":"explode"}', 'unknown_type'],
      [JSON.stringify({ id: 'f', ...place('sell', 20000, 0.01, 'x'), side: 'sideways' }), 'bad_field'],
      [JSON.stringify({ id: 'g', ...place('sell', 20000, 0.01, 'x'), symbol: 42 }), 'bad_field'],
      ['{"id":"h","type":"subscribe","streams":[1]}', 'bad_field'],
      [JSON.stringify({ id: 'big', type: 'ping', pad: 'x'.repeat(5000) }), 'frame_too_large'],
      [Buffer.from([0, 1, 2, 3]), 'binary_frame'],
    ];
    for (const [frame, code] of cases) {
      const from = maker.messages.length;
      maker.send(frame);
      const answer = await maker.waitFor((m) => m.type === 'error' || m.type === 'response', { from });
      expect(answer.error?.code, String(frame).slice(0, 60)).toBe(code);
      expect(typeof answer.error.message).toBe('string');
      expect(server.host.engine.snapshot()).toEqual(before);
      expect(await maker.request({ type: 'ping' })).toMatchObject({ ok: true, result: { pong: true } });
    }
    // Junk amounts go to the engine, which rejects them with its own reasons.
    const junk = await maker.request({ ...place('sell', 20000, 0.01, 'j-1'), qty: 'NaN' });
    expect(junk.error.code).toBe('qty_not_finite');
    // 1e400 parses to Infinity; it must reach the engine (and the journal) as not finite.
    maker.send(
      JSON.stringify({ id: 'o', ...place('sell', 20000, 0.01, 'j-2'), qty: 0 }).replace(
        '"qty":0',
        '"qty":1e400',
      ),
    );
    const overflow = await maker.waitFor((m) => m.id === 'o');
    expect(overflow.error.code).toBe('qty_not_finite');
  });

  it('a throw while handling is logged, answered internal, and the server keeps serving', async () => {
    const logged: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (_: object, message: string) => logged.push(message),
    };
    const server = await start({ logger });
    const maker = await client(server, 'maker-key');
    server.host.engine.orderStatus = () => {
      throw new Error('boom');
    };
    expect((await maker.request({ type: 'status', orderId: 'O1' })).error.code).toBe('internal');
    expect(logged).toEqual(['internal error handling a request']);
    expect((await maker.request(place('sell', 20000, 0.01, 'm-1'))).ok).toBe(true);
    const other = await client(server, 'taker-key');
    expect((await other.request({ type: 'ping' })).ok).toBe(true);
  });

  it('resume after a reconnect delivers exactly the missed events, gapless', async () => {
    const server = await start();
    const maker = await client(server, 'maker-key');
    const taker = await client(server, 'taker-key');
    await maker.request({ type: 'subscribe', streams: [`book:${BTC}`] });
    await trade(maker, taker, 1);
    const lastAccount = await caughtUp(server, maker, 'account:maker');
    const lastBook = await caughtUp(server, maker, `book:${BTC}`);
    await maker.close();

    // Others trade while the maker is away; a watcher sees everything the maker misses.
    const watcher = await client(server, 'admin-key');
    await watcher.request({ type: 'subscribe', streams: ['account:maker', `book:${BTC}`] });
    const makerAway = await client(server, 'maker-key');
    await trade(makerAway, taker, 2);
    await taker.request(place('buy', 19990, 0.001, 't-x'));
    await caughtUp(server, watcher, 'account:maker');
    await caughtUp(server, watcher, `book:${BTC}`);
    await makerAway.close();

    const again = await client(server, 'maker-key');
    const response = await again.request({
      type: 'resume',
      from: { 'account:maker': lastAccount, [`book:${BTC}`]: lastBook },
    });
    expect(response.ok).toBe(true);
    const strip = (events: Received[]) => events.map((e) => JSON.stringify(e));
    expect(strip(again.events('account:maker'))).toEqual(strip(watcher.events('account:maker')));
    expect(strip(again.events(`book:${BTC}`))).toEqual(strip(watcher.events(`book:${BTC}`)));
    expect(seqsOf(again.events('account:maker'))[0]).toBe(lastAccount + 1);
    expect(response.result.seqs).toEqual({
      'account:maker': server.host.lastSeq('account:maker'),
      [`book:${BTC}`]: server.host.lastSeq(`book:${BTC}`),
    });

    // Then live, continuing without a gap.
    await trade(again, taker, 3);
    await caughtUp(server, again, 'account:maker');
    const all = [...maker.events('account:maker'), ...again.events('account:maker')];
    expect(seqsOf(all)).toEqual(all.map((_, i) => i + 1));
  });

  it('resync after a reconnect gives a snapshot and the seqs to continue from', async () => {
    const server = await start();
    const maker = await client(server, 'maker-key');
    const taker = await client(server, 'taker-key');
    await trade(maker, taker, 1);
    await maker.close();
    const again = await client(server, 'maker-key');
    const response = await again.request({ type: 'resync', streams: ['account:maker', `book:${BTC}`] });
    expect(response.result.snapshot.accounts[0].openOrders).toMatchObject([
      { clientOrderId: 'm-1', status: 'partially_filled', remainingQty: 0.001 },
    ]);
    expect(response.result.snapshot.books).toEqual([{ symbol: BTC, bids: [], asks: [[20000, 0.001, 1]] }]);
    await trade(again, taker, 2);
    expect(again.events('account:maker')[0].seq).toBe(response.result.seqs['account:maker'] + 1);
    expect(again.events(`book:${BTC}`)[0].seq).toBe(response.result.seqs[`book:${BTC}`] + 1);
  });

  it('rate limits per connection with retryAfterMs, before the engine', async () => {
    let now = 0;
    const config: ExchangeConfig = { ...defaultExchangeConfig(), rateLimit: { perSecond: 1, burst: 1 } };
    const server = await start({ config, clock: () => now });
    const maker = await client(server, 'maker-key');
    expect((await maker.request(place('sell', 20000, 0.01, 'm-1'))).ok).toBe(true);
    const txn = server.host.engine.txn;
    const limited = await maker.request(place('sell', 20000, 0.01, 'm-2'));
    expect(limited.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1000 });
    expect(server.host.engine.txn).toBe(txn);
    now += limited.error.retryAfterMs;
    expect((await maker.request(place('sell', 20000, 0.01, 'm-2'))).ok).toBe(true);
  });

  describe('planted bugs over the wire', () => {
    const reconnectScenario = async (bug: BugName) => {
      const server = await start({ bugs: [bug] });
      const maker = await client(server, 'maker-key');
      const taker = await client(server, 'taker-key');
      await trade(maker, taker, 1);
      const last = await caughtUp(server, maker, 'account:maker');
      await maker.close();
      const away = await client(server, 'maker-key');
      await trade(away, taker, 2);
      await away.close();
      const again = await client(server, 'maker-key');
      return { server, again, last, taker };
    };

    it('seq_gap_after_resync: a resume skips the first missed event', async () => {
      const { again, last } = await reconnectScenario('seq_gap_after_resync');
      await again.request({ type: 'resume', from: { 'account:maker': last } });
      expect(again.events('account:maker')[0].seq).toBe(last + 2);
    });

    it('duplicate_fill_on_resync: the last fill arrives twice under different seqs', async () => {
      const { server, again, last, taker } = await reconnectScenario('duplicate_fill_on_resync');
      const response = await again.request({ type: 'resume', from: { 'account:maker': last } });
      const duplicate = await again.waitFor(
        (m) => m.type === 'event' && m.seq === response.result.seqs['account:maker'] + 1,
      );
      const fills = again.events('account:maker').filter((e) => e.event.type === 'fill');
      expect(fills.map((f) => f.event.tradeId)).toEqual(['T2', 'T2']);
      expect(duplicate.event).toEqual(fills[0].event);
      expect(fills[0].seq).not.toBe(fills[1].seq);
      // The stream stays gapless: the duplicate consumed a seq.
      await trade(again, taker, 3);
      await caughtUp(server, again, 'account:maker');
      const seqs = seqsOf(again.events('account:maker'));
      expect(seqs).toEqual(seqs.map((_, i) => last + 1 + i));
    });

    it('journal_skips_cancel_all: the cancel_all is not in the journal', async () => {
      const dir = tempDir();
      const server = await start({ bugs: ['journal_skips_cancel_all'], journalDir: dir });
      const maker = await client(server, 'maker-key');
      await maker.request(place('buy', 19990, 0.01, 'b-1'));
      expect((await maker.request({ type: 'cancel_all' })).result.cancelled).toBe(1);
      await server.close();
      const { entries } = readJournalFile(journalPath(dir), () => {});
      expect(entries.map((e) => e.input.op)).toEqual(['place']);
      const restarted = await start({ journalDir: dir });
      expect(restarted.host.engine.openOrders('maker')).toHaveLength(1);
    });
  });

  it('restarts from its journal with the same state and stream numbering', async () => {
    const dir = tempDir();
    const first = await start({ journalDir: dir });
    const maker = await client(first, 'maker-key');
    const taker = await client(first, 'taker-key');
    await trade(maker, taker, 1);
    await trade(maker, taker, 2);
    await caughtUp(first, maker, 'account:maker');
    const snapshot = first.host.snapshot();
    await first.close();
    const second = await start({ journalDir: dir });
    expect(second.host.snapshot()).toEqual(snapshot);
    const again = await client(second, 'maker-key');
    const resumed = await again.request({ type: 'resume', from: { 'account:maker': 2 } });
    expect(resumed.ok).toBe(true);
    expect(JSON.stringify(again.events('account:maker'))).toBe(
      JSON.stringify(maker.events('account:maker').slice(2)),
    );
  });

  it('close() drops clients, frees the port, and may be called twice', async () => {
    const server = await start();
    const maker = await client(server, 'maker-key');
    const closed = new Promise<void>((resolve) => maker.socket.once('close', () => resolve()));
    await Promise.all([server.close(), server.close()]);
    await closed;
    expect(server.host.sessionCount).toBe(0);
    const again = await start({ port: server.port });
    expect(again.port).toBe(server.port);
  });

  it('a port in use is a one-line usage error', async () => {
    const server = await start();
    const error = await startExchangeServer({ port: server.port, config: defaultExchangeConfig() }).catch(
      (e: unknown) => e,
    );
    expect(isShakedownError(error) && error.code).toBe('SHK_LISTEN');
  });
});
