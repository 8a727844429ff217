import { readFileSync } from 'node:fs';

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/**
 * The main thread's own CPU time, ms: what bounds a campaign's rate on one thread. The process's
 * CPU time (process.cpuUsage) also counts V8's background threads (compiling, collecting in
 * parallel), which run beside the main thread rather than in its way: a warm generation loop
 * measured 1.6x as much process time as main-thread time. Read from Linux's per-thread
 * schedstat (nanoseconds on the CPU, current to within a scheduler tick, so windows of tens of
 * ms or more); where that cannot be read, the wall clock stands in, which on an idle machine is
 * about the same.
 */
export function mainThreadMs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return performance.now();
  }
}
