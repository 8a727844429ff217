// The action of `soak`: what it runs, loaded by soak-command.ts only once commander has parsed
// and validated the command line.
import type { ActionBase } from '../../core/model/action.ts';
import type { AnyDomainPack, TargetSpec } from '../../core/model/domain-pack.ts';
import type { Property } from '../../core/model/property.ts';
import { EXIT } from '../../core/shakedown-error.ts';
import { describeRss } from '../../core/soak/rss-trend.ts';
import {
  DEFAULT_ROUND_RUNS,
  runSoak,
  type SoakProgress,
  type SoakResult,
} from '../../core/soak/soak-loop.ts';
import { WorkerPool } from '../../core/workers/worker-pool.ts';
import { DEFAULT_DOMAIN, type LoadedDomain } from '../../domains/registry.ts';
import { type Interrupt, yieldingBetweenRuns } from '../interrupt.ts';
import { subjectTarget } from '../options/domain-option.ts';
import { faultsOfProperties, parseFaultSelection } from '../options/fault-selection.ts';
import { parseTargetSpec } from '../options/target-spec.ts';
import { createFallbackWriter, shownPath } from '../output-fallback.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { campaignPartsOf } from '../pack-parts.ts';
import { replayOf, violationsOfFailure } from '../replay-of.ts';
import { TOOL_VERSION } from '../tool-version.ts';
import { resolveWorkerCount } from '../worker-count.ts';
import type { SoakFlags } from './soak-flags.ts';

const TARGET = 'inproc';
const MB = 1024 * 1024;

export async function soakCommand(
  domain: LoadedDomain,
  flags: SoakFlags,
  interrupt: Interrupt,
): Promise<number> {
  const { pack } = domain;
  const target = flags.subject === undefined ? TARGET : subjectTarget(flags.subject);
  const spec: TargetSpec = parseTargetSpec(target, '--subject', { moduleMustExist: true });
  // Before hours of soaking: the failure it finds must have somewhere to go.
  checkOutputPaths([{ flag: '--out', path: flags.out, kind: 'dir' }]);
  const faults = parseFaultSelection(flags.faults);
  // The only place a soak reads the wall clock for anything but budgets.
  const seed = flags.seed ?? Date.now() % 2 ** 31;
  const chosen: Property[] =
    flags.property.length > 0
      ? pack.properties.filter((p) => flags.property.includes(p.name))
      : pack.properties.filter((p) => !p.optIn);
  const against =
    spec.kind !== 'inproc'
      ? target
      : domain.recordAs === DEFAULT_DOMAIN
        ? 'the in-process exchange'
        : `the in-process ${pack.name} target`;
  process.stderr.write(
    `shakedown soak: seed ${seed} (rerun with --seed ${seed}), ${formatElapsed(flags.duration)} against ${against}\n`,
  );
  // One turn of the event loop per run, so that a signal is heard during an in-process round.
  const factory = yieldingBetweenRuns(
    await pack.targetFactory(spec, {
      bugs: flags.bug,
      seed,
      faults: faults ?? faultsOfProperties(chosen),
    } as Parameters<AnyDomainPack['targetFactory']>[1]),
  );
  const supported = factory.faultKinds ?? [];
  const workers = resolveWorkerCount({
    flag: flags.workers,
    env: process.env,
    spec,
    plannedRuns: Number.POSITIVE_INFINITY,
  });
  let pool: WorkerPool<ActionBase> | undefined;
  let result: SoakResult<ActionBase>;
  try {
    if (workers > 1 && pack.reference)
      pool = await WorkerPool.start<ActionBase>({
        size: workers,
        pack: pack.reference,
        spec,
        targetOptions: { bugs: flags.bug, seed, faults: faults ?? faultsOfProperties(chosen) },
        generates: chosen.map((p) => p.name),
      });
    result = await runSoak<ActionBase>({
      campaign: {
        ...campaignPartsOf(pack),
        properties: chosen,
        factory,
        ...(flags.shrinkAttempts === undefined ? {} : { shrinkAttempts: flags.shrinkAttempts }),
        ...(flags.shrinkBudget === undefined ? {} : { shrinkBudgetMs: flags.shrinkBudget }),
        ...(faults === undefined ? {} : { faults }),
        transport: spec.kind === 'inproc' ? 'inproc' : 'module',
        ...(pool ? { pool } : {}),
        stop: interrupt.stop,
        abandon: interrupt.abandon,
      },
      seed,
      durationMs: flags.duration,
      progressEveryMs: flags.progressEvery,
      // Faults asked for by name (or all) must fire, each at least once over the soak.
      requireFaults: faults === undefined ? [] : faults === 'all' ? [...supported] : faults,
      now: Date.now,
      memory: () => {
        const usage = process.memoryUsage();
        return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
      },
      onProgress: (p) => process.stderr.write(`${progressLine(p)}\n`),
    });
  } finally {
    await interrupt.bounded(pool?.close());
    await interrupt.bounded(factory.dispose?.());
  }
  // Saved in a temp folder (and said so) when --out cannot take it any more: never lost.
  const fallback = createFallbackWriter({ warn: (line) => process.stderr.write(`${line}\n`) });
  const savedPath = result.failure
    ? fallback.saveReplay(
        '--out',
        flags.out,
        replayOf(domain, result.failure.failure, {
          target,
          bugs: flags.bug,
          durationMs: result.durationMs,
        }),
      )
    : undefined;
  const saved = savedPath === undefined ? undefined : shownPath(savedPath);
  if (flags.json) process.stdout.write(`${JSON.stringify(soakSummary(result, saved, target), null, 2)}\n`);
  else printSoak(domain, flags, result, saved, (line) => process.stdout.write(`${line}\n`));
  return result.verdict === 'pass' ? EXIT.passed : EXIT.failed;
}

