import { pathToFileURL } from 'node:url';
import type { RunEvidence } from '../src/core/model/evidence.ts';
import type { Invariant } from '../src/core/model/invariant.ts';
import { runCampaign } from '../src/core/runner/campaign.ts';
import { checkInvariants } from '../src/core/runner/check-invariants.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import type { BenchRow } from './bench-table.ts';
import type { GenerationCost } from './generation-cost.ts';
import { mainThreadMs } from './main-thread-time.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

/**
 * What checking costs, warm, in CPU time of the process (the machine is shared: wall time moves
 * with the load of others far more). The evidence of 300 trading-venue runs is kept and checked
 * twice to warm up; then, over three passes on fresh copies of it:
 * - together: checkInvariants with every invariant of the property, as a campaign checks a run
 *   (the views they share built once per run), and the same without the invariants the
 *   oracle judges (what the run index, invariants/trading/support/run-index.ts, serves);
 * - alone: each invariant on its own over the whole pass (views the invariants share are not
 *   shared here: each pays for its own, as when checked alone), its share of their sum.
 * `node --import ./bin/register-ts.mjs benchmarks/invariant-cost.ts`; `npm run bench` prints
 * the first figure as its checking row, and the bound it sets with generation (checkingRows).
 */

/** The invariants the oracle judges (one report for all of them, support/oracle-judge.ts). */
const ORACLE = new Set([
  'requests.valid-accepted',
  'requests.refusals-justified',
  'matching.happens',
  'events.content',
  'stp.cancels-named-order',
]);

export interface CheckingCost {
  runs: number;
  actions: number;
  /** CPU ms of one pass of every invariant and the oracle, checked together as a campaign does. */
  togetherMs: number;
  /** The same passes on the main thread's own CPU time (main-thread-time.ts). */
  togetherMainMs: number;
  /** The same without the invariants the oracle judges. */
  withoutOracleMs: number;
  /** The oracle's invariants counted apart. */
  oracleCount: number;
  /** Each invariant alone over one pass, CPU ms; their sum is `aloneMs`. */
  alone: Map<string, number>;
  aloneMs: number;
}

const copy = (evidence: RunEvidence): RunEvidence => ({ ...evidence, events: [...evidence.events] });
const cpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** Keeps the evidence of `runs` trading-venue runs (seed 5), checks it, and times the passes. */
export async function measureCheckingCost(runs = 300, passes = 3): Promise<CheckingCost> {
  const venue = tradingVenueProperty();
  const kept: RunEvidence[] = [];
  const keep: Invariant = {
    name: 'bench.keep',
    description: 'keeps the evidence',
    check: (evidence) => {
      kept.push(evidence);
      return [];
    },
  };
  await runCampaign<TradingAction>({
    properties: [{ ...venue, invariants: [keep.name] }],
    invariants: [keep],
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory() as never,
    seed: 5,
    runs,
    timeBudgetMs: 600_000,
    now: () => performance.now(),
  });
  const invariants = tradingPack.invariants.filter((i) => venue.invariants.includes(i.name));
  const withoutOracle = invariants.filter((i) => !ORACLE.has(i.name));
  for (let pass = 0; pass < 2; pass++)
    for (const evidence of kept) checkInvariants(copy(evidence), invariants);
  let together = 0;
  let togetherMain = 0;
  let apart = 0;
  for (let pass = 0; pass < passes; pass++) {
    const copies = kept.map(copy);
    const start = cpuMs();
    const mainStart = mainThreadMs();
    for (const evidence of copies) checkInvariants(evidence, invariants);
    togetherMain += mainThreadMs() - mainStart;
    together += cpuMs() - start;
    const again = kept.map(copy);
    const from = cpuMs();
    for (const evidence of again) checkInvariants(evidence, withoutOracle);
    apart += cpuMs() - from;
  }
  const alone = new Map<string, number>();
  let total = 0;
  for (let pass = 0; pass < passes; pass++) {
    const copies = kept.map(copy);
    for (const invariant of invariants) {
      const start = cpuMs();
      for (const evidence of copies) invariant.check(evidence as never, { count() {} });
      const ms = cpuMs() - start;
      alone.set(invariant.name, (alone.get(invariant.name) ?? 0) + ms / passes);
      total += ms;
    }
  }
  return {
    runs: kept.length,
    actions: kept.reduce((n, e) => n + e.actions.length, 0),
    togetherMs: together / passes,
    togetherMainMs: togetherMain / passes,
    withoutOracleMs: apart / passes,
    oracleCount: invariants.length - withoutOracle.length,
    alone,
    aloneMs: total / passes,
  };
}

