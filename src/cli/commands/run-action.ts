// The action of `run`: everything a campaign needs (the runner, workers, reporters), loaded by
// run-command.ts only once commander has parsed and validated the command line.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMinCoverage } from '../../core/coverage/min-coverage.ts';
import { isDivergenceFile } from '../../core/diff/divergence-file.ts';
import { type Fault, type FaultKind, faultKind } from '../../core/faults/fault.ts';
import { runLockKey } from '../../core/lock/lock-key.ts';
import { acquireRunLock, currentHolder } from '../../core/lock/run-lock.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { AnyDomainPack, TargetSpec } from '../../core/model/domain-pack.ts';
import type { Property } from '../../core/model/property.ts';
import type { ReplayFile } from '../../core/replay/replay-file.ts';
import { readReplayFile } from '../../core/replay/write-replay-file.ts';
import type { CampaignSummary, FailureSummary } from '../../core/report/campaign-summary.ts';
import type { DomainMeasures } from '../../core/report/domain-measures.ts';
import type { ReportFailure } from '../../core/report/report-input.ts';
import { summarizeCampaign } from '../../core/report/summarize-campaign.ts';
import { untilAbandoned } from '../../core/runner/abandon.ts';
import {
  type CampaignResult,
  DEFAULT_SETTINGS,
  executeRun,
  type PropertyFailure,
  runCampaign,
  runsOf,
} from '../../core/runner/campaign.ts';
import { LanePool } from '../../core/runner/lane-pool.ts';
import { isFailing, violationsOf } from '../../core/runner/run-hang.ts';
import { savedRunJob } from '../../core/runner/run-pool.ts';
import type { RunWatchdog } from '../../core/runner/run-watchdog.ts';
import {
  type InvariantSelection,
  planCampaignInvariants,
  planInvariants,
} from '../../core/runner/select-invariants.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { runScenarioCampaign } from '../../core/scenario/scenario-campaign.ts';
import { NdjsonEventSink } from '../../core/sequencer/ndjson-event-sink.ts';
import { numberedAcrossRuns } from '../../core/sequencer/numbered-across-runs.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { seedFromCommit } from '../../core/shard/derive-seed.ts';
import { parseShard, type Shard, shardOwnsRun } from '../../core/shard/shard.ts';
import { WorkerJudge } from '../../core/workers/worker-judge.ts';
import { WorkerPool } from '../../core/workers/worker-pool.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { campaignOutputs, type OutputPaths, outputPathsToCheck } from '../campaign-outputs.ts';
import { CI_RESULTS_DIR, resolveCommit } from '../ci-mode.ts';
import { findProperty, scenarioActions, tagsOf } from '../find-property.ts';
import { type Interrupt, yieldingBetweenRuns } from '../interrupt.ts';
import { stderrLogs } from '../log-output.ts';
import { createLogger } from '../logger.ts';
import { type ConcurrencyPlan, executionOf, resolveConcurrency } from '../options/concurrency.ts';
import { checkChoices } from '../options/domain-option.ts';
import { faultsOfProperties, parseFaultSelection } from '../options/fault-selection.ts';
import { parseDuration, parseInteger } from '../options/parse-options.ts';
import { parseTargetSpec } from '../options/target-spec.ts';
import { createFallbackWriter, shownPath } from '../output-fallback.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { campaignPartsOf, runPartsOf } from '../pack-parts.ts';
import { printSummary } from '../print-summary.ts';
import { createProgressBar, shouldShowProgress } from '../progress-bar.ts';
import { adapterRecordOf, replayOf } from '../replay-of.ts';
import { subjectCommandsOf } from '../subject-commands-of.ts';
import { TOOL_VERSION } from '../tool-version.ts';
import { parseWorkerCount, resolveWorkerCount } from '../worker-count.ts';

import type { RunFlags } from './run-flags.ts';