/** One progress line: elapsed, counters, throughput and memory. */
function progressLine(p: SoakProgress): string {
  return [
    `  ${formatElapsed(p.elapsedMs)}`,
    `round ${p.round}`,
    `${p.runs} runs`,
    `${p.actions} actions`,
    `${Math.round(p.actionsPerSecond)} actions/s`,
    `RSS ${Math.round(p.memory.rssBytes / MB)} MB`,
    `heap ${Math.round(p.memory.heapUsedBytes / MB)} MB`,
  ].join('  ');
}

/** h:mm:ss, or m:ss under an hour. */
function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The `--json` object: figures, verdict and the RSS after the warm-up. */
function soakSummary(result: SoakResult<ActionBase>, saved: string | undefined, target: string) {
  const f = result.failure;
  return {
    tool: TOOL_VERSION,
    seed: result.seed,
    target,
    durationMs: result.durationMs,
    rounds: result.rounds,
    runs: result.runs,
    actions: result.actions,
    actionsPerSecond: Math.round(result.actionsPerSecond),
    verdict: result.verdict,
    stoppedBy: result.stoppedBy,
    // A signal stopped it (exit 130): the figures are those of the soak so far.
    interrupted: result.stoppedBy === 'interrupted',
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    failure: f
      ? {
          property: f.failure.property,
          round: f.round,
          seed: f.roundSeed,
          runIndex: f.failure.runIndex,
          shrinks: f.failure.shrinks,
          actions: f.failure.report.actions.length,
          replayFile: saved ?? null,
          violations: violationsOfFailure(f.failure),
        }
      : null,
    faults: result.faults,
    unfired: result.unfired,
    rss: result.rss,
    heapUsedMB: Math.round((result.memory.heapUsedBytes / MB) * 10) / 10,
  };
}

function printSoak(
  domain: LoadedDomain,
  flags: SoakFlags,
  result: SoakResult<ActionBase>,
  saved: string | undefined,
  write: (line: string) => void,
): void {
  const f = result.failure;
  if (f) {
    write(`failure in ${f.failure.property} (round ${f.round}, seed ${f.roundSeed}):`);
    for (const v of violationsOfFailure(f.failure).slice(0, 10))
      write(`  [${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
    if (saved) {
      write(`  saved: ${saved}`);
      write(`  replay: npx shakedown replay ${saved}`);
    }
    // A round is a `run` of the same seed and run count: the same sequences, generated again.
    const rerun = [
      ...(domain.recordAs === DEFAULT_DOMAIN ? [] : [`--domain ${domain.recordAs}`]),
      `--property ${f.failure.property}`,
      `--seed ${f.roundSeed}`,
      `--runs ${DEFAULT_ROUND_RUNS}`,
      ...flags.bug.map((b) => `--bug ${b}`),
      ...(flags.faults.length > 0 ? [`--faults ${flags.faults.join(' ')}`] : []),
    ];
    write(`  the round again: npx shakedown run ${rerun.join(' ')}`);
  } else if (result.reason) write(result.reason);
  if (result.stoppedBy === 'interrupted') write('interrupted: a signal stopped the soak before its duration');
  // The RSS figures, with the rule: what was judged, against which limit, and what it decides.
  for (const line of describeRss(result.rss)) write(line);
  const word = result.verdict === 'pass' ? 'passed' : result.verdict === 'fail' ? 'failed' : 'unknown';
  write(
    `${word}: ${formatElapsed(result.durationMs)}, ${result.rounds} round${result.rounds === 1 ? '' : 's'}, ${result.runs} runs, ${result.actions} actions (${Math.round(result.actionsPerSecond)} actions/s)`,
  );
}
