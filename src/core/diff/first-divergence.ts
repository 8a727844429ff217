import type { NormalizedEvent, NormalizedReply, NormalizedTimeline } from './normalized-timeline.ts';
import { describeDifferenceSide, valueDifferences } from './value-differences.ts';

export interface Divergence {
  where: 'reply' | 'event' | 'snapshot';
  client?: string;
  stream?: string;
  /** The step it comes from: a reply's own step, or the step that caused the event. */
  step?: number;
  /** The step (replies), the place in the stream from 0 (events), 0 (snapshot). */
  index: number;
  /** When both sides have a value and they differ field by field: the first such field. */
  path?: string;
  /** Each side's normalized reply, event or snapshot field; undefined when it has none. */
  left: unknown;
  right: unknown;
  /** One line a person can act on: where, and what each side did there. */
  message: string;
}

export interface DivergenceNames {
  left: string;
  right: string;
  /** Names a step for the message: `step 3 (taker cancel O#2)`. */
  describeStep?(step: number): string;
  /** One line per event payload (the domain's describer); canonical JSON without it. */
  describeEvent?(event: unknown): string;
}

interface Candidate {
  step: number;
  divergence: () => Divergence;
}

/** How many differing fields a message shows before it says there are more. */
const SHOWN_FIELDS = 3;

/**
 * Where two normalized timelines first differ. Replies and events are both searched and the
 * divergence with the earliest cause wins (a reply before the events of its own step): a
 * balance that drifts at step 2 is reported there, not at the order it starves at step 9.
 * The final snapshots are compared only when everything seen along the way matched.
 */
export function firstDivergence(
  left: NormalizedTimeline,
  right: NormalizedTimeline,
  names: DivergenceNames,
): Divergence | undefined {
  const candidates: Candidate[] = [];
  const reply = firstReplyDivergence(left, right, names);
  if (reply) candidates.push(reply);
  candidates.push(...streamDivergences(left, right, names));
  let best: Candidate | undefined;
  for (const candidate of candidates) if (!best || candidate.step < best.step) best = candidate;
  if (best) return best.divergence();
  return snapshotDivergence(left, right, names);
}

function firstReplyDivergence(
  left: NormalizedTimeline,
  right: NormalizedTimeline,
  names: DivergenceNames,
): Candidate | undefined {
  const steps = Math.max(left.replies.length, right.replies.length);
  for (let step = 0; step < steps; step++) {
    const a = left.replies[step];
    const b = right.replies[step];
    if (a?.key === b?.key) continue;
    return {
      step,
      divergence: () => {
        const fields =
          a?.outcome === 'ok' && b?.outcome === 'ok'
            ? valueDifferences(a.result, b.result, SHOWN_FIELDS + 1)
            : [];
        const side = (reply: NormalizedReply | undefined, pick: 'left' | 'right'): string =>
          reply === undefined ? 'nothing' : `${reply.outcome}${fieldList(fields, pick)}`;
        return {
          where: 'reply',
          step,
          index: step,
          ...(fields[0] ? { path: fields[0].path } : {}),
          left: a && { outcome: a.outcome, ...(a.outcome === 'ok' ? { result: a.result } : {}) },
          right: b && { outcome: b.outcome, ...(b.outcome === 'ok' ? { result: b.result } : {}) },
          message: `${stepName(step, names)}: ${names.left} answered ${side(a, 'left')}, ${names.right} answered ${side(b, 'right')}`,
        };
      },
    };
  }
  return undefined;
}

function streamDivergences(
  left: NormalizedTimeline,
  right: NormalizedTimeline,
  names: DivergenceNames,
): Candidate[] {
  const index = (timeline: NormalizedTimeline) =>
    new Map(timeline.streams.map((s) => [JSON.stringify([s.client, s.stream]), s]));
  const a = index(left);
  const b = index(right);
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  const found: Candidate[] = [];
  for (const id of ids) {
    const [client, stream] = JSON.parse(id) as [string, string];
    const x = bySeq(a.get(id)?.events ?? []);
    const y = bySeq(b.get(id)?.events ?? []);
    const seqs = [...new Set([...x.keys(), ...y.keys()])].sort((p, q) => p - q);
    // Aligned by place in the run, not by list position: an event one side never sent shows
    // as missing there instead of shifting every later comparison.
    const seq = seqs.find((s) => x.get(s)?.key !== y.get(s)?.key);
    if (seq === undefined) continue;
    const l = x.get(seq);
    const r = y.get(seq);
    const step = Math.min(l?.step ?? Number.POSITIVE_INFINITY, r?.step ?? Number.POSITIVE_INFINITY);
    found.push({
      step,
      divergence: () => {
        const describe = (e: NormalizedEvent | undefined): string =>
          e === undefined ? 'nothing' : names.describeEvent ? names.describeEvent(e.event) : e.key;
        const fields = l && r ? valueDifferences(l.event, r.event, SHOWN_FIELDS + 1) : [];
        // The describer may not show the field that differs: then the fields say it.
        const same = l !== undefined && r !== undefined && describe(l) === describe(r);
        const side = (e: NormalizedEvent | undefined, pick: 'left' | 'right') =>
          `${describe(e)}${same ? fieldList(fields, pick) : ''}`;
        const cause = Number.isFinite(step) && step >= 0 ? `, from ${stepName(step, names)}` : '';
        return {
          where: 'event',
          client,
          stream,
          ...(Number.isFinite(step) ? { step } : {}),
          index: seq - 1,
          ...(fields[0] ? { path: fields[0].path } : {}),
          left: l?.event,
          right: r?.event,
          message: `${client} ${stream} #${seq}${cause}: ${names.left} sent ${side(l, 'left')}, ${names.right} sent ${side(r, 'right')}`,
        };
      },
    });
  }
  return found;
}

function snapshotDivergence(
  left: NormalizedTimeline,
  right: NormalizedTimeline,
  names: DivergenceNames,
): Divergence | undefined {
  if (!left.snapshot || !right.snapshot || left.snapshot.key === right.snapshot.key) return undefined;
  const fields = valueDifferences(left.snapshot.value, right.snapshot.value, SHOWN_FIELDS + 1);
  const listed = fields
    .slice(0, SHOWN_FIELDS)
    .map(
      (f) =>
        `${f.path === '' ? 'the whole snapshot' : f.path} (${names.left} ${describeDifferenceSide('', f.left)}, ${names.right} ${describeDifferenceSide('', f.right)})`,
    );
  if (fields.length > SHOWN_FIELDS) listed.push('…');
  const first = fields[0];
  return {
    where: 'snapshot',
    index: 0,
    ...(first ? { path: first.path } : {}),
    left: first?.left,
    right: first?.right,
    message: `final snapshot, after every reply and event matched: differs at ${listed.join(', ')}`,
  };
}

function bySeq(events: readonly NormalizedEvent[]): Map<number, NormalizedEvent> {
  return new Map(events.map((e) => [e.seq, e]));
}

function stepName(step: number, names: DivergenceNames): string {
  return names.describeStep?.(step) ?? `step ${step}`;
}

/** ` (order.status "filled", order.filledQty 0.011)`: one side of the differing fields. */
function fieldList(fields: ReturnType<typeof valueDifferences>, pick: 'left' | 'right'): string {
  if (fields.length === 0) return '';
  const shown = fields.slice(0, SHOWN_FIELDS).map((f) => describeDifferenceSide(f.path, f[pick]));
  if (fields.length > SHOWN_FIELDS) shown.push('…');
  return ` (${shown.join(', ')})`;
}
