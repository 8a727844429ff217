import { faultRecordsOf } from '../../core/faults/fault-record.ts';
import type { DomainReportHooks } from '../../core/model/domain-pack.ts';
import {
  type DomainMeasures,
  DomainMeasuresBuilder,
  type DomainSection,
  type DomainTimelineNote,
  seriesNames,
  seriesStats,
} from '../../core/report/domain-measures.ts';
import type { FeedsEvidence } from './feeds-evidence.ts';
import { upstreamLink, upstreamOfLink } from './generation/fault-targets.ts';
import type { FeedsSnapshot } from './protocol/feeds-snapshot.ts';

const UPSTREAM = 'upstream:';
const HEAD_GAP = 'continuity:head-gap';
const LONGEST_GAP = 'continuity:longest-gap';
const SUBSCRIPTIONS = 'continuity:subscriptions';
const FAILOVER = 'failover:time';
const FAILOVERS_INCOMPLETE = 'failover:incomplete';
const FAILOVER_SLO = 'failover:slo';
const FAULTS = 'faults:';

/**
 * What one feeds run measured for the report: each upstream's answer times as the proxy saw
 * them (its call records: answered minus received, plus the link's latency both ways), its
 * calls, errors and calls never answered; for every newHeads subscription the gaps between
 * heads as its client received them; each failover's time from start to serving again (and
 * those that never completed), with the run's failover SLO; the faults fired, by where they
 * acted (a subscriber's link, an upstream's link, the proxy's process). A target without the system's
 * truth (a proxy at a URL) gives the client-side figures only.
 */
export function measureFeedsRun(evidence: FeedsEvidence): DomainMeasures {
  const m = new DomainMeasuresBuilder();
  const truth = evidence.snapshot;
  for (const upstream of truth?.upstreams ?? []) {
    const name = `${UPSTREAM}${upstream.status.name}`;
    const latency = upstream.status.latencyMs;
    for (const call of upstream.calls) {
      m.count(`${name}:calls`);
      if (call.answeredAt === undefined) {
        m.count(`${name}:unanswered`);
        continue;
      }
      if (call.outcome === 'error') m.count(`${name}:errors`);
      m.sample(name, call.answeredAt - call.receivedAt + 2 * latency);
    }
  }
  const lastHead = new Map<string, number>();
  for (const rec of evidence.events ?? []) {
    if (rec.event?.type !== 'head') continue;
    const key = `${rec.client} ${rec.event.subscription}`;
    const last = lastHead.get(key);
    if (last === undefined) m.count(SUBSCRIPTIONS);
    else {
      m.sample(HEAD_GAP, rec.time - last);
      m.max(LONGEST_GAP, rec.time - last);
    }
    lastHead.set(key, rec.time);
  }
  for (const failover of truth?.proxy.failovers ?? []) {
    if (failover.completedAt !== undefined) m.sample(FAILOVER, failover.completedAt - failover.startedAt);
    else if (failover.abandonedAt === undefined) m.count(FAILOVERS_INCOMPLETE);
  }
  if (truth !== undefined) m.max(FAILOVER_SLO, truth.config.failoverSloMs);
  for (const record of faultRecordsOf(evidence.extra ?? {}))
    m.count(`${FAULTS}${record.kind}:${faultTarget(record.kind, record.client)}`);
  return m.toMeasures();
}

/** Where a fault acted: the proxy's process, an upstream's link, or a subscriber's link. */
function faultTarget(kind: string, client: string): 'proxy' | 'upstream' | 'subscriber' {
  if (kind.startsWith('process.')) return 'proxy';
  return upstreamOfLink(client) !== undefined ? 'upstream' : 'subscriber';
}