/** The settings CI mode changes, resolved from flags, then the environment, then defaults. */
function resolveRunSettings(flags: RunFlags, given: (flag: string) => boolean) {
  const env = process.env;
  const fromEnv = (name: string, parse: (value: string) => number): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    try {
      return parse(value);
    } catch (error) {
      throw new ShakedownError('SHK_USAGE', `${name}: ${(error as Error).message.replace(/^[^:]*: /, '')}`, {
        exitCode: EXIT.usage,
        context: { variable: name },
      });
    }
  };
  const ci = flags.ci === true;
  const runs =
    ci && !given('runs') ? (fromEnv('SHAKEDOWN_RUNS', parseInteger('--runs', 1)) ?? flags.runs) : flags.runs;
  // No budget given: the runs decide how much is done, never how fast the machine is.
  const timeBudget =
    (ci && !given('timeBudget')
      ? (fromEnv('SHAKEDOWN_TIME_BUDGET', parseDuration('--time-budget')) ?? flags.timeBudget)
      : flags.timeBudget) ?? Number.POSITIVE_INFINITY;
  const shardText = flags.shard ?? env.SHAKEDOWN_SHARD;
  const shard = shardText ? parseShard(shardText) : undefined;
  let seedSource: CampaignSummary['seedSource'] = 'flag';
  let commit: string | undefined;
  let seed = flags.seed;
  if (seed === undefined && ci) {
    commit = resolveCommit(env).commit;
    seedSource = 'commit';
    seed = seedFromCommit(commit, '');
  } else if (seed === undefined) {
    // The only place a run reads the wall clock for anything but budgets.
    seed = Date.now() % 2 ** 31;
    seedSource = 'clock';
  }
  const paths: OutputPaths = {
    ...(flags.summary
      ? { summary: flags.summary }
      : ci
        ? { summary: join(CI_RESULTS_DIR, 'summary.json') }
        : {}),
    ...(flags.junit ? { junit: flags.junit } : ci ? { junit: join(CI_RESULTS_DIR, 'junit.xml') } : {}),
    ...(flags.report ? { report: flags.report } : ci ? { report: join(CI_RESULTS_DIR, 'report') } : {}),
  };
  return { ci, runs, timeBudget, shard, seed, seedSource, commit, paths };
}

