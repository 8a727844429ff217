import { faultProblem } from '../faults/fault-problem.ts';
import type { RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';
import { ShakedownError } from '../shakedown-error.ts';
import { orderRecordedEvent, REPLAY_FORMAT, REPLAY_VERSION, type ReplayFile } from './replay-file.ts';

const FIELDS: readonly (keyof ReplayFile)[] = [
  'format',
  'version',
  'tool',
  'domain',
  'property',
  'target',
  'seed',
  'runIndex',
  'path',
  'bugs',
  'settings',
  'actions',
  'events',
  'violations',
  'verdict',
  'evidence',
  'createdAt',
  'durationMs',
];

type Fields = Record<string, unknown>;

/**
 * Reads the text of a replay file. Every problem becomes one line naming the file and the
 * offending field by its JSON path (`events[3].seq must be a number, got "3"`), exit 2: a
 * replay that is not exactly what was recorded would prove nothing.
 */
export function parseReplayFile(text: string, source: string): ReplayFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(source, `not JSON (${oneLine(error)})`, '');
  }
  const v = new FieldChecker(source);
  if (!isObject(raw))
    throw invalid(source, `not a shakedown replay file (expected an object, got ${show(raw)})`, '');
  if (raw.format !== REPLAY_FORMAT) {
    const got = raw.format === undefined ? 'format is missing' : `format is ${show(raw.format)}`;
    throw invalid(source, `not a shakedown replay file (${got}, expected "${REPLAY_FORMAT}")`, 'format');
  }
  const version = v.integer(raw.version, 'version');
  if (version !== REPLAY_VERSION) {
    throw invalid(
      source,
      `unsupported version ${version}; this shakedown reads version ${REPLAY_VERSION}`,
      'version',
    );
  }
  for (const key of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(key))
      v.fail(key, `is not a field of version ${REPLAY_VERSION}`);
  }

  const replay: ReplayFile = {
    format: REPLAY_FORMAT,
    version: REPLAY_VERSION,
    tool: v.nonEmptyString(raw.tool, 'tool'),
    domain: v.nonEmptyString(raw.domain, 'domain'),
    property: v.nonEmptyString(raw.property, 'property'),
    target: v.nonEmptyString(raw.target, 'target'),
    seed: v.integer(raw.seed, 'seed'),
    runIndex: v.count(raw.runIndex, 'runIndex'),
    path: v.string(raw.path, 'path'),
    bugs: v.array(raw.bugs, 'bugs').map((bug, i) => v.nonEmptyString(bug, `bugs[${i}]`)),
    settings: v.object(raw.settings, 'settings'),
    actions: v.array(raw.actions, 'actions').map((action, i) => {
      // Faults are acted on by the tool itself, so a broken one is refused here, by name.
      if (isObject(action) && action.kind === 'fault') {
        const problem = faultProblem(action.fault);
        if (problem !== undefined)
          throw invalid(source, `actions[${i}].fault: ${problem}`, `actions[${i}].fault`);
      }
      return action;
    }),
    events: recordedEvents(v, raw.events),
    violations: v
      .array(raw.violations, 'violations')
      .map((item, i) => violation(v, item, `violations[${i}]`)),
    verdict: v.oneOf(raw.verdict, 'verdict', ['fail', 'unknown'] as const),
    evidence: savedEvidence(v, raw.evidence),
    createdAt: v.isoTime(raw.createdAt, 'createdAt'),
    durationMs: v.nonNegative(raw.durationMs, 'durationMs'),
  };
  return replay;
}

/** The saved evidence: operations (each with a step, client and invoke time), a snapshot and extra data. */
function savedEvidence(v: FieldChecker, raw: unknown): ReplayFile['evidence'] {
  const evidence = v.object(raw, 'evidence');
  const history = v.array(evidence.history, 'evidence.history').map((item, i) => {
    const op = v.object(item, `evidence.history[${i}]`);
    v.count(op.step, `evidence.history[${i}].step`);
    v.nonEmptyString(op.client, `evidence.history[${i}].client`);
    v.nonNegative(op.invokedAt, `evidence.history[${i}].invokedAt`);
    return op as unknown as ReplayFile['evidence']['history'][number];
  });
  if (!('snapshot' in evidence)) v.fail('evidence.snapshot', 'is missing');
  return { history, snapshot: evidence.snapshot, extra: v.object(evidence.extra, 'evidence.extra') };
}

/**
 * Checks one recorded event. `path` prefixes field names in messages (`events[3]`, or ''
 * for a line of an NDJSON event record, where `source` already says which line).
 */
