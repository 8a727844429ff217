import { describe, expect, it } from 'vitest';
import { needsPreflight } from '../../../../src/domains/trading/preflight/needs-preflight.ts';

describe('needsPreflight', () => {
  it('is true for venues shakedown did not start: a URL or an adapter module', () => {
    expect(needsPreflight({ kind: 'url', url: 'ws://127.0.0.1:9000' })).toBe(true);
    expect(needsPreflight({ kind: 'module', path: './my-target.ts' })).toBe(true);
  });

  it('is false for the venues a run starts for itself', () => {
    expect(needsPreflight({ kind: 'inproc' })).toBe(false);
    expect(needsPreflight({ kind: 'embedded-ws' })).toBe(false);
  });
});
