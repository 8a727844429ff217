import type { Reply } from '../model/client.ts';
import type { RunEvidence } from '../model/evidence.ts';

/** What two correct targets must agree on after the same inputs in the same order. */
export interface NormalizedTimeline {
  /** Per step, the outcome of its request: `ok <result>`, `fail <code>` or `info`. */
  replies: string[];
  /** Per client and stream (`client stream`), its events by seq, payload only. */
  streams: Map<string, { seq: number; event: string }[]>;
}

export interface NormalizeOptions {
  /** Streams a client makes itself (connection state): not the target's output. */
  isSessionStream(stream: string): boolean;
  /** The part of an `ok` result that must match (drop what legitimately differs). */
  normalizeResult?(result: unknown): unknown;
  /**
   * Ids a target numbers on its own (`O123`, `T45`): a long-lived venue goes on counting
   * across runs. Each match is renamed by order of first appearance, per leading letter, so
   * only the pattern of ids must match.
   */
  volatileIds?: RegExp;
}

/**
 * A run reduced to what must be equal on two correct targets: reply outcomes by step, and each
 * client's streams as seq-ordered payloads. Times, capture order across clients and txn
 * numbers are dropped (they differ by transport); an event delivered twice (a resume) counts
 * once, by its seq.
 */
export function normalizeTimeline(evidence: RunEvidence, options: NormalizeOptions): NormalizedTimeline {
  const rename = idRenamer(options.volatileIds);
  const replies = evidence.history.map((op) => rename(describeOutcome(op.reply, options)));
  const streams = new Map<string, Map<number, string>>();
  for (const rec of evidence.events) {
    if (options.isSessionStream(rec.stream)) continue;
    const key = `${rec.client} ${rec.stream}`;
    let bySeq = streams.get(key);
    if (!bySeq) {
      bySeq = new Map();
      streams.set(key, bySeq);
    }
    if (!bySeq.has(rec.seq)) bySeq.set(rec.seq, JSON.stringify(rec.event));
  }
  const ordered = new Map<string, { seq: number; event: string }[]>();
  for (const key of [...streams.keys()].sort()) {
    const bySeq = [...(streams.get(key) as Map<number, string>).entries()].sort(([a], [b]) => a - b);
    // Seqs count from where the stream stood when the run began (a shared venue goes on
    // counting): what must match is each event's place in the run.
    const first = bySeq[0]?.[0] ?? 1;
    ordered.set(
      key,
      bySeq.map(([seq, event]) => ({ seq: seq - first + 1, event: rename(event) })),
    );
  }
  return { replies, streams: ordered };
}

function idRenamer(pattern: RegExp | undefined): (text: string) => string {
  if (!pattern) return (text) => text;
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const names = new Map<string, string>();
  const counts = new Map<string, number>();
  return (text) =>
    text.replace(global, (id) => {
      let name = names.get(id);
      if (name === undefined) {
        const kind = id.replace(/^\W+/, '').charAt(0);
        const n = (counts.get(kind) ?? 0) + 1;
        counts.set(kind, n);
        name = id.replace(/\w+/, `${kind}#${n}`);
        names.set(id, name);
      }
      return name;
    });
}

function describeOutcome(reply: Reply | undefined, options: NormalizeOptions): string {
  if (!reply || reply.status === 'info') return 'info';
  if (reply.status === 'fail') return `fail ${reply.code}`;
  const result = options.normalizeResult ? options.normalizeResult(reply.result) : reply.result;
  return `ok ${JSON.stringify(result)}`;
}
