import { describe, expect, it } from 'vitest';
import { serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import { parseReplayFile, type ReplayDomain } from '../../../src/core/replay/validate-replay-file.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';
import { sampleReplay } from './replay-fixture.ts';

function rejected(text: string): ShakedownError {
  try {
    parseReplayFile(text, 'fail.json');
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('expected SHK_REPLAY_INVALID, the file was accepted');
}

/** The sample as JSON with `edit` applied to the parsed object (so fields can be any type). */
function edited(
  edit: (raw: Record<string, unknown> & { events: Record<string, unknown>[] }) => void,
): string {
  const raw = JSON.parse(serializeReplayFile(sampleReplay()));
  edit(raw);
  return JSON.stringify(raw);
}

function expectMessage(text: string, message: string): void {
  const error = rejected(text);
  expect(error.code).toBe('SHK_REPLAY_INVALID');
  expect(error.exitCode).toBe(2);
  expect(error.message).toBe(`fail.json: ${message}`);
  expect(error.message).not.toContain('\n');
}

describe('parseReplayFile', () => {
  it('accepts what serializeReplayFile writes, unchanged', () => {
    expect(parseReplayFile(serializeReplayFile(sampleReplay()), 'ok.json')).toEqual(sampleReplay());
  });

  it('says when the text is not JSON, on one line', () => {
    const error = rejected('garbage {');
    expect(error.message).toMatch(/^fail\.json: not JSON \(.+\)$/);
    expect(error.message).not.toContain('\n');
    expect(error.exitCode).toBe(2);
  });

  it('refuses JSON that is not a replay file', () => {
    expectMessage('[]', 'not a shakedown replay file (expected an object, got an array)');
    expectMessage('{}', 'not a shakedown replay file (format is missing, expected "shakedown-replay")');
    expectMessage(
      edited((raw) => {
        raw.format = 'shakedown-report';
      }),
      'not a shakedown replay file (format is "shakedown-report", expected "shakedown-replay")',
    );
  });

  it('refuses other versions with one line naming both', () => {
    const error = rejected(
      edited((raw) => {
        raw.version = 3;
      }),
    );
    expect(error.message).toBe('fail.json: unsupported version 3; this shakedown reads versions 1 and 2');
    expect(error.context).toMatchObject({ field: 'version' });
    expectMessage(
      edited((raw) => {
        delete raw.version;
      }),
      'version is missing',
    );
    expectMessage(
      edited((raw) => {
        raw.version = '1';
      }),
      'version must be an integer, got "1"',
    );
  });

  it.each([
    ['actions', { x: 1 }, 'actions must be an array, got an object'],
    ['seed', 1.5, 'seed must be an integer, got 1.5'],
    ['seed', '42', 'seed must be an integer, got "42"'],
    ['runIndex', -1, 'runIndex must be 0 or more, got -1'],
    ['tool', '', 'tool must not be empty'],
    ['path', 3, 'path must be a string, got 3'],
    ['bugs', ['overfill', 7], 'bugs[1] must be a string, got 7'],
    ['settings', null, 'settings must be an object, got null'],
    ['verdict', 'pass', 'verdict must be one of "fail", "unknown", "hang", got "pass"'],
    ['createdAt', 'yesterday', 'createdAt must be an ISO 8601 date-time, got "yesterday"'],
    ['durationMs', -5, 'durationMs must be 0 or more, got -5'],
    [
      'violations',
      [{ invariant: 'x', message: 'm', steps: [1], events: ['3'] }],
      'violations[0].events[0] must be an integer, got "3"',
    ],
  ])('names the field: %s = %j', (field, value, message) => {
    expectMessage(
      edited((raw) => {
        raw[field] = value;
      }),
      message,
    );
  });

  it('names a missing field', () => {
    expectMessage(
      edited((raw) => {
        delete (raw as Record<string, unknown>).events;
      }),
      'events is missing',
    );
  });

  it('names what is wrong with a fault action, and keeps sound faults as they are', () => {
    const drop = { type: 'frame', effect: 'drop', direction: 'to_target', count: 1 };
    const withFault = (fault: unknown) =>
      edited((raw) => {
        raw.actions = [...(raw.actions as unknown[]), { kind: 'fault', client: 'maker', gapMs: 0, fault }];
      });
    const ok = parseReplayFile(withFault(drop), 'ok.json');
    expect(ok.actions.at(-1)).toEqual({ kind: 'fault', client: 'maker', gapMs: 0, fault: drop });
    const index = ok.actions.length - 1;
    expectMessage(
      withFault({ ...drop, effect: 'explode' }),
      `actions[${index}].fault: effect of a frame fault must be one of drop, delay, duplicate, reorder, truncate, garble, got "explode"`,
    );
  });

  it('names an unknown field', () => {
    expectMessage(
      edited((raw) => {
        raw.colour = 'red';
      }),
      'colour is not a field of version 1',
    );
  });

  it('checks every event deeply, naming its index', () => {
    expectMessage(
      edited((raw) => {
        raw.events[1].seq = '1';
      }),
      'events[1].seq must be a number, got "1"',
    );
    expectMessage(
      edited((raw) => {
        delete raw.events[2].client;
      }),
      'events[2].client is missing',
    );
    expectMessage(
      edited((raw) => {
        raw.events[0].event = 'fill';
      }),
      'events[0].event must be an object, got "fill"',
    );
    expectMessage(
      edited((raw) => {
        raw.events[0].time = null;
      }),
      'events[0].time must be a number, got null',
    );
    expectMessage(
      edited((raw) => {
        raw.events[2].step = 'one';
      }),
      'events[2].step must be an integer, got "one"',
    );
    expectMessage(
      edited((raw) => {
        (raw.events as unknown[])[1] = 5;
      }),
      'events[1] must be an object, got 5',
    );
  });

  it('requires events in increasing gseq order', () => {
    expectMessage(
      edited((raw) => {
        raw.events[2].gseq = 2;
      }),
      'events[2].gseq must be greater than events[1].gseq (2)',
    );
  });
});

describe('parseReplayFile: actions and what the file says of itself', () => {
  it('checks what the core knows of every action: an object with kind, client and gapMs', () => {
    const withAction = (action: unknown) =>
      edited((raw) => {
        (raw.actions as unknown[])[1] = action;
      });
    expectMessage(withAction('place'), 'actions[1] must be an object, got "place"');
    expectMessage(withAction({ client: 'taker', gapMs: 0 }), 'actions[1].kind is missing');
    expectMessage(withAction({ kind: 'place', gapMs: 0 }), 'actions[1].client is missing');
    expectMessage(
      withAction({ kind: 'place', client: 'taker', gapMs: -2 }),
      'actions[1].gapMs must be 0 or more, got -2',
    );
    expectMessage(
      withAction({ kind: 'place', client: 'taker', gapMs: '0' }),
      'actions[1].gapMs must be a number, got "0"',
    );
  });

  it('requires settings.maxActions and refuses more actions than it allows, before reading them', () => {
    expectMessage(
      edited((raw) => {
        delete (raw.settings as Record<string, unknown>).maxActions;
      }),
      'settings.maxActions is missing',
    );
    expectMessage(
      edited((raw) => {
        (raw.settings as Record<string, unknown>).maxActions = 0;
      }),
      'settings.maxActions must be 1 or more, got 0',
    );
    // 200 000 actions, every one of them broken: refused on the count alone.
    const error = rejected(
      edited((raw) => {
        (raw.settings as Record<string, unknown>).maxActions = 60;
        raw.actions = Array.from({ length: 200_000 }, () => 0);
      }),
    );
    expect(error.message).toBe('fail.json: actions holds 200000 actions, more than settings.maxActions (60)');
    expect(error.context).toMatchObject({ field: 'actions' });
  });

  it('refuses steps that name no action of the file', () => {
    expectMessage(
      edited((raw) => {
        raw.events[2].step = 2;
      }),
      'events[2].step is 2, but the file has 2 action(s)',
    );
    expectMessage(
      edited((raw) => {
        ((raw.evidence as Record<string, unknown>).history as Record<string, unknown>[])[1].step = 5;
      }),
      'evidence.history[1].step is 5, but the file has 2 action(s)',
    );
  });
});

describe('parseReplayFile with a domain', () => {
  /** A domain of its own, so the core is tested knowing nothing of trading. */
  const domain: ReplayDomain = {
    name: 'trading',
    plantedBugs: ['overfill', 'self_trade'],
    validateAction: (value) => {
      const action = value as Record<string, unknown>;
      if (action.kind !== 'place')
        return { field: 'kind', problem: `unknown action kind ${JSON.stringify(action.kind)}` };
      if (typeof action.qty !== 'number') return { field: 'qty', problem: 'is missing' };
      return undefined;
    },
  };
  const parse = (text: string) => parseReplayFile(text, 'fail.json', domain);
  const refusal = (text: string): ShakedownError => {
    try {
      parse(text);
    } catch (error) {
      if (isShakedownError(error)) return error;
      throw error;
    }
    throw new Error('expected SHK_REPLAY_INVALID, the file was accepted');
  };

  it('accepts a file the domain finds sound', () => {
    expect(parse(serializeReplayFile(sampleReplay()))).toEqual(sampleReplay());
  });

  it('names the step and the field of an action the domain refuses', () => {
    const error = refusal(
      edited((raw) => {
        (raw.actions as Record<string, unknown>[])[1].kind = 'bogus';
      }),
    );
    expect(error.message).toBe('fail.json: actions[1].kind: unknown action kind "bogus"');
    expect(error).toMatchObject({ code: 'SHK_REPLAY_INVALID', exitCode: 2 });
    expect(error.context).toMatchObject({ field: 'actions[1].kind' });
    expect(
      refusal(
        edited((raw) => {
          delete (raw.actions as Record<string, unknown>[])[0].qty;
        }),
      ).message,
    ).toBe('fail.json: actions[0].qty: is missing');
  });

  it('refuses a planted bug the domain does not know, listing the known ones', () => {
    const error = refusal(
      edited((raw) => {
        raw.bugs = ['overfill', 'foo'];
      }),
    );
    expect(error.message).toBe('fail.json: bugs[1]: unknown planted bug "foo"; known: overfill, self_trade');
    expect(error.context).toMatchObject({ field: 'bugs[1]' });
    // Without the domain, the core cannot tell.
    expect(() =>
      parseReplayFile(
        edited((raw) => {
          raw.bugs = ['foo'];
        }),
        'ok.json',
      ),
    ).not.toThrow();
  });

  it('refuses a file of another domain', () => {
    expect(
      refusal(
        edited((raw) => {
          raw.domain = 'payments';
        }),
      ).message,
    ).toBe('fail.json: domain is "payments"; this shakedown replays "trading" files');
  });
});
