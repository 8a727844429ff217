import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RecordedEvent } from '../src/core/model/evidence.ts';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { NdjsonEventSink } from '../src/core/sequencer/ndjson-event-sink.ts';
import { numberedAcrossRuns } from '../src/core/sequencer/numbered-across-runs.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { BenchRow } from './bench-table.ts';

const SEED = 20261122;
/** Runs per campaign: small, so the last campaign overshoots the event count by little. */
const ROUND_RUNS = 25;
/** A warm-up campaign before the baseline: code loaded, JIT and heap sized, no recording. */
const WARMUP_RUNS = 50;
/** RSS is read every this many events while recording. */
const SAMPLE_EVERY = 1000;

const MB = 1024 * 1024;
const rssMB = (): number => process.memoryUsage.rss() / MB;

/**
 * A full collection, then the heap still in use, MB: what the process holds, without the
 * garbage RSS also counts (V8 grows its heap before it collects, so RSS alone moves with how
 * far the collector has let it grow). `gc` is exposed at run time, as `--expose-gc` would.
 */
function liveHeapMB(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / MB;
}

function campaignOptions(round: number, sink?: (event: RecordedEvent) => void) {
  const venue = tradingPack.properties.find((p) => p.name === 'trading-venue');
  if (!venue) throw new Error('benchmark: the trading-venue property is missing');
  return {
    properties: [venue],
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory(),
    seed: SEED + round,
    runs: ROUND_RUNS,
    timeBudgetMs: 600_000,
    shrinkBudgetMs: 1000,
    now: Date.now,
    ...(sink ? { sink } : {}),
  };
}

/**
 * Peak RSS while a real in-process campaign records `events` events to an NDJSON file through
 * NdjsonEventSink (as `run --record` does: gseq renumbered across runs), RSS read every 1000
 * events. The ceiling is the RSS of the same process just before recording, after a warm-up
 * campaign without a sink: the figure over it is what recording costs in memory. Streaming to
 * disk keeps it flat: RSS at 1M events is about RSS at 100k, far below the file's size.
 */
export async function runRecordingMemoryBenchmark(events = 1_000_000): Promise<BenchRow[]> {
  const path = join(tmpdir(), `shakedown-bench-recording-${process.pid}.ndjson`);
  await runCampaign<TradingAction>({ ...campaignOptions(-1), runs: WARMUP_RUNS });
  const start = rssMB();
  let peak = start;
  let at100k: number | undefined;
  let atEnd: number | undefined;
  let liveAt100k: number | undefined;
  let liveAtEnd: number | undefined;
  let runs = 0;
  let bytes = 0;
  const sink = new NdjsonEventSink(path);
  try {
    const numbered = numberedAcrossRuns((event) => sink.write(event));
    const record = (event: RecordedEvent): void => {
      if (sink.count >= events) return;
      numbered(event);
      if (sink.count % SAMPLE_EVERY === 0) {
        const rss = rssMB();
        peak = Math.max(peak, rss);
        if (at100k === undefined && sink.count >= Math.min(100_000, events)) {
          at100k = rss;
          liveAt100k = liveHeapMB();
        }
        if (sink.count >= events) {
          atEnd = rss;
          liveAtEnd = liveHeapMB();
        }
      }
    };
    for (let round = 0; sink.count < events; round++) {
      const result = await runCampaign<TradingAction>(campaignOptions(round, record));
      if (result.runs === 0) throw new Error('benchmark: a campaign ran nothing');
      runs += result.runs;
    }
    sink.close();
    bytes = statSync(path).size;
  } finally {
    sink.close();
    rmSync(path, { force: true });
  }
  const end = atEnd ?? rssMB();
  const mb = (x: number | undefined): string => (x === undefined ? '?' : `${Math.round(x)} MB`);
  return [
    {
      name: `peak RSS recording ${(events / 1e6).toLocaleString('en-US')}M events to NDJSON`,
      value: peak,
      unit: 'MB',
      ceilingName: 'RSS before recording, same process',
      ceiling: start,
      target: 'flat: RSS at 1M events within 64 MB of RSS at 100k',
      note: `RSS at start ${mb(start)}, after 100k events ${mb(at100k)}, at ${events.toLocaleString('en-US')} ${mb(end)}; live heap after a full collection ${mb(liveAt100k)} at 100k and ${mb(liveAtEnd)} at the end (RSS beyond it is garbage the heap has grown to hold before collecting); ${runs} in-process trading-venue runs recorded through runCampaign's sink into NdjsonEventSink, file ${(bytes / 1e6).toFixed(0)} MB (deleted)`,
    },
  ];
}
