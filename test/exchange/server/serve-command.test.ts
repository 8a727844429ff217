import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { Engine } from '../../../src/exchange/engine/engine.ts';
import { journalPath } from '../../../src/exchange/journal/file-journal.ts';
import type { JournalEntry } from '../../../src/exchange/journal/journal-entry.ts';
import { readJournalFile } from '../../../src/exchange/journal/read-journal.ts';
import { startExchangeServer } from '../../../src/exchange/server/exchange-server.ts';
import { ServeProcess } from './serve-process.ts';
import { type Received, TestClient, withTimeout } from './ws-test-client.ts';

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
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Sends `frames` over one connection keeping `window` requests in flight, like a busy client.
 * Stops sending when the connection closes. Each frame gets the id `<prefix><index>`.
 */
function streamOrders(
  client: TestClient,
  prefix: string,
  frames: Record<string, unknown>[],
  window: number,
  onAck: () => void,
) {
  const sent = new Map<string, Record<string, unknown>>();
  const acked = new Map<string, Received>();
  let next = 0;
  const sendNext = (): void => {
    if (next >= frames.length || client.socket.readyState !== client.socket.OPEN) return;
    const id = `${prefix}${next}`;
    const frame = { ...frames[next], id };
    next++;
    sent.set(id, frame);
    client.send(frame);
  };
  client.socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Received;
    if (message.type !== 'response' || !sent.has(message.id)) return;
    acked.set(message.id, message);
    onAck();
    sendNext();
  });
  for (let i = 0; i < window; i++) sendNext();
  return { sent, acked };
}

