import type { Reply } from '../model/client.ts';
import type { RecordedEvent, RunEvidence } from '../model/evidence.ts';

/** How one request ended, reduced to what two correct targets must agree on. */
export interface NormalizedReply {
  /** `ok`, `fail <code>` or `info` (no answer: timed out, connection lost). */
  outcome: string;
  /** For `ok`: the result, volatile parts dropped and ids renamed. */
  result?: unknown;
  /** The canonical text the two sides are compared by. */
  key: string;
}

/** One event of a client's stream, reduced likewise. */
export interface NormalizedEvent {
  /** Its place in the stream, counted from where the stream stood when the run began (1, 2…). */
  seq: number;
  /**
   * The step that caused it: as the target said (through txn), or else the last step sent
   * before it arrived; -1 before the first step. Orders divergences by cause.
   */
  step: number;
  event: unknown;
  key: string;
}

export interface StreamTimeline {
  client: string;
  stream: string;
  events: NormalizedEvent[];
}

/** What two correct targets must agree on after the same inputs in the same order. */
export interface NormalizedTimeline {
  /** By step. */
  replies: NormalizedReply[];
  /** Each client's streams, sorted by client then stream. */
  streams: StreamTimeline[];
  /** The final state, when the target gave one and the options compare it. */
  snapshot?: { value: unknown; key: string };
}

/** What the domain pack says about its own data; the core knows none of it. */
export interface NormalizeOptions {
  /** Streams a client makes itself (connection state): its view of the transport, not the target's output. */
  isSessionStream(stream: string): boolean;
  /** The part of an `ok` result that must match (drop what legitimately differs). */
  normalizeResult?(result: unknown): unknown;
  /** The part of an event payload that must match. */
  normalizeEvent?(event: unknown): unknown;
  /** The part of the final snapshot that must match; without it snapshots are not compared. */
  normalizeSnapshot?(snapshot: unknown): unknown;
  /**
   * Ids a target numbers on its own (`O123`, `T45`): a long-lived venue goes on counting
   * across runs. Each string value matching it entirely is renamed `<prefix>#<n>` by order of
   * first appearance (step by step), per non-digit prefix, so only the pattern of ids must match.
   */
  volatileIds?: RegExp;
}

interface Pending {
  step: number;
  /** Replies before events of the same step; then client, stream, seq. */
  rank: 0 | 1;
  order: string;
  seq: number;
  name(rename: (value: unknown) => unknown): void;
}

/**
 * A run reduced to what must be equal on two correct targets: reply outcomes by step, each
 * client's streams as seq-ordered payloads, and the final state. Times, capture order across
 * clients and txn numbers are dropped (they differ by transport); an event delivered twice
 * (a resume) counts once, by its seq.
 */
export function normalizeTimeline(evidence: RunEvidence, options: NormalizeOptions): NormalizedTimeline {
  const pending: Pending[] = [];
  const replies: NormalizedReply[] = evidence.history.map((op, step) => {
    const reply = { outcome: outcomeOf(op.reply), key: '' } as NormalizedReply;
    const result = op.reply?.status === 'ok' ? op.reply.result : undefined;
    pending.push({
      step,
      rank: 0,
      order: '',
      seq: 0,
      name: (rename) => {
        if (reply.outcome === 'ok') {
          reply.result = rename(options.normalizeResult ? options.normalizeResult(result) : result);
          reply.key = `ok ${canonicalJson(reply.result)}`;
        } else reply.key = reply.outcome;
      },
    });
    return reply;
  });

  const stepOf = stepFinder(evidence);
  const byStream = new Map<string, { client: string; stream: string; bySeq: Map<number, RecordedEvent> }>();
  for (const rec of evidence.events) {
    if (options.isSessionStream(rec.stream)) continue;
    const id = JSON.stringify([rec.client, rec.stream]);
    let entry = byStream.get(id);
    if (!entry) {
      entry = { client: rec.client, stream: rec.stream, bySeq: new Map() };
      byStream.set(id, entry);
    }
    if (!entry.bySeq.has(rec.seq)) entry.bySeq.set(rec.seq, rec);
  }
  const streams: StreamTimeline[] = [...byStream.values()]
    .sort((a, b) => compareText(a.client, b.client) || compareText(a.stream, b.stream))
    .map(({ client, stream, bySeq }) => {
      const ordered = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
      // Seqs count from where the stream stood when the run began (a shared venue goes on
      // counting): what must match is each event's place in the run.
      const first = ordered[0]?.seq ?? 1;
      const order = `${client}\u0000${stream}`;
      const events = ordered.map((rec) => {
        const normalized: NormalizedEvent = {
          seq: rec.seq - first + 1,
          step: stepOf(rec),
          event: undefined,
          key: '',
        };
        pending.push({
          step: normalized.step,
          rank: 1,
          order,
          seq: normalized.seq,
          name: (rename) => {
            normalized.event = rename(options.normalizeEvent ? options.normalizeEvent(rec.event) : rec.event);
            normalized.key = canonicalJson(normalized.event);
          },
        });
        return normalized;
      });
      return { client, stream, events };
    });

  // Ids are named in the order the run made them (step by step), so a difference at one step
  // cannot rename, and so disguise as different, the ids of an earlier one.
  const rename = idRenamer(options.volatileIds);
  pending.sort(
    (a, b) => a.step - b.step || a.rank - b.rank || compareText(a.order, b.order) || a.seq - b.seq,
  );
  for (const item of pending) item.name(rename);

  const timeline: NormalizedTimeline = { replies, streams };
  if (options.normalizeSnapshot && evidence.snapshot !== undefined && evidence.snapshot !== null) {
    const value = rename(options.normalizeSnapshot(evidence.snapshot));
    timeline.snapshot = { value, key: canonicalJson(value) };
  }
  return timeline;
}

function outcomeOf(reply: Reply | undefined): string {
  if (!reply || reply.status === 'info') return 'info';
  return reply.status === 'fail' ? `fail ${reply.code}` : 'ok';
}

/**
 * The step an event belongs to: the one the target attributed it to, or else the last step
 * sent before it arrived (in lockstep nothing else is in flight).
 */
function stepFinder(evidence: RunEvidence): (rec: RecordedEvent) => number {
  const invoked = evidence.history.map((op) => op.invokedAt);
  return (rec) => {
    if (rec.step !== undefined) return rec.step;
    let step = -1;
    for (let i = 0; i < invoked.length; i++) if ((invoked[i] as number) < rec.time) step = i;
    return step;
  };
}

/** Renames the values the pattern matches; also puts object keys in one order. */
function idRenamer(pattern: RegExp | undefined): (value: unknown) => unknown {
  const whole = pattern
    ? new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''))
    : undefined;
  const names = new Map<string, string>();
  const counts = new Map<string, number>();
  const rename = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!whole?.test(value)) return value;
      let name = names.get(value);
      if (name === undefined) {
        const prefix = /^\D*/.exec(value)?.[0] ?? '';
        const n = (counts.get(prefix) ?? 0) + 1;
        counts.set(prefix, n);
        name = `${prefix}#${n}`;
        names.set(value, name);
      }
      return name;
    }
    if (Array.isArray(value)) return value.map(rename);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareText))
      out[key] = rename((value as Record<string, unknown>)[key]);
    return out;
  };
  return rename;
}

/** JSON with object keys sorted: two targets may write the same object in another key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareText(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