/** Actions checked per second of CPU time in `ms` for one pass. */
export const checkedPerSecond = (cost: CheckingCost, ms: number): number => (cost.actions * 1000) / ms;

/**
 * The rows `npm run bench` prints: checking alone beside the bare model run, on the process's
 * CPU time like the generation row, and the most any in-process run loop could give this
 * property. A campaign generates and checks every action on its thread, so its rate is at most
 * 1 / (1/generation + 1/checking), whatever its run path costs (the venue, the clients and
 * recording left out); both measured on the main thread's own CPU time, the thread a campaign
 * runs on (main-thread-time.ts), beside the bare model run measured the same way.
 */
export function checkingRows(cost: CheckingCost, generation: GenerationCost): BenchRow[] {
  const checking = checkedPerSecond(cost, cost.togetherMs);
  const mainChecking = checkedPerSecond(cost, cost.togetherMainMs);
  const bound = 1 / (1 / generation.mainActionsPerSecond + 1 / mainChecking);
  return [
    {
      name: 'checking actions/s (trading-venue, every invariant and the oracle, CPU time)',
      value: checking,
      unit: 'actions/s',
      ceilingName: 'bare fc.modelRun, CPU time',
      ceiling: generation.modelCommandsPerSecond,
      note: `${cost.runs} runs, ${cost.actions} actions kept and checked as a campaign does (views shared): ${cost.togetherMs.toFixed(0)} ms a pass (main thread ${cost.togetherMainMs.toFixed(0)} ms); without the oracle's ${cost.oracleCount} invariants ${cost.withoutOracleMs.toFixed(0)} ms (${checkedPerSecond(cost, cost.withoutOracleMs).toFixed(0)} actions/s); per invariant: node --import ./bin/register-ts.mjs benchmarks/invariant-cost.ts`,
    },
    {
      name: 'in-process bound: generation and checking alone (trading-venue, main thread)',
      value: bound,
      unit: 'actions/s',
      ceilingName: "bare fc.modelRun, main thread's CPU time",
      ceiling: generation.mainModelCommandsPerSecond,
      target: 'the in-process target (>= 50k actions/s, >= 30%) is out of reach while this is below it',
      note: `1 / (1/${generation.mainActionsPerSecond.toFixed(0)} generated + 1/${mainChecking.toFixed(0)} checked), actions per second of the main thread's own CPU time: a run loop that cost nothing of its own (no venue, no clients, no events) would run this property at most this fast`,
    },
  ];
}

// Alone: the three figures and each invariant's share.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cost = await measureCheckingCost();
  const rate = (ms: number): string => checkedPerSecond(cost, ms).toFixed(0);
  process.stdout.write(
    `${cost.runs} runs, ${cost.actions} actions (CPU time)\n` +
      `together: ${cost.togetherMs.toFixed(0)} ms a pass (${rate(cost.togetherMs)} actions/s of checking)\n` +
      `together, the oracle's ${cost.oracleCount} aside: ${cost.withoutOracleMs.toFixed(0)} ms a pass (${rate(cost.withoutOracleMs)} actions/s of checking)\n` +
      `every invariant alone: ${cost.aloneMs.toFixed(0)} ms a pass (${rate(cost.aloneMs)} actions/s of checking)\n`,
  );
  for (const [name, ms] of [...cost.alone].sort((a, b) => b[1] - a[1]))
    process.stdout.write(
      `${((ms / cost.aloneMs) * 100).toFixed(1).padStart(5)}% ${ms.toFixed(0).padStart(5)} ms  ${name}\n`,
    );
}