export async function runCommand(
  domain: LoadedDomain,
  flags: RunFlags,
  given: (flag: string) => boolean,
  interrupt: Interrupt,
): Promise<number> {
  const { pack } = domain;
  const settings = resolveRunSettings(flags, given);
  if (settings.ci) process.env.NO_COLOR = '1';
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
  const { seed, commit, shard } = settings;
  const config = pack.loadConfig?.(flags.config);
  const spec = parseTargetSpec(flags.target, '--target', { moduleMustExist: true });
  const subjects = subjectCommandsOf(pack);
  if (subjects && flags.bug.length > 0) {
    const declared = await subjects.plantedBugsOf(spec);
    if (declared !== undefined) checkChoices('--bug', flags.bug, declared);
  }
  // A long-lived venue answers a sequence run twice differently (ids, seqs, book state): the
  // check would only report false failures, and save them into the regression corpus.
  if (flags.checkDeterminism && spec.kind !== 'inproc')
    throw new ShakedownError(
      'SHK_USAGE',
      `--check-determinism: determinism is checked in-process only (--target inproc), not over ${flags.target}, whose venue keeps its state between the two runs of a sequence`,
      { exitCode: EXIT.usage, context: { flag: '--check-determinism', target: flags.target } },
    );
  // Every output is checked before the target is touched: a campaign must not end unable to save.
  checkOutputPaths([
    { flag: '--out', path: flags.out, kind: 'dir' },
    ...outputPathsToCheck(settings.paths),
    ...(flags.record ? [{ flag: '--record', path: flags.record, kind: 'stream' as const }] : []),
  ]);
  const minCoverage = parseMinCoverage(flags.minCoverage, pack.surface);
  const catalog = pack.scenarios ?? [];
  const scenarios: Scenario[] = flags.scenario.includes('all')
    ? [...catalog]
    : catalog.filter((s) => flags.scenario.includes(s.name));
  const toProperty = pack.scenarioProperty;
  if (flags.fuzz && scenarios.length > 0 && !toProperty)
    throw new ShakedownError('SHK_USAGE', `--fuzz: the ${pack.name} domain cannot fuzz its scenarios`, {
      exitCode: EXIT.usage,
    });
  if (flags.fuzz && scenarios.length === 0)
    throw new ShakedownError(
      'SHK_USAGE',
      '--fuzz: give the scenarios to vary with --scenario NAME or --scenario all',
      {
        exitCode: EXIT.usage,
      },
    );
  // Fixed scenarios run as they are; with --fuzz each becomes a property of its variations.
  // Sharded, each scenario (one run each) goes to one shard, as a property's runs do.
  const fixedScenarios = flags.fuzz
    ? []
    : scenarios.filter((s) => shard === undefined || shardOwnsRun(shard, s.name, 0));
  const chosen: Property[] =
    scenarios.length > 0
      ? flags.fuzz && toProperty
        ? scenarios.map((s) => toProperty(s))
        : []
      : flags.property.length > 0
        ? pack.properties.filter((p) => flags.property.includes(p.name))
        : pack.properties.filter((p) => !p.optIn);
  // --invariants and --skip-invariants alone leaving a property nothing to check: a usage error
  // before anything starts (the target's capabilities are checked once it is built).
  if (fixedScenarios.length === 0)
    planCampaignInvariants(chosen, pack.invariants, undefined, invariantSelection(flags));
  const seedOf = commit ? (property: string) => seedFromCommit(commit, property) : undefined;
  // Checked before the target is touched: a bad count is a usage error, not a preflight one.
  const threads =
    fixedScenarios.length > 0
      ? 1
      : resolveWorkerCount({
          flag: flags.workers,
          env: process.env,
          spec,
          plannedRuns: plannedRuns(chosen, settings.runs, shard),
        });
  // Runs at once over a real venue: decided with the workers, before the target is touched.
  const concurrency = resolveConcurrency({
    flag: flags.concurrency,
    laneUrls: flags.laneUrl.map((url) => laneUrlOf(url)),
    spec,
    workersAsked: flags.workers ?? workersFromEnv(),
    plannedRuns: plannedRuns(chosen, settings.runs, shard),
    scenarios: fixedScenarios.length > 0,
    processFaults: mayInjectProcessFaults(flags.faults, chosen),
  });
  const workers = concurrency.lanes > 1 ? 1 : threads;
  process.stderr.write(
    `shakedown run: seed ${seed} (rerun with --seed ${seed})${shard ? `, shard ${shard.index}/${shard.count}` : ''}\n`,
  );
  if (seedOf && commit) {
    process.stderr.write(`  seeds from commit ${commit}; rerun one property with:\n`);
    for (const p of chosen)
      process.stderr.write(`    npx shakedown run --property ${p.name} --seed ${seedOf(p.name)}\n`);
  }
  logger.info(
    { seed, target: flags.target, bugs: flags.bug, properties: chosen.map((p) => p.name) },
    'campaign starts',
  );
  // A venue shakedown did not start is shared: one campaign at a time, and only once its
  // sandbox is proven sealed (fail-closed, before a single order of the campaign).
  const preflight = pack.preflight;
  const sandboxPrefix = flags.sandboxPrefix ?? preflight?.sandboxPrefix?.(config);
  const lock = preflight?.needsRunLock(spec)
    ? await acquireRunLock({
        key: runLockKey(flags.target, sandboxPrefix ?? ''),
        timeoutMs: flags.lockTimeout,
        holder: currentHolder(process.argv.slice(1).join(' ')),
      })
    : undefined;
  // Each declared lane is a venue of its own: locked as a target is, so two campaigns never share one.
  const laneLocks: { release(): void }[] = [];
  try {
    for (const lane of concurrency.lanes > 1 ? concurrency.laneSpecs : [])
      if (lane.kind === 'url' && preflight?.needsRunLock(lane))
        laneLocks.push(
          await acquireRunLock({
            key: runLockKey(lane.url, sandboxPrefix ?? ''),
            timeoutMs: flags.lockTimeout,
            holder: currentHolder(process.argv.slice(1).join(' ')),
          }),
        );
  } catch (error) {
    for (const held of laneLocks) held.release();
    lock?.release();
    throw error;
  }
  if (lock?.tookOverFrom)
    logger.warn(
      { stale: lock.tookOverFrom, path: lock.path },
      'run lock: took over the lock of a process that is gone',
    );
  try {
    if (spec.kind === 'url' && preflight) {
      const outcome = await preflight.check({ url: spec.url, config, sandboxPrefix });
      if (!outcome.passed)
        throw (
          outcome.error ??
          new ShakedownError(
            'SHK_PREFLIGHT_INCONCLUSIVE',
            `preflight: ${spec.url} is not proven isolated; nothing was run`,
            { exitCode: EXIT.unreachable },
          )
        );
      logger.info({ checks: outcome.report }, 'preflight: the sandbox is isolated');
      // Each declared lane is a venue of its own: each is proven sealed before any order.
      for (const lane of concurrency.lanes > 1 ? concurrency.laneSpecs : []) {
        if (lane.kind !== 'url') continue;
        const checked = await preflight.check({ url: lane.url, config, sandboxPrefix });
        if (!checked.passed)
          throw (
            checked.error ??
            new ShakedownError(
              'SHK_PREFLIGHT_INCONCLUSIVE',
              `preflight: lane ${lane.url} is not proven isolated; nothing was run`,
              { exitCode: EXIT.unreachable },
            )
          );
      }
    } else if (spec.kind === 'module' && preflight) {
      logger.warn(
        'preflight: an adapter module is responsible for its own sandbox isolation (docs/adapters.md)',
      );
    }
    return await runWithTarget(domain, flags, {
      settings,
      spec,
      config,
      chosen,
      fixedScenarios,
      seedOf,
      minCoverage,
      logger,
      workers,
      concurrency,
      interrupt,
    });
  } finally {
    for (const held of laneLocks) held.release();
    lock?.release();
  }
}

