import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../../src/core/faults/fault.ts';
import { faultKind } from '../../../../src/core/faults/fault.ts';
import type { FaultRecord } from '../../../../src/core/faults/fault-record.ts';
import { DEFAULT_SETTINGS, executeRun } from '../../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../../src/domains/trading/trading-pack.ts';

const place = (
  client: 'maker' | 'taker',
  id: string,
  gapMs = 0,
  side: 'buy' | 'sell' = 'buy',
): TradingAction => ({
  kind: 'place',
  client,
  gapMs,
  symbol: 'SANDBOX.BTC-USD',
  side,
  orderType: 'limit',
  tif: 'gtc',
  price: 20000,
  qty: 0.001,
  clientOrderId: id,
});
const fault = (client: string, f: Fault, gapMs = 0): TradingAction => ({
  kind: 'fault',
  client,
  gapMs,
  fault: f,
});

async function run(actions: TradingAction[]) {
  const report = await executeRun(inprocTargetFactory() as never, actions, {
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: tradingPack.invariants,
    settings: DEFAULT_SETTINGS,
  });
  const faults = (report.evidence.extra.faults ?? []) as FaultRecord[];
  const session = (client: string) =>
    report.evidence.events
      .filter((e) => e.client === client && e.stream === `session:${client}`)
      .map((e) => (e.event as { type: string }).type);
  return { report, faults, session };
}

/**
 * Every fault kind fires in-process and has the effect it names: each case arms one fault,
 * sends traffic through it, and checks the fault record, what the client saw, and that the
 * clean venue and client still keep every invariant.
 */
describe('in-process, every fault kind fires and does what it says', () => {
  const frame = (effect: string, direction: 'to_target' | 'from_target', extra: object = {}): Fault =>
    ({ type: 'frame', effect, direction, count: 2, seed: 7, ...extra }) as Fault;
  const cases: [string, Fault, (r: Awaited<ReturnType<typeof run>>) => void][] = [
    [
      'frame.drop from the target',
      frame('drop', 'from_target'),
      (r) => {
        expect(r.faults[0].lost?.length).toBe(2);
        expect(r.session('maker')).toContain('session_gap');
      },
    ],
    [
      'frame.drop to the target',
      frame('drop', 'to_target'),
      (r) => {
        expect(r.session('maker')).toContain('session_retry');
      },
    ],
    [
      'frame.delay',
      frame('delay', 'from_target', { delayMs: 300, jitterMs: 20 }),
      (r) => {
        const place = r.report.evidence.history.find(
          (h) => (h.action as { clientOrderId?: string }).clientOrderId === 'b',
        )!;
        expect(place.completedAt! - place.invokedAt).toBeGreaterThanOrEqual(300);
      },
    ],
    [
      'frame.duplicate',
      frame('duplicate', 'from_target'),
      (r) => {
        expect(r.faults[0].hits).toBe(2);
      },
    ],
    [
      'frame.reorder',
      frame('reorder', 'from_target', { holdFor: 1 }),
      (r) => {
        expect(r.session('maker')).toContain('session_gap');
      },
    ],
    [
      'frame.truncate',
      frame('truncate', 'from_target'),
      (r) => {
        expect(r.session('maker')).toContain('session_bad_frame');
      },
    ],
    [
      'frame.garble',
      frame('garble', 'to_target'),
      (r) => {
        expect(r.session('maker')).toContain('session_retry');
      },
    ],
    [
      'connection.close',
      { type: 'connection', effect: 'close', downMs: 50 },
      (r) => {
        expect(r.session('maker')).toEqual(
          expect.arrayContaining(['session_disconnected', 'session_reconnect_attempt', 'session_resynced']),
        );
      },
    ],
    [
      'connection.reset',
      { type: 'connection', effect: 'reset', downMs: 0 },
      (r) => {
        expect(r.session('maker')).toContain('session_resynced');
      },
    ],
    [
      'connection.half_open',
      { type: 'connection', effect: 'half_open', downMs: 0 },
      (r) => {
        expect(r.session('maker')).toEqual(
          expect.arrayContaining(['session_disconnected', 'session_resynced']),
        );
      },
    ],
    [
      'connection.flap',
      { type: 'connection', effect: 'flap', downMs: 10, times: 3, intervalMs: 200 },
      (r) => {
        expect(r.faults[0].hits).toBe(3);
        expect(r.session('maker').filter((t) => t === 'session_resynced').length).toBe(3);
      },
    ],
    [
      'response.reject_429',
      { type: 'response', effect: 'reject_429', nth: 1, count: 1, retryAfterMs: 120 },
      (r) => {
        const retry = r.report.evidence.events.find(
          (e) => (e.event as { type: string }).type === 'session_retry',
        );
        expect(retry?.event).toMatchObject({ reason: 'rate_limited', retryAfterMs: 120 });
      },
    ],
    [
      'response.error_5xx after the effect',
      { type: 'response', effect: 'error_5xx', nth: 1, count: 1, afterEffect: true },
      (r) => {
        const place = r.report.evidence.history.find(
          (h) => (h.action as { clientOrderId?: string }).clientOrderId === 'b',
        )!;
        // The place went through; the retry under the same client order id finds it.
        expect(place.reply?.status).toBe('ok');
        expect(r.session('maker')).toContain('session_retry');
      },
    ],
    [
      'process.crash_restart',
      { type: 'process', effect: 'crash_restart', downMs: 100 },
      (r) => {
        expect(r.report.evidence.extra.crashes).toHaveLength(1);
        expect(r.session('admin')).toContain('session_resumed');
        expect(r.session('maker')).toContain('session_resynced');
      },
    ],
    [
      'process.pause',
      { type: 'process', effect: 'pause', downMs: 200 },
      (r) => {
        const place = r.report.evidence.history.find(
          (h) => (h.action as { clientOrderId?: string }).clientOrderId === 'b',
        )!;
        expect(place.completedAt! - place.invokedAt).toBeGreaterThanOrEqual(199);
      },
    ],
    [
      'clock.jump',
      { type: 'clock', effect: 'jump', ms: 3_600_000 },
      (r) => {
        // The venue stamps what happens after the jump an hour later than the run's own clock.
        const stamps = r.report.evidence.events
          .filter((e) => e.client === 'admin' && e.txn !== undefined)
          .map((e) => ({ received: e.time, txn: e.txn! }));
        expect(stamps.length).toBeGreaterThan(0);
        expect(r.faults[0].detail).toEqual({ ms: 3_600_000 });
      },
    ],
  ];

  it.each(cases)('%s', async (_name, f, check) => {
    const target = f.type === 'process' || f.type === 'clock' ? 'venue' : 'maker';
    const r = await run([
      place('maker', 'a'),
      fault(target, f, 5),
      place('maker', 'b', 1),
      place('taker', 'c', 1, 'sell'),
    ]);
    expect(r.faults.map((x) => x.kind)).toContain(faultKind(f));
    check(r);
    expect(r.report.verdict, JSON.stringify(r.report.verdict)).toEqual({ status: 'pass' });
  });
});
