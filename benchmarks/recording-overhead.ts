import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
/**
 * Rounds per side, and the CPU time each side gets in all as a multiple of BENCH_MS. Ten rounds
 * of about 100 ms each (the first sizing) gave medians from 1.5% to 23% in three sittings
 * minutes apart on an idle machine: a major collection in one round moves its ratio by a third.
 * Sixteen rounds of about three times as much gave 18-27% (wall) and 18-32% (CPU) in three.
 */
const ROUNDS = 16;
const BUDGET_FACTOR = 3;

/** What `run --record` opens: a file sink, and the campaign's sink renumbering gseq across runs. */
interface Recorder {
  sink: (event: RecordedEvent) => void;
  close(): void;
  count(): number;
}
type RecorderAt = (path: string) => Recorder;

/** The recorder of this checkout, as `run --record` wires it. */
const recorderHere: RecorderAt = (path) => {
  const file = new NdjsonEventSink(path);
  return {
    sink: numberedAcrossRuns((event, gseq) => file.write(event, gseq)),
    close: () => file.close(),
    count: () => file.count,
  };
};

/** One in-process campaign over trading-venue, with or without a sink; its wall and CPU ms. */
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

interface SideTotals {
  actions: number;
  wallMs: number;
  cpuMs: number;
  events: number;
  bytes: number;
  /** Per round: this side's wall and CPU ms over the unrecorded side's. */
  wallRatios: number[];
  cpuRatios: number[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Recording overhead, measured: the in-process trading-venue campaign with `sink` set to an
 * NdjsonEventSink on a temporary file (renumbered across runs as `run --record` does), against
 * the identical campaign (same seeds, same run counts) without a sink. Rounds alternate their
 * order (recorded first, then not, then the other way round), so drift and warm-up hit both
 * sides. Each side gets about `BUDGET_FACTOR * ms` of CPU time in all; the file is opened, and closed
 * (flushed), inside the recorded timing. Two rows: wall time (the campaign's rate) and process
 * CPU time, which a loaded machine disturbs less; each figure is the median of the per-round
 * ratios applied to the ceiling, each note gives the totals over all rounds too.
 */
export async function runRecordingOverheadBenchmark(ms = 3000): Promise<BenchRow[]> {
  const venue = tradingVenueProperty();
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-record-'));
  const recorders: [string, RecorderAt][] = [['with', recorderHere]];
  try {
    const recorded = async (at: RecorderAt, seed: number, runs: number) => {
      const path = join(dir, `events-${seed}.ndjson`);
      // Opening the file is part of what --record costs.
      const start = performance.now();
      const cpu = process.cpuUsage();
      const recorder = at(path);
      const figures = await campaign(venue, runs, seed, recorder.sink);
      recorder.close();
      const wallMs = performance.now() - start;
      const cpuMs = cpuMsSince(cpu);
      const bytes = statSync(path).size;
      rmSync(path);
      return { ...figures, wallMs, cpuMs, events: recorder.count(), bytes };
    };

    // Warm-up on other seeds, every side, then a pilot sizing the rounds by CPU time: on a
    // loaded machine wall time would size them too small to say anything.
    const warmStart = performance.now();
    let warmSeed = SEED + 1000;
    while (performance.now() - warmStart < Math.max(1500, ms / 2)) {
      for (const [, at] of recorders) await recorded(at, warmSeed, PILOT_RUNS);
      await campaign(venue, PILOT_RUNS, warmSeed++, undefined);
    }
    const pilot = await campaign(venue, PILOT_RUNS, warmSeed, undefined);
    const runs = Math.max(20, Math.round(((BUDGET_FACTOR * ms) / ROUNDS / pilot.cpuMs) * PILOT_RUNS));

    const empty = (): SideTotals => ({
      actions: 0,
      wallMs: 0,
      cpuMs: 0,
      events: 0,
      bytes: 0,
      wallRatios: [],
      cpuRatios: [],
    });
    const totals = new Map<string, SideTotals>([
      ['without', empty()],
      ...recorders.map(([n]) => [n, empty()] as const),
    ]);
    const names = [...totals.keys()];
    for (let round = 0; round < ROUNDS; round++) {
      const seed = SEED + round;
      const order = round % 2 === 0 ? names : [...names].reverse();
      const figures = new Map<string, { wallMs: number; cpuMs: number }>();
      for (const name of order) {
        const at = recorders.find(([n]) => n === name)?.[1];
        const r = at
          ? await recorded(at, seed, runs)
          : { ...(await campaign(venue, runs, seed, undefined)), events: 0, bytes: 0 };
        const side = totals.get(name)!;
        side.actions += r.actions;
        side.wallMs += r.wallMs;
        side.cpuMs += r.cpuMs;
        side.events += r.events;
        side.bytes += r.bytes;
        figures.set(name, r);
      }
      const without = figures.get('without')!;
      for (const name of names) {
        const side = totals.get(name)!;
        side.wallRatios.push(figures.get(name)!.wallMs / without.wallMs);
        side.cpuRatios.push(figures.get(name)!.cpuMs / without.cpuMs);
      }
    }
    const without = totals.get('without')!;
    for (const [name, side] of totals) {
      if (side.actions !== without.actions) {
        throw new Error(
          `benchmark: the ${name} side ran different actions (${side.actions} vs ${without.actions})`,
        );
      }
    }
    const rate = (side: SideTotals, msOf: (s: SideTotals) => number): number =>
      (side.actions / msOf(side)) * 1000;
    const spread = (ratios: number[]): string =>
      `range of the rounds ${pct(Math.min(...ratios) - 1)} to ${pct(Math.max(...ratios) - 1)}`;
    const withSink = totals.get('with')!;
    const wallMedian = median(withSink.wallRatios);
    const cpuMedian = median(withSink.cpuRatios);
    const shape = `${ROUNDS} interleaved rounds of ${runs} runs each side (seeds ${SEED}..${SEED + ROUNDS - 1}), ${without.actions} actions per side; recorded ${withSink.events} events, ${(withSink.bytes / 1e6).toFixed(1)} MB`;
    // Each figure is the ceiling (the unrecorded side's rate over all rounds) over the median
    // of the per-round ratios (recorded time / unrecorded time, same seed, same runs): the
    // ratio column is then the median overhead, which a round a burst of load or a major
    // collection hit does not move. The totals over all rounds are in the note.
    const rows: BenchRow[] = [
      {
        name: 'campaign actions/s with --record (NdjsonEventSink, measured)',
        value: rate(without, (s) => s.wallMs) / wallMedian,
        unit: 'actions/s',
        ceilingName: 'the identical campaign without a sink',
        ceiling: rate(without, (s) => s.wallMs),
        target: '>= 90.9% (overhead <= 10%)',
        note: `${shape}; overhead of wall time, median of the rounds ${pct(wallMedian - 1)} (${spread(withSink.wallRatios)}); in all ${Math.round(withSink.wallMs)} ms against ${Math.round(without.wallMs)} ms without, ${pct(withSink.wallMs / without.wallMs - 1)}`,
      },
      {
        name: 'campaign actions per CPU-second with --record (measured)',
        value: rate(without, (s) => s.cpuMs) / cpuMedian,
        unit: 'actions/s',
        ceilingName: 'the identical campaign without a sink',
        ceiling: rate(without, (s) => s.cpuMs),
        target: '>= 90.9% (overhead <= 10%)',
        note: `same rounds, process CPU time (user + system, every thread): overhead, median of the rounds ${pct(cpuMedian - 1)} (${spread(withSink.cpuRatios)}); in all ${Math.round(withSink.cpuMs)} ms against ${Math.round(without.cpuMs)} ms without, ${pct(withSink.cpuMs / without.cpuMs - 1)}`,
      },
    ];
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: `node --import ./bin/register-ts.mjs benchmarks/recording-overhead.ts` (BENCH_MS as in npm run bench).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  const rows = await runRecordingOverheadBenchmark(Number(process.env.BENCH_MS ?? 3000));
  process.stdout.write(`${formatTable(rows)}\n\n`);
  for (const r of rows) process.stdout.write(`- ${r.name}: ${r.note}\n`);
}
