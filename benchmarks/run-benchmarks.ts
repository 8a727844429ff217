import os from 'node:os';
import { formatTable } from './bench-table.ts';
import { runCampaignBenchmark } from './campaign-throughput.ts';
import { runChaosProxyBenchmark } from './chaos-proxy-roundtrip.ts';
import { runCliStartupBenchmark } from './cli-startup.ts';
import { runEngineBenchmark } from './engine-throughput.ts';
import { runEventsOnlyBenchmark } from './events-only-replay.ts';
import { measureGenerationCost, runGenerationCostBenchmark } from './generation-cost.ts';
import { checkingRows, measureCheckingCost } from './invariant-cost.ts';
import { runRecordingMemoryBenchmark } from './recording-memory.ts';
import { runRecordingOverheadBenchmark } from './recording-overhead.ts';
import { runServerMemoryBenchmark } from './server-memory.ts';
import { runTimeBudgetBenchmark } from './time-budget.ts';
import { runWorkersScalingBenchmark } from './workers-scaling.ts';
import { runWsCampaignBenchmark } from './ws-campaign-throughput.ts';
import { runWsBenchmark } from './ws-roundtrip.ts';

/** `npm run bench`: every figure beside a ceiling measured in the same run. */
const ms = Number(process.env.BENCH_MS ?? 3000);
const startup = runCliStartupBenchmark(ms);
const engine = runEngineBenchmark(ms);
const ws = await runWsBenchmark(ms);
const chaosProxy = await runChaosProxyBenchmark(ms);
const campaign = await runCampaignBenchmark(ms);
const generationCost = measureGenerationCost();
const generation = runGenerationCostBenchmark(generationCost);
// Checking alone, and the bound generation and checking set on any in-process run loop.
const checking = checkingRows(await measureCheckingCost(), generationCost);
const recording = await runRecordingOverheadBenchmark(ms);
const wsCampaign = await runWsCampaignBenchmark(ms);
const replay = await runEventsOnlyBenchmark(ms);
const scaling = await runWorkersScalingBenchmark(ms);
// Whole `shakedown run` commands in child processes, --time-budget against wall (about 80 s).
const budget = await runTimeBudgetBenchmark();
// A child `serve` soaked with SERVER_MEMORY_INPUTS inputs (default 1M): RSS read from /proc.
const serverMemory = await runServerMemoryBenchmark();
// Last: its RSS figures are read in this process, after everything above.
const memory = await runRecordingMemoryBenchmark();
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
process.stdout.write(
  `shakedown benchmarks — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} x ${cpu}\n`,
);
process.stdout.write(`command: npm run bench (BENCH_MS=${ms})\n`);
process.stdout.write(`engine book held at ~${engine.resting} resting orders\n\n`);
const rows = [
  ...startup,
  ...engine.rows,
  ...ws,
  ...chaosProxy,
  ...campaign.rows,
  ...generation,
  ...checking,
  ...recording,
  ...wsCampaign,
  ...replay.rows,
  ...scaling,
  ...budget,
  ...serverMemory.rows,
  ...memory,
];
process.stdout.write(`${formatTable(rows)}\n`);
const notes = rows.filter((r) => r.note !== undefined);
if (notes.length > 0) {
  process.stdout.write('\n');
  for (const r of notes) process.stdout.write(`- ${r.name}: ${r.note}\n`);
}
