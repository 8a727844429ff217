import { relative } from 'node:path';
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { AnyDomainPack, TargetSpec } from '../../core/model/domain-pack.ts';
import type { Property } from '../../core/model/property.ts';
import {
  DEFAULT_SHRINK_ATTEMPTS,
  DEFAULT_SHRINK_ATTEMPTS_REAL_TIME,
} from '../../core/runner/shrink-attempts.ts';
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
import { type Interrupt, withInterrupt, yieldingBetweenRuns } from '../interrupt.ts';
import { addDomainOption, subjectTarget } from '../options/domain-option.ts';
import { faultsOfProperties, parseFaultSelection } from '../options/fault-selection.ts';
import { examplesAndExitCodes, INTERRUPTED_EXIT } from '../options/help-text.ts';
import { collectChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { parseTargetSpec } from '../options/target-spec.ts';
import { createFallbackWriter } from '../output-fallback.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { campaignPartsOf } from '../pack-parts.ts';
import { replayOf, violationsOfFailure } from '../replay-of.ts';
import { TOOL_VERSION } from '../tool-version.ts';
import { parseWorkerCount, resolveWorkerCount } from '../worker-count.ts';

const TARGET = 'inproc';
const MB = 1024 * 1024;

interface SoakFlags {
  domain: string;
  /** `--subject`: the program under test (bots domain), soaked instead of the in-process target. */
  subject?: string;
  duration: number;
  seed?: number;
  property: string[];
  bug: string[];
  faults: string[];
  progressEvery: number;
  shrinkAttempts?: number;
  shrinkBudget?: number;
  out: string;
  json?: boolean;
  workers?: number;
}

export function registerSoakCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const properties = pack.properties.map((p) => p.name);
  const command = program
    .command('soak')
    .description(
      'a long campaign in rounds against the in-process exchange: flat memory, progress lines, stops at the first failure',
    )
    .requiredOption('--duration <duration>', 'how long to soak, e.g. 10m or 2h', parseDuration('--duration'))
    .option(
      '--seed <n>',
      'soak seed; each round derives its own from it (default: from the clock; always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option(
      '--property <name...>',
      `properties to run (default: all): ${properties.join(', ')}`,
      collectChoice('--property', properties),
      [],
    )
    .option(
      '--bug <name...>',
      'build the reference system with a planted bug (see list --bugs)',
      collectChoice('--bug', pack.plantedBugs ?? []),
      [],
    )
    .option(
      '--faults <kinds...>',
      `faults to mix into every property's runs, each required to fire at least once in the soak: all | none | ${FAULT_KINDS.join(', ')}`,
      collectChoice('--faults', ['all', 'none', ...FAULT_KINDS]),
      [],
    )
    .option(
      '--progress-every <duration>',
      'a progress line on stderr this often',
      parseDuration('--progress-every'),
      10_000,
    )
    .option(
      '--shrink-attempts <n>',
      `shrink candidates run for the failure, at most: the same shrunk failure on any machine (default ${DEFAULT_SHRINK_ATTEMPTS} in-process, ${DEFAULT_SHRINK_ATTEMPTS_REAL_TIME} over ws)`,
      parseInteger('--shrink-attempts', 0),
    )
    .option(
      '--shrink-budget <duration>',
      'also cap shrinking the failure by wall-clock time (the result then depends on the machine)',
      parseDuration('--shrink-budget'),
    )
    .option(
      '--workers <n>',
      'worker threads exploring in parallel, each with its own exchange (default: one per core, or SHAKEDOWN_WORKERS)',
      parseWorkerCount('--workers'),
    )
    .option(
      '--subject <module|command>',
      'soak this program (bots domain): a .ts/.js/.mjs file or a command line, instead of the in-process target',
    )
    .option('--out <dir>', 'where a failure is saved as a replay file', 'replays')
    .option('--json', 'print a JSON object with the figures and the verdict on stdout at the end')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown soak --duration 2h',
            'two hours of rounds against the in-process exchange, a progress line every 10s',
          ],
          [
            'npx shakedown soak --duration 10m --faults all --json',
            'every fault kind mixed in; the figures and verdict as JSON',
          ],
        ],
        exitCodes: [
          [0, 'the duration was spent and nothing failed (a growing RSS is reported, never a failure)'],
          [
            1,
            'a property failed (saved as a replay), an SLO was breached, a run proved nothing, or a required fault kind never fired',
          ],
          [2, 'bad flags (one SHK_ line on stderr)'],
          INTERRUPTED_EXIT,
        ],
      }),
    )
    .action(async (flags: SoakFlags) => {
      process.exitCode = await withInterrupt('soak', (interrupt) => soakCommand(domain, flags, interrupt));
    });
  addDomainOption(command);
}

async function soakCommand(domain: LoadedDomain, flags: SoakFlags, interrupt: Interrupt): Promise<number> {
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
  const saved =
    savedPath === undefined
      ? undefined
      : savedPath.fellBack
        ? savedPath.path
        : relative(process.cwd(), savedPath.path);
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
