import { describe, expect, it } from 'vitest';
import { serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import { parseReplayFile } from '../../../src/core/replay/validate-replay-file.ts';
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
        raw.version = 2;
      }),
    );
    expect(error.message).toBe('fail.json: unsupported version 2; this shakedown reads version 1');
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
    ['verdict', 'pass', 'verdict must be one of "fail", "unknown", got "pass"'],
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