/** What `run` decided before touching the target: the flags resolved, checked and planned. */
interface RunPlan {
  settings: ReturnType<typeof resolveRunSettings>;
  spec: TargetSpec;
  /** The system's config as the domain loaded it (opaque here). */
  config: unknown;
  chosen: Property[];
  fixedScenarios: Scenario[];
  seedOf: ((property: string) => number) | undefined;
  minCoverage: ReturnType<typeof parseMinCoverage>;
  logger: ReturnType<typeof createLogger>;
  /** Worker threads to explore in (1: the campaign's own thread). */
  workers: number;
  /** Runs at once over a real venue, on lanes of the campaign's thread, and each lane's target. */
  concurrency: ConcurrencyPlan;
  /** SIGINT and SIGTERM: stop generating, then stop waiting; the partial results are written. */
  interrupt: Interrupt;
}

async function runWithTarget(domain: LoadedDomain, flags: RunFlags, plan: RunPlan): Promise<number> {
  const { pack } = domain;
  const { settings, spec, config, chosen, fixedScenarios, seedOf, minCoverage, logger, interrupt } = plan;
  const { seed, commit, shard } = settings;
  const faults = parseFaultSelection(flags.faults);
  const targetFaults =
    faults ?? (fixedScenarios.length > 0 ? faultsOfScenarios(fixedScenarios) : faultsOfProperties(chosen));
  // One turn of the event loop per run, so that a signal is heard during an in-process campaign.
  const factory = yieldingBetweenRuns(
    await pack.targetFactory(spec, {
      bugs: flags.bug,
      seed,
      config,
      faults: targetFaults,
    } as Parameters<AnyDomainPack['targetFactory']>[1]),
  );
  // An adapter module: where it is and the options it was loaded with, for the replay files.
  const adapter = adapterRecordOf(spec, factory);
  // A module's factory may say its targets share one system: then it explores on one worker.
  let workers = plan.workers;
  if (spec.kind === 'module' && factory.shared === true && fixedScenarios.length === 0) {
    try {
      workers = resolveWorkerCount({
        flag: flags.workers,
        env: process.env,
        spec,
        plannedRuns: plannedRuns(chosen, settings.runs, shard),
        shared: true,
      });
    } catch (error) {
      await factory.dispose?.();
      throw error;
    }
  }
  // Runs of an adapter module execute where they can be killed (a loop in its code would
  // stop this thread for good): exploring on a pool, even of one worker, and shrinking,
  // final runs and the saved corpus in a worker judge. Each worker loads the module itself,
  // with the options this thread loaded it with.
  const killable = spec.kind === 'module' && fixedScenarios.length === 0 && pack.reference !== undefined;
  const workerSpec: TargetSpec =
    spec.kind === 'module' && adapter && adapter.options !== null
      ? { ...spec, options: adapter.options }
      : spec;
  const workerTargetOptions = { bugs: flags.bug, seed, config, faults: targetFaults };
  const setTimer = (ms: number, fn: () => void): (() => void) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  };
  const watchdog: RunWatchdog = { timeoutMs: flags.runTimeout, setTimer };
  const reference = pack.reference;
  const isolated =
    killable && reference
      ? new WorkerJudge<ActionBase>({
          pack: reference,
          spec: workerSpec,
          targetOptions: workerTargetOptions,
          runTimeoutMs: flags.runTimeout,
          setTimer,
          describeAction: pack.describeAction,
        })
      : undefined;
  const maxFailures = flags.maxFailures ?? (flags.keepGoing ? DEFAULT_MAX_FAILURES : 1);
  const supported = factory.faultKinds ?? [];
  if (Array.isArray(faults)) {
    const unsupported = faults.filter((kind) => !supported.includes(kind));
    if (unsupported.length > 0) {
      await factory.dispose?.();
      throw new ShakedownError(
        'SHK_FAULT_UNSUPPORTED',
        `--faults: target ${flags.target} cannot inject ${unsupported.join(', ')}; it supports ${supported.join(', ') || 'no faults'}`,
        { exitCode: EXIT.usage, context: { unsupported, supported } },
      );
    }
  }
  // What each property checks against this target, decided before any run (the corpus included):
  // a property left with nothing to check is a usage error, never a pass.
  const selection = invariantSelection(flags);
  if (fixedScenarios.length === 0) {
    try {
      planCampaignInvariants(chosen, pack.invariants, factory.capabilities, selection);
    } catch (error) {
      await factory.dispose?.();
      throw error;
    }
    const known = pack.capabilities;
    const unknownCapabilities = known ? (factory.capabilities ?? []).filter((c) => !known.includes(c)) : [];
    if (unknownCapabilities.length > 0)
      logger.warn(
        { unknown: unknownCapabilities, known },
        `the target declares capabilities no ${pack.name} invariant knows: ${unknownCapabilities.join(', ')}`,
      );
  }
  // Faults asked for by name (or all) must fire, each at least once: chaos that never fired proves nothing.
  const requireFaults = faults === undefined ? [] : faults === 'all' ? [...supported] : faults;
  const transport = spec.kind === 'inproc' ? 'inproc' : spec.kind === 'module' ? 'module' : 'ws';
  const progress = shouldShowProgress({
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    ci: settings.ci,
    json: flags.json === true,
    wanted: flags.progress,
  })
    ? createProgressBar({
        stream: process.stderr,
        totalRuns: plannedRuns(chosen, settings.runs, shard),
        timeBudgetMs: settings.timeBudget,
        now: Date.now,
        // Log lines (and the warnings below) go above the bar, never into it.
        logs: stderrLogs,
      })
    : undefined;
  // A signal gives the terminal back at once: cursor shown, line wrap on.
  if (progress) interrupt.onSignal(() => progress.stop());
  let recorder: NdjsonEventSink | undefined;
  let pool: WorkerPool<ActionBase> | undefined;
  let lanes: LanePool<ActionBase> | undefined;
  const regressions = { failures: [] as FailureSummary[], runs: 0, actions: 0 };
  // Each saved replay by its path, to pair with its entry in the summary for the reports.
  const replays = new Map<string, ReplayFile>();
  let summary: CampaignSummary;
  const fallback = createFallbackWriter({ warn: (line) => stderrLogs.write(`${line}\n`) });
  const started = Date.now();
  try {
    if (flags.record) recorder = new NdjsonEventSink(flags.record);
    if ((workers > 1 || killable) && reference) {
      pool = await WorkerPool.start<ActionBase>({
        size: workers,
        pack: reference,
        spec: workerSpec,
        targetOptions: workerTargetOptions,
        // The pack's own properties are generated in the workers; a fuzzed scenario is not
        // the pack's, so its runs are generated here and sent.
        generates: flags.fuzz ? [] : chosen.map((p) => p.name),
        // A run past the run timeout has its worker terminated: the run hung.
        runTimeoutMs: flags.runTimeout,
        setTimer,
      });
      logger.info({ workers }, 'workers started');
    }
    if (plan.concurrency.lanes > 1 && fixedScenarios.length === 0) {
      // Each lane builds its own target from its own spec, with the options the main one had:
      // its own embedded venue (and proxy, and process), or its declared URL.
      const laneSpecs = plan.concurrency.laneSpecs;
      const laneOptions = { bugs: flags.bug, seed, config, faults: targetFaults } as Parameters<
        AnyDomainPack['targetFactory']
      >[1];
      const parts = campaignPartsOf(pack);
      lanes = new LanePool<ActionBase>({
        lanes: plan.concurrency.lanes,
        laneFactory: (lane) => pack.targetFactory(laneSpecs[lane] ?? spec, laneOptions),
        clients: parts.clients,
        projection: parts.projection,
        invariants: parts.invariants,
        describeAction: parts.describeAction,
        exercised: (evidence) => pack.exercised(evidence as never),
        ...(pack.report
          ? { measure: (evidence) => (pack.report as NonNullable<typeof pack.report>).measure(evidence) }
          : {}),
        watchdog,
      });
      logger.info({ lanes: plan.concurrency.lanes }, 'lanes ready');
    }
    // Every shard would replay the same corpus: the first one does it for all.
    if (flags.replays && fixedScenarios.length === 0 && (shard === undefined || shard.index === 1))
      await replayCorpus(domain, flags, factory, regressions, replays, logger, interrupt.stop, selection, {
        watchdog,
        ...(isolated ? { isolated } : {}),
      });
    const actionsSoFar = new Map<string, number>();
    const report = pack.report;
    const result =
      fixedScenarios.length > 0
        ? // The catalog has no stop input: a signal lets it run through the grace, then abandons it.
          await untilAbandoned(
            () =>
              runScenarioCampaign(factory, fixedScenarios, {
                clients: pack.clients,
                projection: pack.projection,
                invariants: pack.invariants,
                seed,
                now: Date.now,
                exercised: (evidence) => pack.exercised(evidence),
              }),
            interrupt.abandon,
          )
        : await runCampaign<ActionBase>({
            // The pack whole: clients, projection, invariants, its surface, how it words actions.
            ...campaignPartsOf(pack),
            properties: chosen,
            selection,
            factory,
            seed,
            ...(seedOf ? { seedOf } : {}),
            runs: settings.runs,
            // The venue the campaign aims at reaches every generator, on any target (--config).
            generationConfig: config,
            ...(shard ? { shard } : {}),
            timeBudgetMs: settings.timeBudget,
            // The budget is the command's wall clock: starting up, the workers and the corpus
            // come out of it; each property's share ends on a timer, even mid-run on a pool.
            startedAt: performance.timeOrigin,
            setTimer,
            runTimeoutMs: flags.runTimeout,
            maxFailures,
            ...(isolated ? { isolated } : {}),
            ...(flags.shrinkAttempts === undefined ? {} : { shrinkAttempts: flags.shrinkAttempts }),
            ...(flags.shrinkBudget === undefined ? {} : { shrinkBudgetMs: flags.shrinkBudget }),
            ...(flags.maxActions === undefined ? {} : { maxActions: flags.maxActions }),
            checkDeterminism: flags.checkDeterminism === true,
            checkEveryStep: flags.checkEveryStep === true,
            ...(faults === undefined ? {} : { faults }),
            requireFaults,
            transport,
            ...(recorder ? { sink: numberedAcrossRuns((event, gseq) => recorder?.write(event, gseq)) } : {}),
            ...(pool ? { pool } : lanes ? { pool: lanes } : {}),
            // The domain's own figures (latency per upstream, continuity...), one measure per run.
            ...(report ? { measure: (evidence: unknown) => report.measure(evidence) } : {}),
            stop: interrupt.stop,
            abandon: interrupt.abandon,
            now: Date.now,
            ...(progress
              ? {
                  onProperty: (name: string) => progress.property(name),
                  onRun: (p: { property: string; actions: number; failed: boolean }) => {
                    const before = actionsSoFar.get(p.property) ?? 0;
                    actionsSoFar.set(p.property, p.actions);
                    progress.run({ actions: p.actions - before, failed: p.failed });
                  },
                }
              : {}),
          });
    progress?.stop();
    const durationMs = Date.now() - started;
    const saved = new Map<PropertyFailure<unknown>, string>();
    for (const outcome of result.properties) {
      // A fixed scenario is replayed by running it again (--scenario NAME): no replay file.
      if (outcome.failure && fixedScenarios.length === 0) {
        // Every distinct failure (--keep-going) to a file of its own.
        for (const failure of outcome.failures ?? [outcome.failure]) {
          const replay = replayOf(domain, failure, {
            target: flags.target,
            ...(adapter ? { adapter } : {}),
            bugs: flags.bug,
            ...(flags.maxActions ? { maxActions: flags.maxActions } : {}),
            durationMs,
          });
          const stored = fallback.saveReplay('--out', flags.out, replay);
          if (stored !== undefined) {
            const file = shownPath(stored);
            saved.set(failure as PropertyFailure<unknown>, file);
            replays.set(file, replay);
          }
        }
      } else if (outcome.unknown) {
        logger.warn(outcome.unknown, `${outcome.property}: a run proved nothing (unknown verdict)`);
      }
    }
    summary = summarizeCampaign(result as CampaignResult<unknown>, {
      tool: TOOL_VERSION,
      domain: domain.recordAs,
      seedSource: settings.seedSource,
      ...(commit ? { commit } : {}),
      ...(shard ? { shard } : {}),
      target: flags.target,
      transport,
      ...(plan.concurrency.execution && fixedScenarios.length === 0
        ? { execution: executionOf(plan.concurrency.execution, factory) }
        : {}),
      clock: spec.kind === 'inproc' || factory.virtual === true ? 'virtual' : 'wall',
      bugs: flags.bug,
      registry: pack.surface,
      tagsOf: (name) => tagsOf(pack, name),
      requiredFaults: requireFaults,
      minCoverage,
      replayFileOf: (failure) => saved.get(failure) ?? null,
      regressions,
      // A new failure that shrank to a saved run is that regression found again (summary `duplicateOf`).
      savedActionsOf: (file) => replays.get(file)?.actions,
      durationMs,
      strict: flags.strict === true,
      // The domain's sections, made from what its runs measured.
      ...(report && result.measures
        ? { domainReport: { measures: result.measures, sections: (m: DomainMeasures) => report.sections(m) } }
        : {}),
    });
    if (interrupt.signal) summary = { ...summary, interrupted: true, signal: interrupt.signal };
  } finally {
    progress?.stop();
    recorder?.close();
    // Interrupted, neither may hold the partial results up: each gets a bounded wait, and
    // whatever child is left is killed (and its temp dir removed) at exit.
    await interrupt.bounded(pool?.close());
    // Abandoned runs are not waited for: their lanes' venues are stopped under them.
    await interrupt.bounded(lanes?.close({ wait: !interrupt.abandon.aborted }));
    await interrupt.bounded(isolated?.close());
    await interrupt.bounded(factory.dispose?.());
  }
  const failures: ReportFailure[] = summary.failures.flatMap((f) => {
    const replay = f.replayFile === null ? undefined : replays.get(f.replayFile);
    return replay ? [{ summary: f, replay }] : [];
  });
  // Never throws: an output that cannot be written goes to a temp folder, and the summary is printed.
  const { written } = fallback.writeOutputs(
    campaignOutputs(summary, settings.paths, failures, undefined, pack),
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printSummary(summary, (line) => process.stdout.write(`${line}\n`));
  for (const file of written) logger.info({ file }, 'written');
  if (written.length > 0 && !flags.json) process.stderr.write(`wrote ${written.join(', ')}\n`);
  // A failure found stays exit 1; a pass whose results could not all be saved where asked is not a pass.
  if (summary.verdict !== 'pass') return EXIT.failed;
  return fallback.fellBack ? EXIT.usage : EXIT.passed;
}

