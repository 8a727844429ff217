import { NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { emptyBelief } from '../../../examples/grid-bot/belief.ts';
import {
  createSubject,
  GRID_BOT_BUGS,
  GRID_BOT_INVARIANTS,
  plantedBugs,
} from '../../../examples/grid-bot/bot.ts';
import {
  checksum,
  decodeState,
  encodeState,
  type GridBotData,
  STATE_FILE,
} from '../../../examples/grid-bot/grid-state.ts';
import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';
import {
  BOT_ACCOUNT,
  botsExchangeConfig,
  DEFAULT_RISK_LIMITS,
  subjectInstrument,
} from '../../../src/domains/bots/bots-venue.ts';
import { GRID_BOT_BUG_INFO } from '../../../src/domains/bots/grid-bot-bugs.ts';
import { MemoryStateStore } from '../../../src/domains/bots/memory-state-store.ts';
import type { SubjectContext } from '../../../src/domains/bots/subject.ts';

const data: GridBotData = {
  grid: null,
  slots: [],
  intents: {},
  halted: null,
  marks: [[0, 20000]],
  seqs: {},
  belief: emptyBelief('bot'),
  drawn: 0,
};

function context(store: MemoryStateStore, bugs: string[] = []): SubjectContext {
  return {
    dial: () => NEVER,
    scheduler: new SortedVirtualTimeScheduler(),
    account: BOT_ACCOUNT,
    instrument: subjectInstrument(botsExchangeConfig()),
    risk: DEFAULT_RISK_LIMITS,
    store,
    env: {},
    bugs,
    seed: 1,
    boot: 1,
  };
}

describe('the grid bot', () => {
  it('declares the planted bugs the bots domain lists, each with the invariant that catches it', () => {
    expect([...GRID_BOT_BUGS].sort()).toEqual(GRID_BOT_BUG_INFO.map((b) => b.name).sort());
    expect(plantedBugs).toEqual(GRID_BOT_BUGS);
  });

  it('writes its state with a checksum and reads it back; a damaged file reads as corrupted', () => {
    const text = encodeState(data, true);
    expect(decodeState(text, true)).toEqual({ kind: 'ok', data });
    const parsed = JSON.parse(text) as { body: string; checksum: string };
    expect(parsed.checksum).toBe(checksum(parsed.body));
    expect(decodeState(text.replace('20000', '20001'), true).kind).toBe('corrupted');
    expect(decodeState(text.slice(0, 20), true).kind).toBe('corrupted');
    expect(decodeState(undefined, true).kind).toBe('none');
  });

  it('refuses to trade on a corrupted state file, and with state_without_checksum trusts it', () => {
    const store = new MemoryStateStore();
    store.write(STATE_FILE, encodeState(data, true));
    store.corrupt('flip_digit', 5);
    const careful = createSubject(context(store));
    expect(careful.state().halted).toBe(true);
    expect(careful.state().haltReason).toMatch(/^state_corrupted/);
    expect(careful.intent({ type: 'enter', id: 'e', side: 'buy', qty: 0.01, price: 19990 })).toEqual({
      accepted: false,
      reason: 'halted',
    });
    careful.stop();
    const plain = new MemoryStateStore();
    plain.write(STATE_FILE, encodeState(data, false));
    plain.corrupt('flip_digit', 5);
    const trusting = createSubject(context(plain, ['state_without_checksum']));
    expect(trusting.state().halted).toBe(false);
    trusting.stop();
  });

  it('its own invariants hold on an empty state and name what breaks them', () => {
    const state = { openOrders: {}, positions: {}, cash: -1, halted: false };
    const problems = GRID_BOT_INVARIANTS.flatMap((i) => i.check(state));
    expect(problems).toEqual(['cash -1 is negative']);
    const twoInOneSlot = {
      ...state,
      cash: 5,
      openOrders: {
        'g.s-1.0': {
          clientOrderId: 'g.s-1.0',
          symbol: 'X',
          side: 'buy' as const,
          price: 1,
          qty: 1,
          filledQty: 0,
        },
        'g.s-1.1': {
          clientOrderId: 'g.s-1.1',
          symbol: 'X',
          side: 'sell' as const,
          price: 2,
          qty: 1,
          filledQty: 0,
        },
      },
    };
    expect(GRID_BOT_INVARIANTS.flatMap((i) => i.check(twoInOneSlot))).toHaveLength(1);
  });
});
