import { describe, expect, it } from 'vitest';
import { createSubject } from '../../../examples/grid-bot/bot.ts';
import { executeRun } from '../../../src/core/runner/campaign.ts';
import type { BotAction } from '../../../src/domains/bots/bot-action.ts';
import { botsPack } from '../../../src/domains/bots/bots-pack.ts';
import { inprocSubjectFactory } from '../../../src/domains/bots/inproc-subject-factory.ts';
import type { SubjectFactory } from '../../../src/domains/bots/subject.ts';
import { emptySubjectState } from '../../../src/domains/bots/subject.ts';
import {
  capturedVenueEvents,
  describeConvergence,
  replayIntoFresh,
} from '../../../src/domains/bots/subject-convergence.ts';

/** A grid, the market filling both sides, a kill while more fills come, a restart. */
const RUN: BotAction[] = [
  {
    kind: 'intent',
    client: 'subject',
    gapMs: 0,
    intent: { type: 'set_grid', id: 'g', center: 20000, step: 25, levels: 2, qty: 0.01 },
  },
  {
    kind: 'market_place',
    client: 'market',
    gapMs: 30,
    account: 'taker',
    side: 'sell',
    price: 19975,
    qty: 0.01,
    tif: 'ioc',
    clientOrderId: 'm1',
  },
  {
    kind: 'market_place',
    client: 'market',
    gapMs: 30,
    account: 'maker',
    side: 'buy',
    price: 20025,
    qty: 0.005,
    tif: 'ioc',
    clientOrderId: 'm2',
  },
  { kind: 'restart', client: 'subject', gapMs: 20, downMs: 200 },
  {
    kind: 'market_place',
    client: 'market',
    gapMs: 10,
    account: 'taker',
    side: 'sell',
    price: 19950,
    qty: 0.01,
    tif: 'ioc',
    clientOrderId: 'm3',
  },
  {
    kind: 'intent',
    client: 'subject',
    gapMs: 400,
    intent: { type: 'enter', id: 'e', side: 'buy', qty: 0.007, price: 19900 },
  },
];

async function liveRun(subject: SubjectFactory) {
  const report = await executeRun(inprocSubjectFactory({ factory: subject }) as never, RUN, {
    clients: botsPack.clients,
    projection: botsPack.projection as never,
    invariants: botsPack.invariants as never,
    settings: { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 },
  });
  expect(report.verdict).toEqual({ status: 'pass' });
  return report.evidence;
}

describe('replay into a fresh subject', () => {
  it('the grid bot converges from the events it received, in order and in any shuffled order', async () => {
    const evidence = await liveRun(createSubject);
    expect(capturedVenueEvents(evidence.events).some((m) => m.event.type === 'fill')).toBe(true);
    const inOrder = replayIntoFresh(createSubject, evidence);
    expect(inOrder.status, describeConvergence(inOrder)).toBe('converged');
    expect(inOrder.events).toBeGreaterThan(10);
    for (const seed of [1, 2, 3, 4, 5]) {
      const shuffled = replayIntoFresh(createSubject, evidence, { shuffle: true, seed });
      expect(shuffled.status, describeConvergence(shuffled)).toBe('converged');
      expect(shuffled.order).toBe('shuffled');
    }
  });

  it('a subject whose belief depends on the order of its events diverges when shuffled, naming the field', async () => {
    // Takes the last balance it hears as its cash, whatever its seq: right in order, wrong shuffled.
    const lastHeard: SubjectFactory = (context) => {
      const inner = createSubject(context);
      let cash: number | null = null;
      return {
        ...inner,
        intent: (i) => inner.intent(i),
        state: () => ({ ...inner.state(), cash: context.replay ? cash : inner.state().cash }),
        stop: () => inner.stop(),
        settled: () => inner.settled?.() ?? true,
        consume: (message) => {
          inner.consume?.(message);
          if (message.event.type === 'balance') cash = message.event.cash;
        },
      };
    };
    const evidence = await liveRun(lastHeard);
    expect(replayIntoFresh(lastHeard, evidence).status).toBe('converged');
    const verdicts = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
      replayIntoFresh(lastHeard, evidence, { shuffle: true, seed }),
    );
    const diverged = verdicts.find((v) => v.status === 'diverged');
    expect(diverged, 'no shuffle moved a balance').toBeDefined();
    expect(diverged?.firstDifference?.path).toBe('cash');
    expect(describeConvergence(diverged!)).toMatch(/^diverged \(shuffled seed \d+, \d+ events\): cash is/);
  });

  it('a subject without consume cannot be replayed into, and says so', async () => {
    const evidence = await liveRun(createSubject);
    const noConsume: SubjectFactory = () => ({
      intent: () => ({ accepted: true }),
      state: () => emptySubjectState(),
      stop: () => undefined,
    });
    const verdict = replayIntoFresh(noConsume, evidence);
    expect(verdict.status).toBe('unsupported');
    expect(verdict.reason).toMatch(/consume/);
  });
});
