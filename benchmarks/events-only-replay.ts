import { createReadStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import type { RecordedEvent } from '../src/core/model/evidence.ts';
import { DEFAULT_SETTINGS, executeRun } from '../src/core/runner/campaign.ts';
import { NdjsonEventSink, readNdjsonEvents } from '../src/core/sequencer/ndjson-event-sink.ts';
import { ViewFold } from '../src/core/sequencer/ordered-replay.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import type { TradingClientEvent } from '../src/domains/trading/trading-client-event.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { BenchRow } from './bench-table.ts';

const SEED = 20261122;
/** Longer runs than a campaign's default 60 actions, so a few hundred runs make ~500k events. */
const MAX_ACTIONS = 200;
const TARGET_EVENTS = 500_000;
const MAX_RUNS = 1000;

/**
 * Records real in-process trading-venue runs to an NDJSON file with NdjsonEventSink, one run
 * after another, until the file holds TARGET_EVENTS events. gseq continues across runs (a
 * reader requires it to increase through the file); clients keep their names.
 */
async function recordEvents(path: string): Promise<{ runs: number; events: number }> {
  const venue = tradingPack.properties.find((p) => p.name === 'trading-venue');
  if (!venue) throw new Error('benchmark: the trading-venue property is missing');
  const settings = { ...DEFAULT_SETTINGS, ...venue.settings, maxActions: MAX_ACTIONS };
  const arbitrary = venue.actions({ seed: SEED, maxActions: MAX_ACTIONS });
  const factory = inprocTargetFactory();
  const sink = new NdjsonEventSink(path);
  let base = 0;
  let runs = 0;
  try {
    while (sink.count < TARGET_EVENTS && runs < MAX_RUNS) {
      const batch = fc.sample(arbitrary, { seed: SEED + runs, numRuns: 50 });
      for (const actions of batch) {
        const offset = base;
        const report = await executeRun(factory, actions as TradingAction[], {
          clients: tradingPack.clients,
          projection: tradingPack.projection,
          invariants: [],
          settings,
          sink: (event) => sink.write({ ...event, gseq: offset + event.gseq }),
        });
        base += report.evidence.events.length;
        runs++;
        if (sink.count >= TARGET_EVENTS) break;
      }
    }
  } finally {
    sink.close();
  }
  return { runs, events: sink.count };
}

/** The events-only replay path: read and check every line, fold it into its client's view. */
async function replayPass(path: string): Promise<number> {
  const fold = new ViewFold(tradingPack.projection, tradingPack.clients);
  let n = 0;
  for await (const event of readNdjsonEvents(path)) {
    fold.add(event as RecordedEvent<TradingClientEvent>);
    n++;
  }
  if (Object.keys(fold.result()).length === 0) throw new Error('benchmark: no views');
  return n;
}

/** The reader alone, without the fold: splits the replay's cost between reading and folding. */
async function readPass(path: string): Promise<number> {
  let n = 0;
  for await (const event of readNdjsonEvents(path)) if (event.gseq > 0) n++;
  return n;
}

/** The ceiling: readline and JSON.parse per line, nothing else. */
async function bareParsePass(path: string): Promise<number> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) if (JSON.parse(line) !== null) n++;
  return n;
}

/**
 * Whole passes over the file, one warm-up each, then round-robin (one pass of each in turn)
 * until each had about `ms`: load that drifts during the run hits every figure alike.
 * Returns events/s per pass kind.
 */
async function interleavedRates(passes: (() => Promise<number>)[], ms: number): Promise<number[]> {
  for (const pass of passes) await pass();
  const events = passes.map(() => 0);
  const elapsed = passes.map(() => 0);
  while (elapsed.some((e) => e < ms)) {
    for (let i = 0; i < passes.length; i++) {
      const start = performance.now();
      events[i] += await passes[i]();
      elapsed[i] += performance.now() - start;
    }
  }
  return events.map((n, i) => (n / elapsed[i]) * 1000);
}

export async function runEventsOnlyBenchmark(
  ms = 3000,
): Promise<{ rows: BenchRow[]; runs: number; events: number; bytes: number }> {
  const path = join(tmpdir(), `shakedown-bench-events-${process.pid}.ndjson`);
  try {
    const { runs, events } = await recordEvents(path);
    const bytes = statSync(path).size;
    const [bareRate, replayRate, readRate] = await interleavedRates(
      [() => bareParsePass(path), () => replayPass(path), () => readPass(path)],
      ms,
    );
    const file = `${events} events from ${runs} in-process trading-venue runs (max ${MAX_ACTIONS} actions), ${(bytes / 1e6).toFixed(0)} MB`;
    return {
      runs,
      events,
      bytes,
      rows: [
        {
          name: 'events-only replay events/s (read + fold per client)',
          value: replayRate,
          unit: 'events/s',
          ceilingName: 'bare readline + JSON.parse, same file',
          ceiling: bareRate,
          target: '>= 400k events/s and >= 50% of bare NDJSON parsing',
          note: `readNdjsonEvents + ViewFold(tradingPack.projection) over ${file}`,
        },
        {
          name: 'readNdjsonEvents alone (checks, no fold)',
          value: readRate,
          unit: 'events/s',
          ceilingName: 'bare readline + JSON.parse, same file',
          ceiling: bareRate,
          note: 'the reader with its per-line checks, views not folded: splits the replay between reading and folding',
        },
      ],
    };
  } finally {
    rmSync(path, { force: true });
  }
}
