import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Operation, RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';

export const REPLAY_FORMAT = 'shakedown-replay';
/** The newest version; a file whose target is not an adapter module is still written as version 1. */
export const REPLAY_VERSION = 2;
/** Every version this shakedown reads. Version 2 adds `adapter`. */
export const REPLAY_VERSIONS: readonly ReplayVersion[] = [1, 2];
export type ReplayVersion = 1 | 2;

/**
 * A failure saved for later: enough to re-execute the shrunk run (seed, path, actions,
 * target, bugs, settings) and to replay it without any target (the recorded events).
 * Version 2 when the target is an adapter module (it has `adapter`), else version 1; any change
 * to the fields means a new version (see docs/replay-format.md).
 */
export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  version: ReplayVersion;
  /** Version of the shakedown that wrote it. */
  tool: string;
  domain: string;
  property: string;
  /** 'inproc', 'ws' (embedded server), the URL the run was pointed at, or a module path as typed. */
  target: string;
  /** Version 2: the adapter module, when `target` is one (null otherwise). */
  adapter?: AdapterRecord | null;
  seed: number;
  runIndex: number;
  /** fast-check's replay path of the shrunk counterexample. */
  path: string;
  bugs: string[];
  settings: Record<string, unknown>;
  /** The shrunk actions, as domain data. */
  actions: unknown[];
  /** Recorded during the final run of the shrunk actions, in gseq order. */
  events: RecordedEvent[];
  violations: Violation[];
  /** `hang`: the run never ended (its one violation, `run.hang`, names the last action sent). */
  verdict: 'fail' | 'unknown' | 'hang';
  /**
   * The rest of the final run's evidence, so `replay --events-only` can check every
   * invariant with no target: the operations with their replies, the target's final
   * snapshot and its extra evidence.
   */
  evidence: SavedEvidence;
  /** Wall clock (ISO 8601) when the file was written; not part of the failure's identity. */
  createdAt: string;
  /** Wall-clock duration of the campaign that found it; not part of the failure's identity. */
  durationMs: number;
}

/** An adapter module (`--target ./adapter.ts`) as a replay file records it. */
export interface AdapterRecord {
  /**
   * The module's path relative to the replay file's folder, with `/` separators, so the file
   * replays from any directory. In memory it may be absolute: writing makes it relative.
   */
  path: string;
  /** What the module's `options()` returned (JSON), passed back to its maker on replay; or null. */
  options: unknown;
}

export interface SavedEvidence {
  history: Operation[];
  snapshot: unknown;
  extra: Record<string, unknown>;
}

/** The fields that vary between two runs of the same seed; everything else is reproducible. */
export type ReplayClockFields = 'createdAt' | 'durationMs';

/**
 * The replay file as JSON text. Keys are written in one fixed order whatever order the
 * object was built in, so two runs of the same seed produce the same bytes (apart from the
 * clock fields). Actions, settings and event payloads are domain data and written as given.
 */
export function serializeReplayFile(replay: ReplayFile): string {
  return `${JSON.stringify(orderedReplay(replay, true), null, 2)}\n`;
}

/** The serialized file without its clock fields: what names a failure (see the file name). */
export function serializeReplayIdentity(replay: ReplayFile): string {
  return `${JSON.stringify(orderedReplay(replay, false), null, 2)}\n`;
}

function orderedReplay(replay: ReplayFile, withClock: boolean): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    format: replay.format,
    version: replay.version,
    tool: replay.tool,
    domain: replay.domain,
    property: replay.property,
    target: replay.target,
    ...(replay.version >= 2
      ? {
          adapter:
            replay.adapter === undefined || replay.adapter === null
              ? null
              : { path: replay.adapter.path, options: replay.adapter.options },
        }
      : {}),
    seed: replay.seed,
    runIndex: replay.runIndex,
    path: replay.path,
    bugs: replay.bugs,
    settings: replay.settings,
    actions: replay.actions,
    events: replay.events.map(orderRecordedEvent),
    violations: replay.violations.map(orderViolation),
    verdict: replay.verdict,
    evidence: {
      history: replay.evidence.history,
      snapshot: replay.evidence.snapshot,
      extra: replay.evidence.extra,
    },
  };
  if (withClock) {
    ordered.createdAt = replay.createdAt;
    ordered.durationMs = replay.durationMs;
  }
  return ordered;
}

/**
 * A recorded event with its envelope keys in the documented order. The sequencer sets `step`
 * after the fact, which would otherwise move that key to the end of some events only.
 */
export function orderRecordedEvent<E>(event: RecordedEvent<E>): RecordedEvent<E> {
  const ordered: RecordedEvent<E> = {
    gseq: event.gseq,
    client: event.client,
    stream: event.stream,
    seq: event.seq,
  } as RecordedEvent<E>;
  if (event.txn !== undefined) ordered.txn = event.txn;
  ordered.time = event.time;
  if (event.step !== undefined) ordered.step = event.step;
  ordered.event = event.event;
  return ordered;
}

function orderViolation(violation: Violation): Violation {
  return {
    invariant: violation.invariant,
    message: violation.message,
    steps: violation.steps,
    events: violation.events,
  };
}

/**
 * The replay as written into `dir`: an absolute adapter path becomes relative to that folder
 * (with `/` separators), so the file names its module from wherever it is read.
 */
export function placeReplayFile(replay: ReplayFile, dir: string): ReplayFile {
  const adapter = replay.adapter;
  if (adapter === undefined || adapter === null || !isAbsolute(adapter.path)) return replay;
  const path = relative(resolve(dir), adapter.path).split(sep).join('/');
  return { ...replay, adapter: { ...adapter, path } };
}