/** The feeds sections: latency per upstream, subscription continuity (gaps, failover time, SLO), faults by target. */
export function feedsReportSections(measures: DomainMeasures): DomainSection[] {
  const sections: DomainSection[] = [];
  const upstreams = seriesNames(measures, UPSTREAM)
    .map((key) => key.slice(UPSTREAM.length).split(':')[0] as string)
    .filter((name, i, all) => all.indexOf(name) === i);
  if (upstreams.length > 0)
    sections.push({
      id: 'upstream-latency',
      title: 'Latency per upstream',
      note: "ms, each upstream's answers as the proxy saw them, from the reference system's record",
      columns: ['upstream', 'calls', 'errors', 'unanswered', 'p50', 'p90', 'p99', 'max'],
      rows: upstreams.map((name) => {
        const key = `${UPSTREAM}${name}`;
        const stats = seriesStats(measures, key);
        return [
          name,
          measures.counts?.[`${key}:calls`] ?? 0,
          measures.counts?.[`${key}:errors`] ?? 0,
          measures.counts?.[`${key}:unanswered`] ?? 0,
          stats.p50,
          stats.p90,
          stats.p99,
          stats.max,
        ];
      }),
    });
  const gap = seriesStats(measures, HEAD_GAP);
  const failover = seriesStats(measures, FAILOVER);
  const subscriptions = measures.counts?.[SUBSCRIPTIONS] ?? 0;
  if (subscriptions > 0 || failover.count > 0)
    sections.push({
      id: 'continuity',
      title: 'Subscription continuity',
      note: `ms; ${subscriptions} newHeads subscriptions; failover SLO ${measures.maxima?.[FAILOVER_SLO] ?? '-'} ms; ${measures.counts?.[FAILOVERS_INCOMPLETE] ?? 0} failovers never completed`,
      columns: ['measure', 'count', 'p50', 'p90', 'p99', 'max'],
      rows: [
        [
          'gap between heads',
          gap.count,
          gap.p50,
          gap.p90,
          gap.p99,
          measures.maxima?.[LONGEST_GAP] ?? gap.max,
        ],
        ['failover time', failover.count, failover.p50, failover.p90, failover.p99, failover.max],
      ],
    });
  const kinds = seriesNames(measures, FAULTS)
    .map((key) => key.slice(FAULTS.length).split(':')[0] as string)
    .filter((kind, i, all) => all.indexOf(kind) === i);
  if (kinds.length > 0)
    sections.push({
      id: 'faults-by-target',
      title: 'Faults by target',
      note: "faults fired, by where they acted: a subscriber's link, an upstream's link, the proxy's process",
      columns: ['fault', 'subscriber links', 'upstream links', 'proxy'],
      rows: kinds.map((kind) => [
        kind,
        measures.counts?.[`${FAULTS}${kind}:subscriber`] ?? 0,
        measures.counts?.[`${FAULTS}${kind}:upstream`] ?? 0,
        measures.counts?.[`${FAULTS}${kind}:proxy`] ?? 0,
      ]),
    });
  return sections;
}

/**
 * A failure's timeline gets a lane per upstream (`upstream:u1`, the lane faults aimed at its
 * link are drawn on): its life (killed, restarted, lag, fork, pause...), its breaker's
 * transitions, and the failovers that left or reached it (with when they completed).
 */
export function feedsTimelineNotes(evidence: { snapshot?: unknown }): DomainTimelineNote[] {
  const truth = evidence.snapshot as FeedsSnapshot | undefined;
  if (truth === undefined || truth === null || !Array.isArray(truth.upstreams)) return [];
  const notes: DomainTimelineNote[] = [];
  for (const upstream of truth.upstreams)
    for (const life of upstream.life)
      notes.push({
        lane: upstreamLink(upstream.status.name),
        time: life.at,
        text: life.event,
        ...(life.detail ? { detail: life.detail } : {}),
      });
  for (const t of truth.proxy.breakerTransitions)
    notes.push({
      lane: upstreamLink(t.upstream),
      time: t.at,
      text: `breaker ${t.from} → ${t.to}`,
      detail: `${t.reason}, ${t.failures} consecutive failure(s)`,
    });
  for (const f of truth.proxy.failovers) {
    const lane = upstreamLink(f.to ?? f.from ?? 'none');
    const what = `${f.kind} failover ${f.from ?? '-'} → ${f.to ?? '-'}`;
    notes.push({
      lane,
      time: f.startedAt,
      text: `${what} (${f.reason})`,
      detail: f.subscriptions.join(', '),
    });
    if (f.completedAt !== undefined)
      notes.push({
        lane,
        time: f.completedAt,
        text: `${what} serving after ${f.completedAt - f.startedAt} ms`,
        ...(f.backfilled.length > 0 ? { detail: `backfilled ${f.backfilled.join(', ')}` } : {}),
      });
  }
  return notes;
}

/** The feeds pack's report hook. */
export const feedsReport: DomainReportHooks<FeedsEvidence> = {
  measure: measureFeedsRun,
  sections: feedsReportSections,
  timeline: feedsTimelineNotes,
};
