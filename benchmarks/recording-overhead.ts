import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../src/core/model/evidence.ts';
import type { Property } from '../src/core/model/property.ts';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { NdjsonEventSink } from '../src/core/sequencer/ndjson-event-sink.ts';
import { numberedAcrossRuns } from '../src/core/sequencer/numbered-across-runs.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { BenchRow } from './bench-table.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

const SEED = 20261203;
const PILOT_RUNS = 30;

/** One in-process campaign over trading-venue, with or without the recorder; its wall ms. */
async function campaign(
  property: Property<TradingAction>,
  runs: number,
  seed: number,
  sink: ((event: RecordedEvent) => void) | undefined,
): Promise<{ actions: number; runs: number; wallMs: number; cpuMs: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await runCampaign<TradingAction>({
    properties: [property],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory(),
    seed,
    runs,
    timeBudgetMs: 10 * 60_000,
    shrinkBudgetMs: 60_000,
    now: Date.now,
    ...(sink ? { sink } : {}),
  });
  const wallMs = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  const outcome = result.properties[0];
  if (outcome && !outcome.passed) {
    throw new Error(
      `benchmark: ${property.name} did not pass (seed ${seed}); the figures would include shrinking`,
    );
  }
  return { actions: result.actions, runs: result.runs, wallMs, cpuMs };
}

/** This process's CPU time (user + system) since `from`, in ms: steadier than wall time on a shared machine. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Recording overhead, measured: the in-process trading-venue campaign with `sink` set to an
 * NdjsonEventSink on a temporary file (renumbered across runs as `run --record` does), against
 * the identical campaign (same seeds, same run counts) without a sink. Rounds alternate,
 * recorded first then not, then the other way round, so drift and warm-up order hit both.
 * Each side gets about `ms` in all; the file is closed (flushed) inside the recorded timing.
 */
export async function runRecordingOverheadBenchmark(ms = 3000): Promise<BenchRow[]> {
  const venue = tradingVenueProperty();
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-record-'));
  try {
    const recorded = async (seed: number, runs: number) => {
      const file = new NdjsonEventSink(join(dir, `events-${seed}.ndjson`));
      const start = performance.now();
      const cpu = process.cpuUsage();
      const figures = await campaign(
        venue,
        runs,
        seed,
        numberedAcrossRuns((event) => file.write(event)),
      );
      file.close();
      const wallMs = performance.now() - start;
      const cpuMs = cpuMsSince(cpu);
      return {
        ...figures,
        wallMs,
        cpuMs,
        events: file.count,
        bytes: statSync(file.path).size,
        path: file.path,
      };
    };

    // Warm-up on other seeds, both sides, then a pilot sizing the rounds.
    const warmStart = performance.now();
    let warmSeed = SEED + 1000;
    while (performance.now() - warmStart < Math.max(1500, ms / 2)) {
      rmSync((await recorded(warmSeed, PILOT_RUNS)).path);
      await campaign(venue, PILOT_RUNS, warmSeed++, undefined);
    }
    const pilot = await campaign(venue, PILOT_RUNS, warmSeed, undefined);
    const rounds = 6;
    const runs = Math.max(10, Math.round((ms / rounds / pilot.wallMs) * PILOT_RUNS));

    const withSink = { actions: 0, ms: 0, cpuMs: 0, events: 0, bytes: 0 };
    const without = { actions: 0, ms: 0, cpuMs: 0 };
    /** Per round, wall ms with the sink over wall ms without: the median shrugs off a burst of load. */
    const pairs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const seed = SEED + round;
      const sides = round % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      const roundMs = { with: 0, without: 0 };
      for (const side of sides) {
        if (side === 'with') {
          const r = await recorded(seed, runs);
          roundMs.with = r.wallMs;
          withSink.actions += r.actions;
          withSink.ms += r.wallMs;
          withSink.cpuMs += r.cpuMs;
          withSink.events += r.events;
          withSink.bytes += r.bytes;
          rmSync(r.path);
        } else {
          const r = await campaign(venue, runs, seed, undefined);
          roundMs.without = r.wallMs;
          without.actions += r.actions;
          without.ms += r.wallMs;
          without.cpuMs += r.cpuMs;
        }
      }
      pairs.push(roundMs.with / roundMs.without);
    }
    if (withSink.actions !== without.actions) {
      throw new Error(
        `benchmark: the two sides ran different actions (${withSink.actions} vs ${without.actions})`,
      );
    }
    const withRate = (withSink.actions / withSink.ms) * 1000;
    const withoutRate = (without.actions / without.ms) * 1000;
    const overhead = withSink.ms / without.ms - 1;
    const cpuOverhead = withSink.cpuMs / without.cpuMs - 1;
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    return [
      {
        name: 'campaign actions/s with --record (NdjsonEventSink, measured)',
        value: withRate,
        unit: 'actions/s',
        ceilingName: 'the identical campaign without a sink',
        ceiling: withoutRate,
        target: '>= 90.9% (overhead <= 10%)',
        note: `${rounds} interleaved rounds of ${runs} runs each side (seeds ${SEED}..${SEED + rounds - 1}), ${withSink.actions} actions per side; recorded ${withSink.events} events, ${(withSink.bytes / 1e6).toFixed(1)} MB, in ${Math.round(withSink.ms)} ms against ${Math.round(without.ms)} ms without: overhead ${pct(overhead)} of wall time (median of the rounds ${pct(median(pairs) - 1)}, range ${pct(Math.min(...pairs) - 1)} to ${pct(Math.max(...pairs) - 1)}), ${pct(cpuOverhead)} of process CPU time (${Math.round(withSink.cpuMs)} vs ${Math.round(without.cpuMs)} ms)`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
