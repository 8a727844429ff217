import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../src/domains/trading/protocol/exchange-config.ts';
import type { PlaceInput } from '../../src/domains/trading/protocol/exchange-input.ts';
import type { ExchangeSnapshot } from '../../src/domains/trading/protocol/exchange-snapshot.ts';
import type { BugName } from '../../src/exchange/bugs/planted-bugs.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';
import { Engine } from '../../src/exchange/engine/engine.ts';
import { ExchangeHost } from '../../src/exchange/gateway/exchange-host.ts';
import type { JournalEntry } from '../../src/exchange/journal/journal-entry.ts';
import { MemoryJournal } from '../../src/exchange/journal/memory-journal.ts';
import {
  type ReferenceExchangeProcess,
  startReferenceExchangeProcess,
} from '../../src/exchange/server/reference-exchange-process.ts';
import { TestClient } from './server/ws-test-client.ts';

const BTC = 'SANDBOX.BTC-USD';
const BUG: BugName = 'ack_before_journal';

const placeInput = (n: number): PlaceInput => ({
  op: 'place',
  account: 'maker',
  symbol: BTC,
  side: 'sell',
  type: 'limit',
  price: 20000 + n,
  qty: 0.01,
  clientOrderId: `m-${n}`,
});

/** The same frame as a client sends it. */
const placeFrame = (n: number) => ({
  type: 'place',
  symbol: BTC,
  side: 'sell',
  orderType: 'limit',
  price: 20000 + n,
  qty: 0.01,
  clientOrderId: `m-${n}`,
});

/** What a restart would rebuild: a fresh engine fed the journal (as durability.journal-replay does). */
function rebuild(bugs: BugName[], entries: readonly JournalEntry[]): ExchangeSnapshot {
  const engine = new Engine({ config: defaultExchangeConfig(), bugs });
  for (const entry of entries) engine.apply(entry.input, entry.time);
  return engine.snapshot();
}

function hostWith(bugs: BugName[]): { host: ExchangeHost; journal: MemoryJournal } {
  const journal = new MemoryJournal();
  let now = 1_700_000_000_000;
  const host = new ExchangeHost({ config: defaultExchangeConfig(), bugs, clock: () => now++, journal });
  return { host, journal };
}

function placeAcked(host: ExchangeHost, n: number): void {
  const outcome = host.submit(placeInput(n));
  expect(outcome.kind).toBe('applied');
}

describe('planted bug ack_before_journal', () => {
  it('is in the catalogue, caught by durability.acknowledged-kept, and needs a restart', () => {
    expect(PLANTED_BUGS.find((b) => b.name === BUG)).toMatchObject({
      invariant: 'durability.acknowledged-kept',
      needs: 'restart',
    });
  });

  it('acknowledges inputs it has not journaled; a snapshot writes them', () => {
    const { host, journal } = hostWith([BUG]);
    placeAcked(host, 1);
    placeAcked(host, 2);
    expect(host.engine.txn).toBe(2);
    expect(journal.entries()).toHaveLength(0);

    const live = host.snapshot();
    expect(live.orders.map((o) => o.clientOrderId)).toEqual(['m-1', 'm-2']);
    expect(journal.entries().map((e) => e.n)).toEqual([1, 2]);
    // What a restart would rebuild now matches the live state: durability.journal-replay holds.
    expect(rebuild([BUG], journal.entries())).toEqual(live);
  });

  it('catches up every 4 inputs, on flushJournal() and on close()', () => {
    const { host, journal } = hostWith([BUG]);
    for (let n = 1; n <= 3; n++) placeAcked(host, n);
    expect(journal.entries()).toHaveLength(0);
    placeAcked(host, 4); // the fourth fills the batch: all four are written, in order
    expect(journal.entries().map((e) => (e.input as PlaceInput).clientOrderId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
      'm-4',
    ]);

    placeAcked(host, 5);
    expect(journal.entries()).toHaveLength(4);
    expect(host.flushJournal()).toBe(true);
    expect(journal.entries()).toHaveLength(5);
    expect(host.flushJournal()).toBe(true); // nothing held: a no-op
    expect(journal.entries()).toHaveLength(5);

    placeAcked(host, 6);
    host.close(); // a clean shutdown loses nothing
    expect(journal.entries()).toHaveLength(6);
    expect(rebuild([BUG], journal.entries())).toEqual(host.snapshot());
  });

  it('changes nothing when it is off: every input is journaled before it is acknowledged', () => {
    const { host, journal } = hostWith([]);
    placeAcked(host, 1);
    expect(journal.entries()).toHaveLength(1);
    placeAcked(host, 2);
    expect(journal.entries()).toHaveLength(2);
  });

  it('stops the host if a held append fails when the batch is written', () => {
    const memory = new MemoryJournal();
    let appends = 0;
    const host = new ExchangeHost({
      config: defaultExchangeConfig(),
      bugs: [BUG],
      clock: () => 1,
      journal: {
        append(time, input) {
          if (++appends === 3) throw new Error('disk full');
          memory.append(time, input);
        },
        close: () => memory.close(),
      },
    });
    for (let n = 1; n <= 3; n++) placeAcked(host, n);
    const fourth = host.submit(placeInput(4));
    expect(fourth).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/disk full/) });
    expect(host.submit(placeInput(5)).kind).toBe('unavailable');
    expect(host.flushJournal()).toBe(false);
    expect(memory.entries()).toHaveLength(2);
  });
});

/**
 * The scenario the future invariant durability.acknowledged-kept catches: orders acknowledged
 * over the wire, then SIGKILL, then a restart from the journal. Two process starts each.
 */
describe('ack_before_journal against the real process', () => {
  const exchanges: ReferenceExchangeProcess[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(exchanges.splice(0).map((e) => e.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const login = async (url: string, key: string): Promise<TestClient> => {
    const client = await TestClient.connect(url);
    clients.push(client);
    expect((await client.request({ type: 'login', key })).ok).toBe(true);
    return client;
  };

  /** Places two resting orders (both acknowledged), crashes, restarts; the open orders after. */
  async function crashAfterTwoPlaces(bugs: BugName[]): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-ack-'));
    dirs.push(dir);
    const exchange = await startReferenceExchangeProcess({ journalDir: dir, bugs });
    exchanges.push(exchange);
    const maker = await login(exchange.url(), 'maker-key');
    for (const n of [1, 2]) {
      const response = await maker.request(placeFrame(n));
      expect(response.ok, JSON.stringify(response)).toBe(true);
    }
    // No snapshot before the crash: reading one would write the held entries.
    await exchange.crash();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await exchange.restart();
    const admin = await login(exchange.url(), 'admin-key');
    const snapshot = (await admin.request({ type: 'snapshot' })).result;
    return snapshot.orders.map((o: { clientOrderId: string }) => o.clientOrderId);
  }

  it('with the bug, a crash right after two acknowledged places loses both', async () => {
    expect(await crashAfterTwoPlaces([BUG])).toEqual([]);
  });

  it('without the bug, both survive the crash', async () => {
    expect(await crashAfterTwoPlaces([])).toEqual(['m-1', 'm-2']);
  });
});
