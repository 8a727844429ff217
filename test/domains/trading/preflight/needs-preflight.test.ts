import { describe, expect, it } from 'vitest';
import { needsPreflight, needsRunLock } from '../../../../src/domains/trading/preflight/needs-preflight.ts';

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

describe('needsRunLock', () => {
  it('locks only a venue at a URL, which others may share', () => {
    expect(needsRunLock({ kind: 'url', url: 'ws://127.0.0.1:9000' })).toBe(true);
  });

  it('does not lock an adapter module (its factory builds its own system) or the venues a run starts', () => {
    expect(needsRunLock({ kind: 'module', path: './my-target.ts' })).toBe(false);
    expect(needsRunLock({ kind: 'inproc' })).toBe(false);
    expect(needsRunLock({ kind: 'embedded-ws' })).toBe(false);
  });
});
