import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { FAULT_KINDS, type FaultKind } from '../../core/faults/fault.ts';
import type { FaultCounts } from '../../core/faults/fault-record.ts';
import type { TargetSpec } from '../../core/model/domain-pack.ts';
import type { RecordedEvent } from '../../core/model/evidence.ts';
import type { Violation } from '../../core/model/invariant.ts';
import type { Property } from '../../core/model/property.ts';
import type { ReplayFile } from '../../core/replay/replay-file.ts';
import { readReplayFile, writeReplayFile } from '../../core/replay/write-replay-file.ts';
import {
  DEFAULT_SETTINGS,
  executeRun,
  type PropertyFailure,
  runCampaign,
} from '../../core/runner/campaign.ts';
import { NdjsonEventSink } from '../../core/sequencer/ndjson-event-sink.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { TradingAction } from '../../domains/trading/trading-action.ts';
import { tradingPack } from '../../domains/trading/trading-pack.ts';
import { CLIENT_BUG_NAMES } from '../../domains/trading/transport/client-bugs.ts';
import { BUG_NAMES } from '../../exchange/bugs/planted-bugs.ts';
import { loadExchangeConfig } from '../../exchange/config/load-config.ts';
import { createLogger, type LogFormat } from '../logger.ts';
import { collectChoice, parseChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { TOOL_VERSION } from '../tool-version.ts';

interface RunFlags {
  property: string[];
  seed?: number;
  runs: number;
  timeBudget: number;
  shrinkBudget: number;
  maxActions?: number;
  target: string;
  bug: string[];
  config?: string;
  out: string;
  json?: boolean;
  record?: string;
  replays: boolean;
  checkDeterminism?: boolean;
  checkEveryStep?: boolean;
  logLevel: string;
  logFormat?: LogFormat;
  faults: string[];
}

/** `--target` as the user wrote it, turned into what the domain pack understands. */
export function parseTargetSpec(value: string): TargetSpec {
  if (value === 'inproc') return { kind: 'inproc' };
  if (value === 'ws') return { kind: 'embedded-ws' };
  if (value.startsWith('ws://') || value.startsWith('wss://')) return { kind: 'url', url: value };
  return { kind: 'module', path: value };
}

export interface RunSummary {
  seed: number;
  runs: number;
  actions: number;
  durationMs: number;
  passed: boolean;
  interrupted: boolean;
  target: string;
  bugs: string[];
  properties: {
    name: string;
    runs: number;
    actions: number;
    passed: boolean;
    interrupted: boolean;
    faults: FaultCounts;
    /** Kinds the property's `sometimes` assertion required that never fired. */
    unfiredFaults?: FaultKind[];
    /** A run whose checker threw or that broke down: it proves nothing either way. */
    unknown?: { invariant: string; error: string };
  }[];
  /** Faults fired over the campaign, by kind. */
  faults: FaultCounts;
  /** Kinds asked for with --faults that never fired: the campaign fails. */
  unfiredFaults: FaultKind[];
  failures: { property: string; replayFile: string | null; violations: Violation[]; regression: boolean }[];
}

export function registerRunCommand(program: Command): void {
  const properties = tradingPack.properties.map((p) => p.name);
  program
    .command('run')
    .description('run a seeded fuzz campaign: generate, run, check invariants, shrink and save failures')
    .option(
      '--property <name...>',
      `properties to run (default: all): ${properties.join(', ')}`,
      collectChoice('--property', properties),
      [],
    )
    .option(
      '--seed <n>',
      'campaign seed (default: derived from the clock, always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option('--runs <n>', 'generated runs per property', parseInteger('--runs', 1), 100)
    .option(
      '--time-budget <duration>',
      'wall-clock budget for the campaign, e.g. 60s',
      parseDuration('--time-budget'),
      60_000,
    )
    .option(
      '--shrink-budget <duration>',
      'wall-clock budget for shrinking one failure',
      parseDuration('--shrink-budget'),
      20_000,
    )
    .option('--max-actions <k>', 'upper bound on actions per run', parseInteger('--max-actions', 1, 10_000))
    .option('--target <target>', 'inproc | ws (embedded server) | ws://host:port | ./my-target.ts', 'inproc')
    .option(
      '--bug <name...>',
      'build the reference exchange with a planted bug',
      collectChoice('--bug', [...BUG_NAMES, ...CLIENT_BUG_NAMES]),
      [],
    )
    .option(
      '--faults <kinds...>',
      `faults to mix into every property's runs, each required to fire at least once: all | none | ${FAULT_KINDS.join(', ')} (default: each property's own)`,
      collectChoice('--faults', ['all', 'none', ...FAULT_KINDS]),
      [],
    )
    .option('--config <file>', 'exchange config for the reference venue (JSON)')
    .option('--out <dir>', 'where failures are saved (and the regression corpus is read)', 'replays')
    .option('--json', 'print one JSON summary on stdout')
    .option('--record <file>', 'stream every recorded event of every run to an NDJSON file')
    .option('--no-replays', 'skip replaying the saved files in --out first')
    .option('--check-determinism', 'run every sequence twice in-process and fail on any difference')
    .option(
      '--check-every-step',
      'check the invariants after every step (each prefix of a run on its own target)',
    )
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent',
      parseChoice('--log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
      'info',
    )
    .option('--log-format <format>', 'pretty | json', parseChoice('--log-format', ['pretty', 'json']))
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

async function runCommand(flags: RunFlags): Promise<number> {
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
  // The only place a run reads the wall clock: the seed (when not given) and the budgets.
  const seed = flags.seed ?? Date.now() % 2 ** 31;
  const config = loadExchangeConfig(flags.config);
  const spec = parseTargetSpec(flags.target);
  const chosen: Property<TradingAction>[] =
    flags.property.length > 0
      ? tradingPack.properties.filter((p) => flags.property.includes(p.name))
      : [...tradingPack.properties];
  process.stderr.write(`shakedown run: seed ${seed} (rerun with --seed ${seed})\n`);
  logger.info(
    { seed, target: flags.target, bugs: flags.bug, properties: chosen.map((p) => p.name) },
    'campaign starts',
  );
  const faults = parseFaultSelection(flags.faults);
  const factory = await tradingPack.targetFactory(spec, {
    bugs: flags.bug,
    seed,
    config,
    faults: faults ?? faultsOfProperties(chosen),
  } as never);
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
  // Faults asked for by name (or all) must fire, each at least once: chaos that never fired proves nothing.
  const requireFaults = faults === undefined ? [] : faults === 'all' ? [...supported] : faults;
  let recorder: NdjsonEventSink | undefined;
  const summary: RunSummary = {
    seed,
    runs: 0,
    actions: 0,
    durationMs: 0,
    passed: true,
    interrupted: false,
    target: flags.target,
    bugs: flags.bug,
    properties: [],
    failures: [],
    faults: {},
    unfiredFaults: [],
  };
  try {
    if (flags.record) recorder = new NdjsonEventSink(flags.record);
    if (flags.replays) await replayCorpus(flags, factory, summary, logger);
    const started = Date.now();
    const result = await runCampaign<TradingAction>({
      properties: chosen,
      invariants: tradingPack.invariants,
      projection: tradingPack.projection,
      clients: tradingPack.clients,
      factory,
      seed,
      runs: flags.runs,
      timeBudgetMs: flags.timeBudget,
      shrinkBudgetMs: flags.shrinkBudget,
      ...(flags.maxActions === undefined ? {} : { maxActions: flags.maxActions }),
      checkDeterminism: flags.checkDeterminism === true,
      checkEveryStep: flags.checkEveryStep === true,
      ...(faults === undefined ? {} : { faults }),
      requireFaults,
      ...(recorder ? { sink: numberedAcrossRuns(recorder) } : {}),
      now: Date.now,
    });
    summary.runs += result.runs;
    summary.actions += result.actions;
    summary.durationMs = Date.now() - started;
    summary.interrupted = result.interrupted;
    summary.faults = result.faults;
    summary.unfiredFaults = result.unfired;
    if (result.unfired.length > 0) summary.passed = false;
    for (const outcome of result.properties) {
      summary.properties.push({
        name: outcome.property,
        runs: outcome.runs,
        actions: outcome.actions,
        passed: outcome.passed,
        interrupted: outcome.interrupted,
        faults: outcome.faults,
        ...(outcome.unfired ? { unfiredFaults: outcome.unfired } : {}),
        ...(outcome.unknown ? { unknown: outcome.unknown } : {}),
      });
      if (outcome.failure) {
        const file = saveFailure(flags, outcome.failure, summary.durationMs);
        summary.failures.push({
          property: outcome.property,
          replayFile: file,
          violations: outcome.failure.report.evidence ? violationsOf(outcome.failure) : [],
          regression: false,
        });
      } else if (outcome.unknown) {
        logger.warn(outcome.unknown, `${outcome.property}: a run proved nothing (unknown verdict)`);
      }
      if (!outcome.passed) summary.passed = false;
    }
  } finally {
    recorder?.close();
    await factory.dispose?.();
  }
  summary.passed = summary.passed && summary.failures.length === 0;
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printHuman(summary);
  return summary.passed ? EXIT.passed : EXIT.failed;
}

function violationsOf(failure: PropertyFailure<TradingAction>): Violation[] {
  return failure.report.verdict.status === 'fail' ? failure.report.verdict.violations : [];
}

/** Writes the shrunk failure as a replay file; the only file a campaign writes. */
function saveFailure(flags: RunFlags, failure: PropertyFailure<TradingAction>, durationMs: number): string {
  const property = tradingPack.properties.find((p) => p.name === failure.property);
  const replay: ReplayFile = {
    format: 'shakedown-replay',
    version: 1,
    tool: TOOL_VERSION,
    domain: tradingPack.name,
    property: failure.property,
    target: flags.target,
    seed: failure.seed,
    runIndex: failure.runIndex,
    path: failure.path,
    bugs: [...flags.bug],
    settings: {
      ...DEFAULT_SETTINGS,
      ...property?.settings,
      ...(flags.maxActions ? { maxActions: flags.maxActions } : {}),
    },
    actions: failure.report.actions,
    events: failure.report.evidence.events,
    violations: violationsOf(failure),
    verdict: failure.report.verdict.status === 'fail' ? 'fail' : 'unknown',
    evidence: {
      history: failure.report.evidence.history,
      snapshot: failure.report.evidence.snapshot,
      extra: failure.report.evidence.extra,
    },
    createdAt: new Date().toISOString(),
    durationMs,
  };
  return relative(process.cwd(), writeReplayFile(flags.out, replay));
}

/** Saved failures are re-executed first: a regression corpus that must now pass. */
async function replayCorpus(
  flags: RunFlags,
  factory: Awaited<ReturnType<typeof tradingPack.targetFactory>>,
  summary: RunSummary,
  logger: ReturnType<typeof createLogger>,
): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(flags.out)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return;
  }
  for (const name of files) {
    const path = join(flags.out, name);
    const replay = readReplayFile(path);
    const property = tradingPack.properties.find((p) => p.name === replay.property);
    if (!property) {
      logger.warn({ file: path }, `skipping ${path}: unknown property ${replay.property}`);
      continue;
    }
    const invariants = tradingPack.invariants.filter((i) => property.invariants.includes(i.name));
    const report = await executeRun(factory, replay.actions as TradingAction[], {
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      invariants,
      settings: { ...DEFAULT_SETTINGS, ...property.settings },
    });
    summary.runs++;
    summary.actions += replay.actions.length;
    if (report.verdict.status === 'fail') {
      summary.passed = false;
      summary.failures.push({
        property: property.name,
        replayFile: path,
        violations: report.verdict.violations,
        regression: true,
      });
    }
    logger.info({ file: path, verdict: report.verdict.status }, 'regression replay');
  }
}

function printHuman(summary: RunSummary): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `seed ${summary.seed}, target ${summary.target}${summary.bugs.length ? `, bugs ${summary.bugs.join(',')}` : ''}`,
  );
  for (const p of summary.properties) {
    const mark = p.passed ? 'pass' : 'FAIL';
    out(
      `  ${mark}  ${p.name}: ${p.runs} runs, ${p.actions} actions${p.interrupted ? ' (stopped by the time budget)' : ''}`,
    );
    if (p.unfiredFaults?.length) out(`        faults that never fired: ${p.unfiredFaults.join(', ')}`);
    if (p.unknown) out(`        unknown verdict (${p.unknown.invariant}): ${p.unknown.error}`);
  }
  const fired = Object.entries(summary.faults);
  if (fired.length > 0 || summary.unfiredFaults.length > 0) {
    out('');
    out('faults fired:');
    for (const [kind, n] of fired.sort(([a], [b]) => a.localeCompare(b))) out(`  ${kind.padEnd(26)} ${n}`);
    for (const kind of summary.unfiredFaults) out(`  ${kind.padEnd(26)} 0  <- never fired`);
    if (summary.unfiredFaults.length > 0)
      out(
        `the campaign asked for faults that never fired (${summary.unfiredFaults.join(', ')}): it proves nothing about them`,
      );
  }
  for (const f of summary.failures) {
    out('');
    out(`${f.regression ? 'regression ' : ''}failure in ${f.property}:`);
    for (const v of f.violations.slice(0, 10))
      out(`  [${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
    if (f.violations.length > 10) out(`  ... and ${f.violations.length - 10} more`);
    if (f.replayFile) {
      out(`  saved: ${f.replayFile}`);
      out(`  replay: npx shakedown replay ${f.replayFile}`);
    }
  }
  const rate = summary.durationMs > 0 ? Math.round((summary.actions / summary.durationMs) * 1000) : 0;
  out('');
  out(
    `${summary.passed ? 'passed' : 'failed'}: ${summary.runs} runs, ${summary.actions} actions in ${summary.durationMs} ms (${rate} actions/s)${summary.interrupted ? ', interrupted by the time budget' : ''}`,
  );
}

/**
 * Each run numbers its events from gseq 1; a campaign-long record renumbers them so gseq rises
 * through the whole file (a drop back in `step` marks the next run).
 */
function numberedAcrossRuns(sink: NdjsonEventSink): (event: RecordedEvent) => void {
  let offset = 0;
  let last = 0;
  return (event) => {
    if (event.gseq <= last) offset += last;
    last = event.gseq;
    sink.write({ ...event, gseq: event.gseq + offset });
  };
}

/** `--faults`: nothing given means each property's default; `none` turns faults off everywhere. */
function parseFaultSelection(values: readonly string[]): readonly FaultKind[] | 'all' | undefined {
  if (values.length === 0) return undefined;
  if (values.includes('all')) {
    if (values.length > 1)
      throw new ShakedownError('SHK_USAGE', '--faults: "all" cannot be combined with other kinds', {
        exitCode: EXIT.usage,
      });
    return 'all';
  }
  if (values.includes('none')) {
    if (values.length > 1)
      throw new ShakedownError('SHK_USAGE', '--faults: "none" cannot be combined with other kinds', {
        exitCode: EXIT.usage,
      });
    return [];
  }
  return [...new Set(values)] as FaultKind[];
}

/** The kinds the chosen properties mix in by default, so the target can prepare for them. */
function faultsOfProperties(properties: readonly Property<TradingAction>[]): readonly FaultKind[] | 'all' {
  if (properties.some((p) => p.faults === 'all')) return 'all';
  return [...new Set(properties.flatMap((p) => (p.faults === 'all' ? [] : (p.faults ?? []))))];
}
