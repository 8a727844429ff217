import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedsPack } from '../../../src/domains/feeds/feeds-pack.ts';
import {
  FEEDS_LINK_FAULT_KINDS,
  feedsActions,
} from '../../../src/domains/feeds/generation/feeds-actions-arbitrary.ts';
import { feedsFrameLabel } from '../../../src/domains/feeds/transport/feeds-frame-hooks.ts';
import { validateFeedsAction } from '../../../src/domains/feeds/validate-feeds-action.ts';

describe('generated feeds actions', () => {
  const mixes = [
    { configure: true },
    {
      configure: true,
      upstream: 3,
      controls: ['kill', 'restart', 'lag', 'reorg', 'fail', 'pause', 'disconnect'] as const,
    },
    { faults: 3 },
  ];

  it('are valid replay actions, each described on one line, and survive a JSON round trip', () => {
    for (const mix of mixes) {
      const arb = feedsActions(
        { seed: 1, maxActions: 30, faults: FEEDS_LINK_FAULT_KINDS },
        { ...mix, controls: 'controls' in mix && mix.controls !== undefined ? [...mix.controls] : [] },
      );
      fc.assert(
        fc.property(arb, (actions) => {
          for (const action of JSON.parse(JSON.stringify(actions)) as unknown[]) {
            expect(validateFeedsAction(action)).toBeUndefined();
            const line = feedsPack.describeAction(action as never);
            expect(line).not.toContain('\n');
            expect(line.length).toBeGreaterThan(0);
          }
        }),
        { seed: 1, numRuns: 100 },
      );
    }
  });

  it('a constant pace keeps one gap, a bursty one sends bursts at gap 0', () => {
    const samples = fc.sample(feedsActions({ seed: 3, maxActions: 30 }, {}), { seed: 3, numRuns: 60 });
    const gapsOf = (actions: { gapMs: number }[]) => new Set(actions.map((a) => a.gapMs));
    expect(samples.some((s) => s.length > 3 && gapsOf(s).size === 1)).toBe(true);
    expect(samples.some((s) => s.length > 3 && gapsOf(s).has(0) && gapsOf(s).size === 2)).toBe(true);
  });

  it('unsubscribes name a subscription their client made earlier in the run', () => {
    const samples = fc.sample(feedsActions({ seed: 5, maxActions: 30 }, { unsubscribe: 3 }), {
      seed: 5,
      numRuns: 60,
    });
    let named = 0;
    for (const actions of samples) {
      const made = new Map<string, string>();
      for (const action of actions) {
        if (action.kind === 'subscribe') made.set(action.tag, action.client);
        if (action.kind === 'unsubscribe' && made.has(action.tag)) {
          expect(made.get(action.tag)).toBe(action.client);
          named++;
        }
      }
    }
    expect(named).toBeGreaterThan(0);
  });
});

describe('validateFeedsAction', () => {
  it.each([
    [{ kind: 'dance', client: 'alice', gapMs: 0 }, 'kind'],
    [{ kind: 'subscribe', client: 'alice', gapMs: -1, channel: 'newHeads', tag: 's' }, 'gapMs'],
    [{ kind: 'subscribe', client: 'operator', gapMs: 0, channel: 'newHeads', tag: 's' }, 'client'],
    [{ kind: 'subscribe', client: 'alice', gapMs: 0, channel: 'pendingTx', tag: 's' }, 'channel'],
    [{ kind: 'eth_getBlockByNumber', client: 'bob', gapMs: 0, block: -3 }, 'block'],
    [{ kind: 'eth_getLogs', client: 'bob', gapMs: 0 }, 'filter'],
    [{ kind: 'upstream', client: 'operator', gapMs: 0, control: { kind: 'explode' } }, 'control.kind'],
    [{ kind: 'fault', client: 'alice', gapMs: 0, fault: { type: 'frame', effect: 'melt' } }, 'fault'],
  ])('names the field of %j', (action, field) => {
    expect(validateFeedsAction(action)?.field).toBe(field);
  });
});

describe('the frame labels the fault records use', () => {
  it('name a head push by subscription and number, a log by its key, an answer by id', () => {
    const head = JSON.stringify({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: {
        subscription: '0xabc',
        result: { number: '0x1f', hash: '0x01', parentHash: '0x00', timestamp: '0x0' },
      },
    });
    const log = JSON.stringify({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: '0xabc', result: { blockHash: '0xbb', logIndex: '0x2', removed: false } },
    });
    expect(feedsFrameLabel(head)).toBe('sub:0xabc#31');
    expect(feedsFrameLabel(log)).toBe('sub:0xabc#log:0xbb:0x2');
    expect(feedsFrameLabel(JSON.stringify({ jsonrpc: '2.0', id: 7, result: '0x1' }))).toBe('response#7');
    expect(feedsFrameLabel('not json')).toBeUndefined();
  });
});