/** A `--lane-url` value: a ws:// or wss:// URL, as --target takes one. */
function laneUrlOf(value: string): string {
  const lane = parseTargetSpec(value, '--lane-url');
  if (lane.kind !== 'url')
    throw new ShakedownError('SHK_USAGE', `--lane-url ${value}: a lane is a venue at a ws:// or wss:// URL`, {
      exitCode: EXIT.usage,
      context: { flag: '--lane-url', value },
    });
  return lane.url;
}

/** Whether the target will be built for process faults (each embedded lane then starts a venue process). */
function mayInjectProcessFaults(flags: string[], chosen: readonly Property[]): boolean {
  const kinds = parseFaultSelection(flags) ?? faultsOfProperties(chosen);
  return kinds === 'all' || kinds.some((kind) => kind.startsWith('process.'));
}

/** SHAKEDOWN_WORKERS when set (checked by resolveWorkerCount before this is read). */
function workersFromEnv(): number | undefined {
  const value = process.env.SHAKEDOWN_WORKERS;
  return value === undefined || value === '' ? undefined : parseWorkerCount('SHAKEDOWN_WORKERS')(value);
}

/** Distinct failures per property with --keep-going, unless --max-failures says. */
const DEFAULT_MAX_FAILURES = 10;

/** --invariants and --skip-invariants, as the campaign takes them. */
function invariantSelection(flags: RunFlags): InvariantSelection {
  return {
    ...(flags.invariants.length > 0 ? { only: flags.invariants } : {}),
    ...(flags.skipInvariants.length > 0 ? { skip: flags.skipInvariants } : {}),
  };
}

