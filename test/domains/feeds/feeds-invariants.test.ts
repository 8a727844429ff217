import { beforeAll, describe, expect, it } from 'vitest';
import { FEEDS_INVARIANTS } from '../../../invariants/feeds/index.ts';
import type { Violation } from '../../../src/core/model/invariant.ts';
import { executeRun } from '../../../src/core/runner/campaign.ts';
import type { FeedsAction } from '../../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../../src/domains/feeds/feeds-evidence.ts';
import { feedsPack } from '../../../src/domains/feeds/feeds-pack.ts';
import { inprocFeedsTargetFactory } from '../../../src/domains/feeds/targets/inproc-feeds-target-factory.ts';

const ADDRESS = '0x00000000000000000000000000000000000000a1';

/** A small clean run: heads and filtered logs to two subscribers, calls, one refused, one kill. */
const ACTIONS: FeedsAction[] = [
  {
    kind: 'configure',
    client: 'operator',
    gapMs: 0,
    config: { strategy: 'round-robin', breakerFailureThreshold: 2 },
  },
  { kind: 'subscribe', client: 'alice', gapMs: 5, channel: 'newHeads', tag: 's0' },
  { kind: 'subscribe', client: 'bob', gapMs: 0, channel: 'logs', tag: 's1', filter: { address: ADDRESS } },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 40 },
  { kind: 'eth_getBlockByNumber', client: 'carol', gapMs: 40, block: 4 },
  { kind: 'eth_getLogs', client: 'bob', gapMs: 40, filter: { fromBlock: 2, toBlock: 6 } },
  {
    kind: 'eth_getBlockByNumber',
    client: 'bob',
    gapMs: 10,
    block: 'next' as never,
    expectRefusal: true,
  },
  { kind: 'upstream', client: 'operator', gapMs: 100, control: { kind: 'fail', upstream: 'u1', calls: 4 } },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 20 },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 20 },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 20 },
  { kind: 'eth_blockNumber', client: 'carol', gapMs: 20 },
  { kind: 'upstream', client: 'operator', gapMs: 100, control: { kind: 'kill', upstream: 'u0' } },
  { kind: 'upstream', client: 'operator', gapMs: 100, control: { kind: 'kill', upstream: 'u0' } },
  { kind: 'eth_blockNumber', client: 'alice', gapMs: 200 },
];

let clean: FeedsEvidence;

beforeAll(async () => {
  const report = await executeRun(inprocFeedsTargetFactory() as never, ACTIONS, {
    clients: feedsPack.clients,
    projection: feedsPack.projection as never,
    invariants: feedsPack.invariants as never,
    settings: { maxActions: 60, requestTimeoutMs: 1000, quietMs: 50 },
  });
  expect(report.verdict).toEqual({ status: 'pass' });
  clean = report.evidence as unknown as FeedsEvidence;
});

const copy = (): FeedsEvidence => structuredClone(clean);

function check(name: string, evidence: FeedsEvidence): { violations: Violation[]; counted: number } {
  const invariant = FEEDS_INVARIANTS.find((i) => i.name === name);
  if (invariant === undefined) throw new Error(`no invariant ${name}`);
  let counted = 0;
  const violations = invariant.check(evidence, { count: (n = 1) => (counted += n) });
  return { violations, counted };
}

describe('the feeds invariants on a clean run', () => {
  it.each(FEEDS_INVARIANTS.map((i) => [i.name]))('%s passes and counts what it examined', (name) => {
    const { violations, counted } = check(name, copy());
    expect(violations).toEqual([]);
    expect(counted).toBeGreaterThan(0);
  });

  it('a refused kill of an upstream already dead is justified by the truth', () => {
    const second = clean.history[13];
    expect(second?.reply?.status).toBe('fail');
    expect(check('upstream.controls-applied', copy()).violations).toEqual([]);
  });
});