export function parseRecordedEvent(raw: unknown, source: string, path: string): RecordedEvent {
  return checkRecordedEvent(new FieldChecker(source), raw, path);
}

function recordedEvents(v: FieldChecker, raw: unknown): RecordedEvent[] {
  const events = v.array(raw, 'events').map((item, i) => checkRecordedEvent(v, item, `events[${i}]`));
  // Ordered replay folds in gseq order; a file whose events are not in it was edited or mixed.
  for (let i = 1; i < events.length; i++) {
    if (events[i].gseq <= events[i - 1].gseq) {
      v.fail(`events[${i}].gseq`, `must be greater than events[${i - 1}].gseq (${events[i - 1].gseq})`);
    }
  }
  return events;
}

function checkRecordedEvent(v: FieldChecker, raw: unknown, path: string): RecordedEvent {
  const fields = v.object(raw, path);
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  const event: RecordedEvent = {
    gseq: v.positiveInteger(fields.gseq, at('gseq')),
    client: v.nonEmptyString(fields.client, at('client')),
    stream: v.nonEmptyString(fields.stream, at('stream')),
    seq: v.number(fields.seq, at('seq')),
    time: v.number(fields.time, at('time')),
    event: v.object(fields.event, at('event')),
  };
  if (fields.txn !== undefined) event.txn = v.number(fields.txn, at('txn'));
  if (fields.step !== undefined) event.step = v.count(fields.step, at('step'));
  return orderRecordedEvent(event);
}

function violation(v: FieldChecker, raw: unknown, path: string): Violation {
  const fields = v.object(raw, path);
  const integers = (key: string): number[] =>
    v.array(fields[key], `${path}.${key}`).map((n, i) => v.integer(n, `${path}.${key}[${i}]`));
  return {
    invariant: v.nonEmptyString(fields.invariant, `${path}.invariant`),
    message: v.string(fields.message, `${path}.message`),
    steps: integers('steps'),
    events: integers('events'),
  };
}

/** Type checks that fail with the field's path; every method returns the checked value. */
class FieldChecker {
  constructor(private readonly source: string) {}

  fail(path: string, what: string): never {
    throw invalid(this.source, path === '' ? what : `${path} ${what}`, path);
  }

  private present(value: unknown, path: string): void {
    if (value === undefined) this.fail(path, 'is missing');
  }

  object(value: unknown, path: string): Fields {
    this.present(value, path);
    if (!isObject(value)) this.fail(path, `must be an object, got ${show(value)}`);
    return value;
  }

  array(value: unknown, path: string): unknown[] {
    this.present(value, path);
    if (!Array.isArray(value)) this.fail(path, `must be an array, got ${show(value)}`);
    return value;
  }

  string(value: unknown, path: string): string {
    this.present(value, path);
    if (typeof value !== 'string') this.fail(path, `must be a string, got ${show(value)}`);
    return value;
  }

  nonEmptyString(value: unknown, path: string): string {
    const s = this.string(value, path);
    if (s === '') this.fail(path, 'must not be empty');
    return s;
  }

  number(value: unknown, path: string): number {
    this.present(value, path);
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.fail(path, `must be a number, got ${show(value)}`);
    return value;
  }

  integer(value: unknown, path: string): number {
    this.present(value, path);
    if (!Number.isSafeInteger(value)) this.fail(path, `must be an integer, got ${show(value)}`);
    return value as number;
  }

  /** 0, 1, 2... */
  count(value: unknown, path: string): number {
    const n = this.integer(value, path);
    if (n < 0) this.fail(path, `must be 0 or more, got ${n}`);
    return n;
  }

  positiveInteger(value: unknown, path: string): number {
    const n = this.integer(value, path);
    if (n < 1) this.fail(path, `must be 1 or more, got ${n}`);
    return n;
  }

  nonNegative(value: unknown, path: string): number {
    const n = this.number(value, path);
    if (n < 0) this.fail(path, `must be 0 or more, got ${n}`);
    return n;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    this.present(value, path);
    if (!allowed.includes(value as T)) {
      this.fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(value)}`);
    }
    return value as T;
  }

  isoTime(value: unknown, path: string): string {
    const s = this.string(value, path);
    if (!ISO_TIME.test(s) || Number.isNaN(Date.parse(s))) {
      this.fail(path, `must be an ISO 8601 date-time, got ${show(value)}`);
    }
    return s;
  }
}

/** What Date.prototype.toISOString writes, with optional fraction and any UTC offset. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function invalid(source: string, message: string, field: string): ShakedownError {
  return new ShakedownError('SHK_REPLAY_INVALID', `${source}: ${message}`, {
    exitCode: 2,
    context: { file: source, field },
  });
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a bad value for a one-line message. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}
