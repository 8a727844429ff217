import { faultProblem } from '../faults/fault-problem.ts';
import type { DomainPack } from '../model/domain-pack.ts';
import type { RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';
import { ShakedownError } from '../shakedown-error.ts';
import { describeValue } from './field-checks.ts';
import {
  type AdapterRecord,
  orderRecordedEvent,
  REPLAY_FORMAT,
  REPLAY_VERSIONS,
  type ReplayFile,
  type ReplayVersion,
} from './replay-file.ts';

const FIELDS: readonly (keyof ReplayFile)[] = [
  'format',
  'version',
  'tool',
  'domain',
  'property',
  'target',
  'adapter',
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
 * What a domain checks in a file it is asked to replay (a DomainPack fits): its name, the
 * schema of its actions and the planted bugs it knows. The core knows none of them itself.
 */
export type ReplayDomain = Pick<DomainPack, 'name' | 'validateAction' | 'plantedBugs'>;

/**
 * Reads the text of a replay file. Every problem becomes one line naming the file and the
 * offending field by its JSON path (`events[3].seq must be a number, got "3"`), exit 2: a
 * replay that is not exactly what was recorded would prove nothing. Given the domain, its
 * actions and planted bugs are checked too (`actions[3].kind: unknown action kind "bogus"`).
 */
export function parseReplayFile(text: string, source: string, domain?: ReplayDomain): ReplayFile {
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
  const read = v.integer(raw.version, 'version');
  if (!(REPLAY_VERSIONS as readonly number[]).includes(read)) {
    throw invalid(
      source,
      `unsupported version ${read}; this shakedown reads versions ${REPLAY_VERSIONS.join(' and ')}`,
      'version',
    );
  }
  const version = read as ReplayVersion;
  for (const key of Object.keys(raw)) {
    // `adapter` came with version 2.
    if (!(FIELDS as readonly string[]).includes(key) || (key === 'adapter' && version < 2))
      v.fail(key, `is not a field of version ${version}`);
  }

  // Checked in the order the fields are written, so the first bad field is the one named.
  const tool = v.nonEmptyString(raw.tool, 'tool');
  const domainField = domainName(v, raw.domain, domain);
  const property = v.nonEmptyString(raw.property, 'property');
  const target = v.nonEmptyString(raw.target, 'target');
  const adapter = version >= 2 ? adapterRecord(v, raw.adapter) : undefined;
  const seed = v.integer(raw.seed, 'seed');
  const runIndex = v.count(raw.runIndex, 'runIndex');
  const path = v.string(raw.path, 'path');
  const bugs = v.array(raw.bugs, 'bugs').map((bug, i) => plantedBug(v, bug, `bugs[${i}]`, domain));
  const settings = v.object(raw.settings, 'settings');
  const maxActions = v.positiveInteger(settings.maxActions, 'settings.maxActions');
  const replay: ReplayFile = {
    format: REPLAY_FORMAT,
    version,
    tool,
    domain: domainField,
    property,
    target,
    ...(adapter === undefined ? {} : { adapter }),
    seed,
    runIndex,
    path,
    bugs,
    settings,
    actions: checkedActions(v, raw.actions, maxActions, domain),
    events: recordedEvents(v, raw.events),
    violations: v
      .array(raw.violations, 'violations')
      .map((item, i) => violation(v, item, `violations[${i}]`)),
    verdict: v.oneOf(raw.verdict, 'verdict', ['fail', 'unknown', 'hang'] as const),
    evidence: savedEvidence(v, raw.evidence),
    createdAt: v.isoTime(raw.createdAt, 'createdAt'),
    durationMs: v.nonNegative(raw.durationMs, 'durationMs'),
  };
  // Steps name actions of this very file: one past its end is a file that contradicts itself.
  const steps = replay.actions.length;
  replay.events.forEach((event, i) => {
    if (event.step !== undefined && event.step >= steps)
      v.fail(`events[${i}].step`, `is ${event.step}, but the file has ${steps} action(s)`);
  });
  replay.evidence.history.forEach((op, i) => {
    if (op.step >= steps)
      v.fail(`evidence.history[${i}].step`, `is ${op.step}, but the file has ${steps} action(s)`);
  });
  return replay;
}

/** Version 2's `adapter`: null, or the module's path (relative to the file) and its options. */
function adapterRecord(v: FieldChecker, raw: unknown): AdapterRecord | null {
  if (raw === null) return null;
  if (raw === undefined) v.fail('adapter', 'is missing (null when the target is not an adapter module)');
  const fields = v.object(raw, 'adapter');
  for (const key of Object.keys(fields))
    if (key !== 'path' && key !== 'options') v.fail(`adapter.${key}`, 'is not a field of adapter');
  if (!('options' in fields)) v.fail('adapter.options', 'is missing (null when the module has no options())');
  return { path: v.nonEmptyString(fields.path, 'adapter.path'), options: fields.options };
}

function domainName(v: FieldChecker, raw: unknown, domain: ReplayDomain | undefined): string {
  const name = v.nonEmptyString(raw, 'domain');
  if (domain !== undefined && name !== domain.name)
    v.fail('domain', `is ${show(name)}; this shakedown replays ${show(domain.name)} files`);
  return name;
}

/** A bug the domain's reference target can be built with: an unknown one would be left out silently. */
function plantedBug(v: FieldChecker, raw: unknown, path: string, domain: ReplayDomain | undefined): string {
  const bug = v.nonEmptyString(raw, path);
  const known = domain?.plantedBugs;
  if (known !== undefined && !known.includes(bug)) {
    v.failWith(path, `unknown planted bug ${show(bug)}; known: ${known.join(', ') || 'none'}`);
  }
  return bug;
}

/**
 * The actions, no more than the file's own settings.maxActions (a file holding more was not
 * written by a run with those settings, and would run for as long as its length), each checked
 * for what the core knows of an action (kind, client, gapMs; a fault's parameters) and then
 * against the domain's schema, so that a broken action is named here instead of crashing the run.
 */
function checkedActions(
  v: FieldChecker,
  raw: unknown,
  maxActions: number,
  domain: ReplayDomain | undefined,
): unknown[] {
  const actions = v.array(raw, 'actions');
  if (actions.length > maxActions)
    v.fail('actions', `holds ${actions.length} actions, more than settings.maxActions (${maxActions})`);
  actions.forEach((action, i) => {
    const path = `actions[${i}]`;
    const fields = v.object(action, path);
    v.nonEmptyString(fields.kind, `${path}.kind`);
    v.nonEmptyString(fields.client, `${path}.client`);
    v.nonNegative(fields.gapMs, `${path}.gapMs`);
    // Faults are acted on by the tool itself, so a broken one is refused here, by name.
    if (fields.kind === 'fault') {
      const problem = faultProblem(fields.fault);
      if (problem !== undefined) v.failWith(`${path}.fault`, problem);
    }
    const problem = domain?.validateAction?.(action);
    if (problem !== undefined)
      v.failWith(problem.field === '' ? path : `${path}.${problem.field}`, problem.problem);
  });
  return actions;
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

  /** `path: problem`, for a problem worded on its own (a domain's, a fault's). */
  failWith(path: string, problem: string): never {
    throw invalid(this.source, `${path}: ${problem}`, path);
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
const show = describeValue;

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}
