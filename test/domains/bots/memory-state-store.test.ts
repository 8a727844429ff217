import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATE_CORRUPTIONS } from '../../../src/domains/bots/bot-action.ts';
import { MemoryStateStore } from '../../../src/domains/bots/memory-state-store.ts';

describe('MemoryStateStore', () => {
  it('keeps files by name, sorted', () => {
    const store = new MemoryStateStore();
    store.write('b.json', '2');
    store.write('a.json', '1');
    expect(store.list()).toEqual(['a.json', 'b.json']);
    expect(store.read('a.json')).toBe('1');
    store.remove('a.json');
    expect(store.read('a.json')).toBeUndefined();
  });

  it('damages a file that has something to damage, the same way for the same seed, until it is written again', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATE_CORRUPTIONS), fc.nat(), (kind, seed) => {
        const text = JSON.stringify({ v: 1, body: '{"position":0.01,"cash":200000}' });
        const one = new MemoryStateStore();
        const two = new MemoryStateStore();
        one.write('s.json', text);
        two.write('s.json', text);
        expect(one.corrupt(kind, seed)).toBe(true);
        two.corrupt(kind, seed);
        expect(one.read('s.json')).not.toBe(text);
        expect(one.read('s.json')).toBe(two.read('s.json'));
        expect(one.damaged).toBe(kind);
        one.write('s.json', text);
        expect(one.damaged).toBeNull();
      }),
    );
  });

  it('a flipped digit still parses: only a checksum tells', () => {
    const store = new MemoryStateStore();
    store.write('s.json', '{"qty":12345}');
    store.corrupt('flip_digit', 3);
    const after = JSON.parse(store.read('s.json') ?? '') as { qty: number };
    expect(after.qty).not.toBe(12345);
  });

  it('an empty store, or a file without digits to flip, is left as it is', () => {
    const store = new MemoryStateStore();
    expect(store.corrupt('garbage', 1)).toBe(false);
    store.write('s.json', '{}');
    expect(store.corrupt('flip_digit', 1)).toBe(false);
    expect(store.damaged).toBeNull();
  });
});
