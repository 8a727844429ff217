import type { Operation, RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';

export const REPLAY_FORMAT = 'shakedown-replay';
export const REPLAY_VERSION = 1;

/**
 * A failure saved for later: enough to re-execute the shrunk run (seed, path, actions,
 * target, bugs, settings) and to replay it without any target (the recorded events).
 * Version 1; any change to the fields means a new version (see docs/replay-format.md).
 */
export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  version: typeof REPLAY_VERSION;
  /** Version of the shakedown that wrote it. */
  tool: string;
  domain: string;
  property: string;
  /** 'inproc', 'ws' (embedded server) or the URL the run was pointed at. */
  target: string;
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
  verdict: 'fail' | 'unknown';
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
