import os from 'node:os';
import { formatTable } from './bench-table.ts';
import { runEngineBenchmark } from './engine-throughput.ts';
import { runWsBenchmark } from './ws-roundtrip.ts';

/** `npm run bench`: every figure beside a ceiling measured in the same run. */
const ms = Number(process.env.BENCH_MS ?? 3000);
const engine = runEngineBenchmark(ms);
const ws = await runWsBenchmark(ms);
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
process.stdout.write(
  `shakedown benchmarks — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} x ${cpu}\n`,
);
process.stdout.write(`engine book held at ~${engine.resting} resting orders\n\n`);
process.stdout.write(`${formatTable([...engine.rows, ...ws])}\n`);
