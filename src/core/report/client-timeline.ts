import { type FaultRecord, faultRecordsOf } from '../faults/fault-record.ts';
import type { Operation, RecordedEvent } from '../model/evidence.ts';
import type { Violation } from '../model/invariant.ts';
import type { ReplayFile } from '../replay/replay-file.ts';
import type { DomainTimelineNote } from './domain-measures.ts';

/**
 * The participant process and clock faults are recorded under (the system under test itself),
 * and the far end of every request and event in the diagrams.
 */
export const TARGET_PARTICIPANT = 'venue';

interface EntryBase {
  /** The run's clock (virtual ms in process, wall-clock ms over a network). */
  time: number;
  /** Milliseconds since the first entry of the run: what the reports print. */
  offsetMs: number;
  client: string;
  /** One short line saying what happened. */
  text: string;
  /** More detail, for tooltips and tables (a reply's message, a fault's lost frames). */
  detail?: string;
  /** Named by a violation: its step or its gseq is among the violation's. */
  involved: boolean;
}

export interface ActionEntry extends EntryBase {
  kind: 'action';
  step: number;
}

export interface ReplyEntry extends EntryBase {
  kind: 'reply';
  step: number;
  outcome: 'ok' | 'fail' | 'info';
  /** The refusal code of a `fail`. */
  code?: string;
  latencyMs: number;
}

export interface EventEntry extends EntryBase {
  kind: 'event';
  gseq: number;
  stream: string;
  seq: number;
  /** The step that caused it, when known. */
  step?: number;
}

export interface FaultEntry extends EntryBase {
  kind: 'fault';
  /** The fault action that armed it. */
  step: number;
  faultKind: string;
  hits: number;
  /** How long the fault lasted when it says so (`downMs`), for drawing it as a band. */
  durationMs?: number;
}

/**
 * Something the system itself did, on a lane of the domain's choosing (an upstream killed, a
 * feed failing over, a breaker opening): what the domain pack's `report.timeline` read from
 * the run's evidence. Never named by a violation's steps or events.
 */
export interface NoteEntry extends EntryBase {
  kind: 'note';
  /** Caused by no step of the run. */
  step?: undefined;
}

export type TimelineEntry = ActionEntry | ReplyEntry | EventEntry | FaultEntry | NoteEntry;
export type TimelineEntryKind = TimelineEntry['kind'];

/**
 * A violation, placed on the lane of the client whose state it is about: the owner of the
 * streams its events came on (`account:taker` is taker's, whoever observed it), else the client
 * of its steps, else (`by: 'observer'`) the client that received its first event.
 */
export interface ViolationMark {
  /** Its index among the replay's violations. */
  index: number;
  invariant: string;
  message: string;
  client: string;
  by: 'event' | 'step' | 'observer';
  /** Where it is drawn: at the last entry it names (the end of the run when it names none). */
  offsetMs: number;
  step?: number;
}

export interface ClientTimeline {
  /** Every client in the order it first shows up, the target last when a fault hit it. */
  clients: string[];
  /** Time-ordered; at one instant: actions, faults, events, replies, each by step or gseq. */
  entries: TimelineEntry[];
  /** The run's clock at offset 0. */
  origin: number;
  /** The last entry's offset. */
  spanMs: number;
  /** In process, on virtual time: many things share one instant, so steps say more than milliseconds. */
  virtualTime: boolean;
  /** Each violation on the lane of the client it concerns. */
  violations: ViolationMark[];
}

export interface TimelineDescribers {
  describeAction(action: unknown): string;
  describeEvent(event: unknown): string;
  /** The domain's own lanes (DomainPack.report.timeline): notes read off the run's evidence. */
  timelineNotes?(evidence: ReplayFile['evidence']): readonly DomainTimelineNote[];
}

/** An entry before the run's origin is known. */
type Unplaced<T = TimelineEntry> = T extends TimelineEntry ? Omit<T, 'offsetMs'> : never;