/** How many runs this campaign (or shard) will execute at most: the progress bar's total. */
function plannedRuns(properties: readonly Property[], runs: number, shard: Shard | undefined): number {
  // A property may cap its runs (PropertySettings.maxRuns).
  if (shard === undefined) return properties.reduce((sum, p) => sum + runsOf(p, { runs }), 0);
  // Counted, not enumerated: --runs may be 1e9. A shard owns every count-th run from an offset.
  let total = 0;
  for (const p of properties) {
    const own = runsOf(p, { runs });
    let first = 0;
    while (first < Math.min(own, shard.count) && !shardOwnsRun(shard, p.name, first)) first++;
    if (first < own) total += Math.ceil((own - first) / shard.count);
  }
  return total;
}

/** Saved failures are re-executed first: a regression corpus that must now pass. */
async function replayCorpus(
  domain: LoadedDomain,
  flags: RunFlags,
  factory: Awaited<ReturnType<AnyDomainPack['targetFactory']>>,
  regressions: { failures: FailureSummary[]; runs: number; actions: number },
  replays: Map<string, ReplayFile>,
  logger: ReturnType<typeof createLogger>,
  stop: AbortSignal,
  selection: InvariantSelection,
  bound: { watchdog: RunWatchdog; isolated?: WorkerJudge<ActionBase> },
): Promise<void> {
  const { pack } = domain;
  // A subject declares its own planted bugs (checked when it was loaded), not the pack's list.
  const recorded = {
    ...pack,
    name: domain.recordAs,
    ...(subjectCommandsOf(pack) !== undefined ? { plantedBugs: undefined } : {}),
  };
  let files: string[];
  try {
    files = readdirSync(flags.out)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return;
  }
  for (const name of files) {
    if (stop.aborted) return;
    const path = join(flags.out, name);
    let replay: ReplayFile;
    try {
      replay = readReplayFile(path, recorded);
    } catch (error) {
      // One bad file (hand-edited, foreign, too big) is named and skipped; the corpus and the campaign go on.
      if (!(error instanceof ShakedownError)) throw error;
      logger.warn({ file: path, code: error.code, field: error.context.field }, `skipping ${error.message}`);
      continue;
    }
    // A divergence saved by diff (diff --out pointed here): one side alone proves nothing.
    if (isDivergenceFile(replay)) {
      logger.warn(
        { file: path },
        `skipping ${path}: a divergence saved by shakedown diff, not a regression of one target (rerun the diff; docs/diff.md)`,
      );
      continue;
    }
    const property = findProperty(pack, replay.property);
    if (!property) {
      logger.warn({ file: path }, `skipping ${path}: unknown property ${replay.property}`);
      continue;
    }
    // Checked as the campaign checks the property: what the target provides, what the user chose.
    const byName = new Map(pack.invariants.map((i) => [i.name, i]));
    const invariants = planInvariants(property, byName, factory.capabilities, selection).checked;
    if (invariants.length === 0) {
      logger.warn({ file: path }, `skipping ${path}: none of ${property.name}'s invariants is checked here`);
      continue;
    }
    const settings = { ...DEFAULT_SETTINGS, ...property.settings };
    // Under the run timeout like every run; an adapter's in a thread that can be killed.
    const report = bound.isolated
      ? await bound.isolated.judge(
          savedRunJob(property.name, invariants, settings),
          replay.actions as ActionBase[],
        )
      : await executeRun(factory, replay.actions as ActionBase[], {
          ...runPartsOf(pack),
          invariants,
          settings,
          watchdog: bound.watchdog,
        });
    regressions.runs++;
    regressions.actions += replay.actions.length;
    if (isFailing(report.verdict.status)) {
      const failure: FailureSummary = {
        property: property.name,
        seed: replay.seed,
        runIndex: replay.runIndex,
        path: replay.path,
        shrinks: 0,
        actions: replay.actions.length,
        replayFile: path,
        violations: violationsOf(report.verdict),
        ...(report.verdict.status === 'hang' ? { verdict: 'hang' as const } : {}),
        regression: true,
      };
      regressions.failures.push(failure);
      // The report shows this run, not the one recorded when the file was saved.
      replays.set(path, {
        ...replay,
        events: report.evidence.events,
        violations: violationsOf(report.verdict),
        evidence: {
          history: report.evidence.history,
          snapshot: report.evidence.snapshot,
          extra: report.evidence.extra,
        },
      });
    }
    logger.info({ file: path, verdict: report.verdict.status }, 'regression replay');
  }
}

/** The kinds the scenarios' fault steps need, so the target can prepare for them. */
function faultsOfScenarios(scenarios: readonly Scenario[]): readonly FaultKind[] {
  const kinds = new Set<FaultKind>();
  for (const scenario of scenarios)
    for (const action of scenarioActions(scenario)) {
      const fault = (action as { fault?: Fault }).fault;
      if (action.kind === 'fault' && fault !== undefined) kinds.add(faultKind(fault));
    }
  return [...kinds];
}