/** The same run, doctored the way a broken proxy would have made it: each rule must object. */
describe('each feeds invariant catches its breach', () => {
  const heads = (e: FeedsEvidence) => e.events.filter((r) => r.event.type === 'head');
  const logs = (e: FeedsEvidence) => e.events.filter((r) => r.event.type === 'log');

  it('heads.gapless: a head missing from the feed', () => {
    const e = copy();
    const gone = heads(e)[2];
    e.events = e.events.filter((r) => r !== gone);
    expect(check('heads.gapless', e).violations[0]?.message).toMatch(/never arrived/);
  });

  it('heads.gapless: a head the link destroyed is excused by its fault record', () => {
    const e = copy();
    const gone = heads(e)[2];
    e.events = e.events.filter((r) => r !== gone);
    const event = gone.event as { subscription: string; head: { number: string } };
    const number = Number.parseInt(event.head.number.slice(2), 16);
    e.extra.faults = [
      {
        step: 1,
        client: gone.client,
        kind: 'frame.drop',
        time: 0,
        hits: 1,
        lost: [`sub:${event.subscription}#${number}`],
        detail: { direction: 'from_target' },
      },
    ];
    expect(check('heads.gapless', e).violations).toEqual([]);
  });

  it('heads.no-duplicates: a head delivered twice', () => {
    const e = copy();
    const twice = heads(e)[1];
    e.events.splice(e.events.indexOf(twice) + 1, 0, { ...twice, gseq: 99_999 });
    expect(check('heads.no-duplicates', e).violations[0]?.message).toMatch(/delivered twice/);
  });

  it('heads.reorgs-announced: a head whose parent is not the one held', () => {
    const e = copy();
    const head = heads(e)[3].event as { head: { parentHash: string } };
    head.head.parentHash = `0x${'ab'.repeat(32)}`;
    expect(check('heads.reorgs-announced', e).violations[0]?.message).toMatch(/unannounced/);
  });

  it('subscriptions.survive-failover: a feed that stopped', () => {
    const e = copy();
    const all = heads(e);
    const kept = new Set(all.slice(0, 2));
    e.events = e.events.filter((r) => r.event.type !== 'head' || kept.has(r));
    expect(check('subscriptions.survive-failover', e).violations[0]?.message).toMatch(/feed stopped/);
  });

  it('logs.match-filter: a log from another contract', () => {
    const e = copy();
    const log = logs(e)[0].event as { log: { address: string } };
    log.log.address = '0x00000000000000000000000000000000000000b2';
    expect(check('logs.match-filter', e).violations[0]?.message).toMatch(/does not match the filter/);
  });

  it('logs.match-filter: a log no block had', () => {
    const e = copy();
    const log = logs(e)[0].event as { log: { logIndex: string } };
    log.log.logIndex = '0x9';
    expect(check('logs.match-filter', e).violations[0]?.message).toMatch(/no log of a known block/);
  });

  it('logs.delivered-once: a log delivered twice', () => {
    const e = copy();
    const twice = logs(e)[0];
    e.events.push({ ...twice, gseq: 99_999 });
    expect(check('logs.delivered-once', e).violations[0]?.message).toMatch(/delivered twice/);
  });

  it('responses.match-requests: an answer for another block, and a stray answer', () => {
    const e = copy();
    const op = e.history[4];
    (op.reply as { result: { number: string } }).result.number = '0x5';
    e.events.push({
      stream: 'session:carol',
      seq: 999,
      time: 0,
      gseq: 99_999,
      client: 'carol',
      event: { type: 'stray_response', id: 3, response: {} },
    });
    const messages = check('responses.match-requests', e).violations.map((v) => v.message);
    expect(messages.some((m) => /asked for block 4/.test(m))).toBe(true);
    expect(messages.some((m) => /no request waiting/.test(m))).toBe(true);
  });

  it('responses.match-requests: bad params answered ok', () => {
    const e = copy();
    e.history[6].reply = { status: 'ok', result: null };
    expect(check('responses.match-requests', e).violations[0]?.message).toMatch(/bad params was answered ok/);
  });

  it("subscriptions.isolated: a push for another client's subscription", () => {
    const e = copy();
    const bobs = logs(e)[0].event as { subscription: string };
    e.events.push({
      stream: 'session:carol',
      seq: 999,
      time: 0,
      gseq: 99_999,
      client: 'carol',
      event: { type: 'foreign_notification', subscription: bobs.subscription, result: {} },
    });
    expect(check('subscriptions.isolated', e).violations[0]?.message).toMatch(/made it for bob/);
  });

  it('breaker.opens: a breaker opened below its threshold', () => {
    const e = copy();
    const opened = e.snapshot.proxy.breakerTransitions.find((t) => t.to === 'open');
    expect(opened).toBeDefined();
    opened!.failures = 1;
    expect(check('breaker.opens', e).violations[0]?.message).toMatch(/threshold is 2/);
  });

  it('breaker.opens: errors in a row with no breaker opening', () => {
    const e = copy();
    e.snapshot.proxy.breakerTransitions = [];
    expect(check('breaker.opens', e).violations[0]?.message).toMatch(/did not open/);
  });

  it('breaker.recovery-timeout: a half-open right after opening', () => {
    const e = copy();
    const transitions = e.snapshot.proxy.breakerTransitions;
    const half = transitions.find((t) => t.to === 'half_open');
    expect(half).toBeDefined();
    const opened = [...transitions]
      .reverse()
      .find((t) => t.to === 'open' && t.upstream === half!.upstream && t.at <= half!.at);
    half!.at = opened!.at + 1;
    expect(check('breaker.recovery-timeout', e).violations[0]?.message).toMatch(/recovery timeout/);
  });

  it('breaker.recovers: a breaker left open', () => {
    const e = copy();
    const transitions = e.snapshot.proxy.breakerTransitions;
    const firstOpen = transitions.findIndex((t) => t.to === 'open');
    e.snapshot.proxy.breakerTransitions = transitions.slice(0, firstOpen + 1);
    expect(check('breaker.recovers', e).violations[0]?.message).toMatch(/still open/);
  });

  it('routing.follows-strategy: a choice the strategy would not make', () => {
    const e = copy();
    const decision = e.snapshot.proxy.routing.find((d) => d.eligible.length > 1 && d.chosen !== undefined);
    expect(decision).toBeDefined();
    decision!.chosen = decision!.eligible.find((u) => u !== decision!.chosen);
    expect(check('routing.follows-strategy', e).violations[0]?.message).toMatch(/round-robin picks/);
  });

  it('metrics.agree-with-clients: errors the proxy did not count', () => {
    const e = copy();
    const metrics = e.extra.metrics as { methods: Record<string, { errors: number }> };
    metrics.methods.eth_getBlockByNumber.errors = 0;
    expect(check('metrics.agree-with-clients', e).violations[0]?.message).toMatch(/counted 0 errors/);
  });

  it('requests.answered: a request left unanswered with no fault acting', () => {
    const e = copy();
    e.history[3].reply = { status: 'info', reason: 'no answer' };
    expect(check('requests.answered', e).violations[0]?.message).toMatch(/never answered/);
  });

  it('upstream.controls-applied: a kill answered ok that the truth does not show', () => {
    const e = copy();
    const u0 = e.snapshot.upstreams.find((u) => u.status.name === 'u0')!;
    u0.life = u0.life.filter((l) => l.event !== 'killed');
    expect(check('upstream.controls-applied', e).violations[0]?.message).toMatch(/shows no killed/);
  });

  it('upstream.controls-applied: a refused kill of a live upstream', () => {
    const e = copy();
    e.history[12].reply = {
      status: 'fail',
      code: '-32010',
      message: 'upstream u0 is already dead: nothing to kill',
    };
    const u0 = e.snapshot.upstreams.find((u) => u.status.name === 'u0')!;
    u0.life = u0.life.filter((l) => l.event !== 'killed');
    const messages = check('upstream.controls-applied', e).violations.map((v) => v.message);
    expect(messages.some((m) => /refused .* but the upstream was alive/.test(m))).toBe(true);
  });
});