/** At one instant the request goes out first and its answer comes back last. */
const PHASE: Record<TimelineEntryKind, number> = { action: 0, fault: 1, note: 1, event: 2, reply: 3 };

/**
 * One failing run as what each client did and saw, merged on the run's clock: requests sent
 * (history), their replies, events received and faults fired. Pure, and the order is total,
 * so the same replay always draws the same diagram.
 */
export function buildClientTimeline(replay: ReplayFile, describe: TimelineDescribers): ClientTimeline {
  const steps = new Set<number>();
  const gseqs = new Set<number>();
  for (const violation of replay.violations) {
    for (const step of violation.steps) steps.add(step);
    for (const gseq of violation.events) gseqs.add(gseq);
  }
  const unordered: Unplaced[] = [];
  for (const op of replay.evidence.history) {
    // The history may keep a slim copy of the action; the replay's own action is the full one.
    const action = replay.actions[op.step] ?? op.action;
    unordered.push(actionEntry(op, describe.describeAction(action), steps.has(op.step)));
    if (op.completedAt !== undefined && op.reply) unordered.push(replyEntry(op, steps.has(op.step)));
  }
  for (const event of replay.events) {
    unordered.push(eventEntry(event, describe.describeEvent(event.event), gseqs.has(event.gseq)));
  }
  for (const record of faultRecordsOf(replay.evidence.extra)) {
    unordered.push(faultEntry(record, steps.has(record.step)));
  }
  for (const note of describe.timelineNotes?.(replay.evidence) ?? []) {
    unordered.push({
      kind: 'note',
      time: note.time,
      client: note.lane,
      text: note.text,
      ...(note.detail ? { detail: note.detail } : {}),
      involved: false,
    });
  }
  unordered.sort(compareEntries);
  const origin = unordered[0]?.time ?? 0;
  const entries = unordered.map((e) => ({ ...e, offsetMs: e.time - origin }) as TimelineEntry);
  const clients = clientsOf(entries);
  const spanMs = entries.reduce((max, e) => Math.max(max, e.offsetMs), 0);
  return {
    clients,
    entries,
    origin,
    spanMs,
    virtualTime: replay.evidence.extra?.virtualTime === true,
    violations: replay.violations.map((v, index) =>
      violationMark(v, index, replay, entries, clients, spanMs),
    ),
  };
}

/**
 * The client a stream belongs to: one whose name is a segment of the stream's name
 * (`account:taker`, `session:maker`), if any. A public stream (`book:BTC-USD`) has none.
 */
export function streamOwner(stream: string, clients: readonly string[]): string | undefined {
  const segments = stream.split(/[:/]/);
  return clients.find((c) => c !== TARGET_PARTICIPANT && segments.includes(c));
}

function violationMark(
  violation: Violation,
  index: number,
  replay: ReplayFile,
  entries: readonly TimelineEntry[],
  clients: readonly string[],
  spanMs: number,
): ViolationMark {
  const events = new Map(replay.events.map((e) => [e.gseq, e]));
  const named = violation.events.flatMap((gseq) => events.get(gseq) ?? []);
  const owners = named.flatMap((e) => streamOwner(e.stream, clients) ?? []);
  const stepClients = violation.steps.flatMap((step) => {
    const client =
      replay.evidence.history.find((op) => op.step === step)?.client ??
      (replay.actions[step] as { client?: unknown } | undefined)?.client;
    return typeof client === 'string' && clients.includes(client) ? [client] : [];
  });
  const [client, by] =
    owners.length > 0
      ? [mostFrequent(owners), 'event' as const]
      : stepClients.length > 0
        ? [mostFrequent(stepClients), 'step' as const]
        : [
            named.find((e) => clients.includes(e.client))?.client ?? clients[0] ?? TARGET_PARTICIPANT,
            'observer' as const,
          ];
  // Drawn where the last thing it names happened: entries are in time order.
  const steps = new Set(violation.steps);
  const gseqs = new Set(violation.events);
  const last = entries.findLast((e) =>
    e.kind === 'event' ? gseqs.has(e.gseq) : e.kind !== 'fault' && e.kind !== 'note' && steps.has(e.step),
  );
  return {
    index,
    invariant: violation.invariant,
    message: violation.message,
    client,
    by,
    offsetMs: last?.offsetMs ?? spanMs,
    ...(last?.step !== undefined ? { step: last.step } : {}),
  };
}

