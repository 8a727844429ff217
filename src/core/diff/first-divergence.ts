import type { NormalizedTimeline } from './normalized-timeline.ts';

export interface Divergence {
  where: 'reply' | 'event';
  step?: number;
  client?: string;
  stream?: string;
  /** The step, or the position in the stream, where they first differ. */
  index: number;
  left: string | undefined;
  right: string | undefined;
  message: string;
}

/**
 * Where two normalized timelines first differ: replies step by step first (the cause is
 * nearer there), then each client stream event by event. `describeStep` names a step for
 * the message (`step 3 (taker cancel)`).
 */
export function firstDivergence(
  left: NormalizedTimeline,
  right: NormalizedTimeline,
  names: { left: string; right: string; describeStep?: (step: number) => string },
): Divergence | undefined {
  const step = (i: number) => names.describeStep?.(i) ?? `step ${i}`;
  const steps = Math.max(left.replies.length, right.replies.length);
  for (let i = 0; i < steps; i++) {
    const a = left.replies[i];
    const b = right.replies[i];
    if (a !== b)
      return {
        where: 'reply',
        step: i,
        index: i,
        left: a,
        right: b,
        message: `${step(i)}: ${names.left} answered ${a ?? 'nothing'}, ${names.right} answered ${b ?? 'nothing'}`,
      };
  }
  const keys = [...new Set([...left.streams.keys(), ...right.streams.keys()])].sort();
  for (const key of keys) {
    const a = left.streams.get(key) ?? [];
    const b = right.streams.get(key) ?? [];
    const [client, stream] = key.split(' ') as [string, string];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x?.seq === y?.seq && x?.event === y?.event) continue;
      const at = x?.seq ?? y?.seq ?? i + 1;
      return {
        where: 'event',
        client,
        stream,
        index: i,
        left: x?.event,
        right: y?.event,
        message: `${client} ${stream}#${at}: ${names.left} sent ${x ? x.event : 'nothing'}, ${names.right} sent ${y ? y.event : 'nothing'}`,
      };
    }
  }
  return undefined;
}