describe('shakedown serve (child process)', () => {
  const processes: ServeProcess[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const serve = (args: string[]): ServeProcess => {
    const p = new ServeProcess(args);
    processes.push(p);
    return p;
  };
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-serve-'));
    dirs.push(dir);
    return dir;
  };
  const login = async (url: string, key: string): Promise<TestClient> => {
    const c = await TestClient.connect(url);
    clients.push(c);
    expect((await c.request({ type: 'login', key })).ok).toBe(true);
    return c;
  };
  /** A journal of `count` resting orders, written by an in-process server. */
  const writeJournal = async (dir: string, count: number): Promise<void> => {
    const server = await startExchangeServer({ port: 0, config: defaultExchangeConfig(), journalDir: dir });
    const maker = await TestClient.connect(server.url);
    await maker.request({ type: 'login', key: 'maker-key' });
    for (let i = 0; i < count; i++) await maker.request(place('buy', 19900 + i, 0.001, `b-${i}`));
    await maker.close();
    await server.close();
  };

  it('prints exactly the URL on stdout and exits 0 on SIGTERM', async () => {
    const p = serve(['--port', '0', '--log-format', 'json']);
    const url = await p.url();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const c = await login(url, 'maker-key');
    expect((await c.request({ type: 'ping' })).ok).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.waitExit()).toEqual({ code: 0, signal: null });
    expect(p.stdout).toBe(`${url}\n`);
  });

  it.each([
    [['--bug', 'no_such_bug'], /unknown bug "no_such_bug"/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port', 'eighty'], /--port must be an integer/],
    [['--fsync', 'sometimes'], /--fsync must be one of never, always/],
    [['--resume-buffer', 'lots'], /--resume-buffer must be a whole number/],
  ])('refuses bad flags %j with one line and exit 2', async (args, message) => {
    const p = serve(args);
    expect((await p.waitExit()).code).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(p.stderr).toMatch(message);
  });

  it('after SIGKILL mid-stream, a restart keeps every acknowledged order and half-applies nothing', async () => {
    const dir = tempDir();
    const first = serve(['--port', '0', '--journal', dir, '--log-format', 'json', '--log-level', 'warn']);
    const url = await first.url();
    const maker = await login(url, 'maker-key');
    const taker = await login(url, 'taker-key');

    const total = 2_000;
    const killAfter = 300;
    let acks = 0;
    const onAck = (): void => {
      acks++;
      if (acks === killAfter) first.child.kill('SIGKILL');
    };
    const makerFrames = Array.from({ length: total }, (_, i) => place('sell', 20000, 0.001, `m-${i}`));
    const takerFrames = Array.from({ length: total }, (_, i) => place('buy', 20000, 0.001, `t-${i}`));
    const streams = [
      { account: 'maker', key: 'maker-key', ...streamOrders(maker, 'm', makerFrames, 16, onAck) },
      { account: 'taker', key: 'taker-key', ...streamOrders(taker, 't', takerFrames, 16, onAck) },
    ];
    expect((await first.waitExit()).signal).toBe('SIGKILL');
    const unacked = streams.reduce((n, s) => n + s.sent.size - s.acked.size, 0);
    expect(acks).toBeGreaterThanOrEqual(killAfter);
    expect(acks).toBeLessThan(2 * total);

    const second = serve(['--port', '0', '--journal', dir, '--log-format', 'json', '--log-level', 'warn']);
    const url2 = await second.url();
    const { entries } = readJournalFile(journalPath(dir), () => {});
    const journaled = new Set(
      entries.map((e: JournalEntry) =>
        e.input.op === 'place' ? `${e.input.account}/${e.input.clientOrderId}` : '',
      ),
    );

    // Every journaled input is fully applied: the restarted exchange is a replay of its journal.
    const admin = await login(url2, 'admin-key');
    const recovered = (await admin.request({ type: 'snapshot' })).result;
    const replay = new Engine({ config: defaultExchangeConfig() });
    for (const e of entries) replay.apply(e.input, e.time);
    expect(recovered).toEqual(plain(replay.snapshot()));
    expect(recovered.txn).toBe(entries.length);

    for (const s of streams) {
      const c = await login(url2, s.key);
      // Ask about every order ever sent: known exactly when journaled, and never when not.
      const answers = await Promise.all(
        [...s.sent.entries()].map(async ([id, frame]) => ({
          id,
          frame,
          status: await c.request({ type: 'status', clientOrderId: frame.clientOrderId }, 10_000),
        })),
      );
      for (const { id, frame, status } of answers) {
        const key = `${s.account}/${frame.clientOrderId}`;
        const ack = s.acked.get(id);
        if (ack !== undefined) expect(journaled.has(key), `acknowledged ${key} is journaled`).toBe(true);
        expect(status.ok, `${key} known after restart iff journaled`).toBe(journaled.has(key));
        // A finished order cannot change later, so it must read exactly as acknowledged.
        if (ack?.ok && ack.result.order.status === 'filled') expect(status.result).toEqual(ack.result);
      }
    }
    // Requests were still in flight at the kill, so the journal-or-nothing check above had work to do.
    expect(unacked).toBeGreaterThan(0);
  });

  it('refuses a journal whose middle line was damaged: exit 2, one line naming the line', async () => {
    const dir = tempDir();
    await writeJournal(dir, 5);
    const path = journalPath(dir);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2].replace(/"c":"([0-9a-f])/, (_, d: string) => `"c":"${d === '0' ? '1' : '0'}`);
    writeFileSync(path, lines.join('\n'));

    const p = serve(['--port', '0', '--journal', dir, '--log-format', 'json']);
    expect((await p.waitExit()).code).toBe(2);
    expect(p.stdout).toBe('');
    const stderr = p.stderr.trimEnd().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('SHK_JOURNAL_CORRUPT');
    expect(stderr[0]).toContain(`${path}:3:`);
    expect(stderr[0]).toContain('checksum');
  });

  it('starts over a torn last line, with a warning, and keeps every whole entry', async () => {
    const dir = tempDir();
    await writeJournal(dir, 5);
    appendFileSync(journalPath(dir), '{"n":6,"t":1,"in":{"op":"pla');

    const p = serve(['--port', '0', '--journal', dir, '--log-format', 'json']);
    const url = await p.url();
    const warnings = p.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((log) => log.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/torn last line/)]);
    const admin = await login(url, 'admin-key');
    const snapshot = (await admin.request({ type: 'snapshot' })).result;
    expect(snapshot.txn).toBe(5);
    expect(snapshot.orders).toHaveLength(5);
    p.child.kill('SIGTERM');
    expect((await withTimeout(p.exited, 30_000, 'exit')).code).toBe(0);
  });
});