/** The most frequent value, the first seen on a tie. */
function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** The entries of one client, in timeline order. */
export function entriesOf(timeline: ClientTimeline, client: string): TimelineEntry[] {
  return timeline.entries.filter((e) => e.client === client);
}

function actionEntry(op: Operation, text: string, involved: boolean): Unplaced<ActionEntry> {
  return { kind: 'action', time: op.invokedAt, client: op.client, step: op.step, text, involved };
}

function replyEntry(op: Operation, involved: boolean): Unplaced<ReplyEntry> {
  const reply = op.reply!;
  const time = op.completedAt!;
  const base = { kind: 'reply' as const, time, client: op.client, step: op.step, involved };
  const latencyMs = time - op.invokedAt;
  if (reply.status === 'ok')
    return { ...base, outcome: 'ok', latencyMs, text: 'ok', ...resultDetail(reply.result) };
  if (reply.status === 'fail') {
    const retry = reply.retryAfterMs !== undefined ? ` (retry after ${reply.retryAfterMs}ms)` : '';
    return {
      ...base,
      outcome: 'fail',
      code: reply.code,
      latencyMs,
      text: `fail ${reply.code}`,
      detail: `${reply.message}${retry}`,
    };
  }
  return { ...base, outcome: 'info', latencyMs, text: 'info (no definite answer)', detail: reply.reason };
}

/** A small result is worth a look (an order id); a resync snapshot is not. */
function resultDetail(result: unknown): { detail?: string } {
  if (result === undefined || result === null) return {};
  const json = JSON.stringify(result);
  return json !== undefined && json.length <= 120 ? { detail: json } : {};
}

function eventEntry(event: RecordedEvent, text: string, involved: boolean): Unplaced<EventEntry> {
  return {
    kind: 'event',
    time: event.time,
    client: event.client,
    gseq: event.gseq,
    stream: event.stream,
    seq: event.seq,
    ...(event.step !== undefined ? { step: event.step } : {}),
    text,
    involved,
  };
}

function faultEntry(record: FaultRecord, involved: boolean): Unplaced<FaultEntry> {
  const details: string[] = [];
  if (record.detail) {
    for (const [key, value] of Object.entries(record.detail)) details.push(`${key}=${JSON.stringify(value)}`);
  }
  if (record.lost?.length) details.push(`lost ${record.lost.join(', ')}`);
  const downMs = record.detail?.downMs;
  return {
    kind: 'fault',
    time: record.time,
    client: record.client,
    step: record.step,
    faultKind: record.kind,
    hits: record.hits,
    ...(typeof downMs === 'number' && downMs > 0 ? { durationMs: downMs } : {}),
    text: `${record.kind} (${record.hits} ${record.hits === 1 ? 'hit' : 'hits'})`,
    ...(details.length ? { detail: details.join('; ') } : {}),
    involved,
  };
}

function compareEntries(a: Unplaced, b: Unplaced): number {
  return (
    a.time - b.time ||
    PHASE[a.kind] - PHASE[b.kind] ||
    orderWithinPhase(a) - orderWithinPhase(b) ||
    compareText(a.client, b.client) ||
    compareText(a.text, b.text)
  );
}

function orderWithinPhase(entry: Unplaced): number {
  return entry.kind === 'event' ? entry.gseq : entry.kind === 'note' ? 0 : entry.step;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function clientsOf(entries: readonly TimelineEntry[]): string[] {
  const clients: string[] = [];
  for (const entry of entries) {
    if (entry.client !== TARGET_PARTICIPANT && !clients.includes(entry.client)) clients.push(entry.client);
  }
  if (entries.some((e) => e.client === TARGET_PARTICIPANT)) clients.push(TARGET_PARTICIPANT);
  return clients;
}
