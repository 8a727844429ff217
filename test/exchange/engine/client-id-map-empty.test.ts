import { describe, expect, it } from 'vitest';
import { ClientIdMap } from '../../../src/exchange/engine/client-id-map.ts';

/** Maps with no entry share one table until their first set (client-id-map.ts): it must never show. */
describe('ClientIdMap: the shared empty table', () => {
  it('an entry set in one map is in no other, before or after a clear', () => {
    const a = new ClientIdMap<number>();
    const b = new ClientIdMap<number>();
    expect(a.get('x')).toBeUndefined();
    expect(a.delete('x')).toBe(false);
    a.set('x', 1);
    expect(a.get('x')).toBe(1);
    expect(b.get('x')).toBeUndefined();
    expect(b.size).toBe(0);
    expect(new ClientIdMap<number>().has('x')).toBe(false);
    a.clear();
    expect(a.get('x')).toBeUndefined();
    expect(a.size).toBe(0);
    b.set('y', 2);
    expect(a.has('y')).toBe(false);
    a.set('x', 3);
    expect(a.get('x')).toBe(3);
    expect(b.get('x')).toBeUndefined();
  });

  it('grows past its first table from empty, as a map that was never shared would', () => {
    const map = new ClientIdMap<number>();
    for (let i = 0; i < 100; i++) map.set(`c${i}`, i);
    for (let i = 0; i < 100; i += 2) expect(map.delete(`c${i}`)).toBe(true);
    expect(map.size).toBe(50);
    for (let i = 0; i < 100; i++) expect(map.get(`c${i}`)).toBe(i % 2 === 0 ? undefined : i);
    expect(new ClientIdMap<number>().size).toBe(0);
    expect(new ClientIdMap<number>().get('c1')).toBeUndefined();
  });
});
