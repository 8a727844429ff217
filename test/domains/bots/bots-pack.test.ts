import { describe, expect, it } from 'vitest';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import { botsPack } from '../../../src/domains/bots/bots-pack.ts';

const options = { bugs: [], seed: 1 };

describe('the bots pack', () => {
  it('loads an in-process subject module into a virtual-time factory', async () => {
    const factory = await botsPack.targetFactory(
      { kind: 'module', path: 'examples/grid-bot/bot.ts' },
      options,
    );
    expect(factory.virtual).toBe(true);
    const target = await factory.create();
    expect(target.virtual).toBe(true);
    target.stop().subscribe();
  });

  it('hands a subject given as a command line to the process form, on the real clock', async () => {
    const factory = await botsPack.targetFactory(
      { kind: 'command', command: 'node examples/grid-bot/main.js' },
      options,
    );
    expect(factory.virtual ?? false).toBe(false);
  });

  it('refuses a target that is no subject, and a module that is none, as usage errors', async () => {
    for (const spec of [
      { kind: 'inproc' as const },
      { kind: 'module' as const, path: 'examples/grid-bot/no-such-bot.ts' },
      { kind: 'module' as const, path: 'examples/grid-bot/grid-state.ts' },
    ]) {
      const error = await botsPack.targetFactory(spec, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isShakedownError(error) && error.code).toBe('SHK_USAGE');
    }
  });

  it('lists every invariant each property names, and the grid bot bugs with theirs', () => {
    const names = new Set(botsPack.invariants.map((i) => i.name));
    for (const property of botsPack.properties)
      for (const name of property.invariants) expect(names).toContain(name);
    for (const bug of botsPack.bugs ?? []) expect(names).toContain(bug.invariant);
    for (const property of botsPack.properties) expect(botsPack.findProperty?.(property.name)).toBe(property);
  });

  it('validates actions read from a file', () => {
    const validate = botsPack.validateAction!;
    expect(
      validate({
        kind: 'intent',
        client: 'subject',
        gapMs: 0,
        intent: { type: 'enter', id: 'e', side: 'buy', qty: 1 },
      }),
    ).toBeUndefined();
    expect(
      validate({
        kind: 'intent',
        client: 'subject',
        gapMs: 0,
        intent: { type: 'enter', id: 'e', side: 'up', qty: 1 },
      })?.field,
    ).toBe('intent.side');
    expect(
      validate({ kind: 'restart', client: 'subject', gapMs: 0, downMs: 5, corrupt: 'melt' })?.field,
    ).toBe('corrupt');
    expect(validate({ kind: 'nope' })?.field).toBe('kind');
  });
});
