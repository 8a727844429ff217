import { relative, resolve } from 'node:path';
import { findProperty } from '../cli/find-property.ts';
import { yieldingBetweenRuns } from '../cli/interrupt.ts';
import { runPartsOf } from '../cli/pack-parts.ts';
import { replayOf } from '../cli/replay-of.ts';
import type { ActionBase } from '../core/model/action.ts';
import type { Invariant } from '../core/model/invariant.ts';
import type { Property } from '../core/model/property.ts';
import { writeReplayFile } from '../core/replay/write-replay-file.ts';
import {
  DEFAULT_SETTINGS,
  type PropertyFailure,
  type PropertyOutcome,
  runCampaign,
} from '../core/runner/campaign.ts';
import { violationsOf } from '../core/runner/run-hang.ts';
import { DEFAULT_DOMAIN, type LoadedDomain, loadDomain } from '../domains/registry.ts';
import { actionLines, ShakedownTestFailure, shellWord, violationLines } from './failure-message.ts';
import { openTarget } from './open-target.ts';
import { resolveSeed, SEED_VARIABLE } from './resolve-seed.ts';
import {
  type CampaignTestOptions,
  DEFAULT_REPLAYS_DIR,
  DEFAULT_RUNS,
  DEFAULT_TEST_RUN_TIMEOUT_MS,
  DEFAULT_TIME_BUDGET_MS,
} from './vitest-options.ts';

/** What a test body hands over from Vitest's context. */
export interface TestBodyContext {
  /** Aborted when the test times out or the run is cancelled: no new run starts. */
  signal?: AbortSignal;
  /** Prints a line in the test's output (the seed; what passed). */
  log(line: string): void;
  /** The test file (as Vitest names it, from its root) and the test's name: how to rerun it alone. */
  rerun?: { file: string; test: string };
}

/**
 * One property's campaign, as the body of its Vitest test: resolves when it passed, throws a
 * ShakedownTestFailure naming the violations, the shrunk actions and the saved replay file when
 * it failed. Imported only when the test runs (campaign-tests.ts): registering tests costs nothing.
 */
export async function runCampaignTest(
  given: string | Property,
  options: CampaignTestOptions,
  context: TestBodyContext,
): Promise<void> {
  const domain = await loadDomain(options.domain ?? DEFAULT_DOMAIN, 'domain');
  const { pack } = domain;
  const invariants: readonly Invariant[] = [...pack.invariants, ...(options.invariants ?? [])];
  const property = typeof given === 'string' ? knownProperty(domain, given) : given;
  const { seed, source } = resolveSeed(options.seed, process.env);
  const rerun = rerunCommand(seed, context);
  context.log(`shakedown ${property.name}: seed ${seed} (${source}); rerun: ${rerun}`);
  const bugs = options.bugs ?? [];
  unknownBugs(domain, bugs);
  const target = await openTarget(options.target ?? 'inproc', {
    pack,
    bugs,
    seed,
    faults: options.faults ?? property.faults ?? [],
  });
  try {
    if (bugs.length > 0 && !target.reference)
      throw new TypeError(
        `bugs: planted bugs build the reference venue ('inproc' or 'ws'), not ${JSON.stringify(target.name)}`,
      );
    const supported = target.factory.faultKinds ?? [];
    const started = Date.now();
    const result = await runCampaign<ActionBase>({
      ...runPartsOf(pack),
      properties: [property],
      invariants,
      // One turn of the event loop per run: Vitest's timeout and its messages get through.
      factory: yieldingBetweenRuns(target.factory),
      seed,
      runs: options.runs ?? DEFAULT_RUNS,
      timeBudgetMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS,
      now: Date.now,
      setTimer,
      runTimeoutMs: options.runTimeoutMs ?? DEFAULT_TEST_RUN_TIMEOUT_MS,
      transport: target.transport,
      ...(options.maxActions === undefined ? {} : { maxActions: options.maxActions }),
      ...(options.shrinkAttempts === undefined ? {} : { shrinkAttempts: options.shrinkAttempts }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
      // Fault kinds asked for by name must fire, as with `shakedown run --faults`.
      requireFaults:
        options.faults === undefined ? [] : options.faults === 'all' ? [...supported] : options.faults,
      ...(context.signal ? { stop: context.signal } : {}),
    });
    const outcome = result.properties[0]!;
    if (outcome.failure) {
      const saved = saveFailure(
        domain,
        outcome.failure,
        property,
        options,
        target,
        bugs,
        Date.now() - started,
      );
      throw new ShakedownTestFailure(failureMessage(domain, outcome, outcome.failure, saved, rerun));
    }
    const unfired = [...(outcome.unfired ?? []), ...result.unfired];
    const problem = outcome.unknown
      ? `a run proved nothing: invariant ${outcome.unknown.invariant} threw: ${outcome.unknown.error}`
      : unfired.length > 0
        ? `fault kinds that never fired: ${[...new Set(unfired)].join(', ')} (chaos that never happens proves nothing)`
        : outcome.slos.some((slo) => slo.breached)
          ? `SLO breached: ${outcome.slos
              .filter((slo) => slo.breached)
              .map((slo) => JSON.stringify(slo))
              .join('; ')}`
          : outcome.runs === 0
            ? `no run within the budget (${options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS} ms): nothing was tested`
            : undefined;
    if (problem !== undefined)
      throw new ShakedownTestFailure(
        `shakedown ${property.name} (seed ${seed}): ${problem}\nrerun: ${rerun}`,
      );
    context.log(
      `shakedown ${property.name}: passed, ${outcome.runs} runs, ${outcome.actions} actions${outcome.interrupted ? ' (stopped by its budget)' : ''}`,
    );
  } finally {
    await target.dispose();
  }
}

function knownProperty(domain: LoadedDomain, name: string): Property {
  const property = findProperty(domain.pack, name);
  if (property) return property;
  const known = domain.pack.properties.map((p) => p.name).join(', ');
  throw new TypeError(
    `property ${JSON.stringify(name)} is not one of the ${domain.pack.name} pack's (${known}); pass your own Property instead`,
  );
}

function unknownBugs(domain: LoadedDomain, bugs: readonly string[]): void {
  const known = domain.pack.plantedBugs ?? [];
  const unknown = bugs.filter((bug) => !known.includes(bug));
  if (unknown.length > 0)
    throw new TypeError(`bugs: unknown planted bug ${unknown.join(', ')}; known: ${known.join(', ')}`);
}

/** The failure to a replay file in the replays folder (unless `replays: false`): its path from the working directory. */
function saveFailure(
  domain: LoadedDomain,
  failure: PropertyFailure<ActionBase>,
  property: Property,
  options: CampaignTestOptions,
  target: Awaited<ReturnType<typeof openTarget>>,
  bugs: readonly string[],
  durationMs: number,
): string | undefined {
  if (options.replays === false) return undefined;
  const replay = replayOf(domain, failure, {
    target: target.name,
    ...(target.adapter ? { adapter: target.adapter } : {}),
    bugs,
    ...(options.maxActions ? { maxActions: options.maxActions } : {}),
    durationMs,
  });
  // A property of your own is not the pack's: the settings it ran with are its own.
  const maxActions = options.maxActions ?? property.settings?.maxActions ?? DEFAULT_SETTINGS.maxActions;
  const settings = {
    ...DEFAULT_SETTINGS,
    ...property.settings,
    maxActions: Math.max(maxActions, failure.report.actions.length),
  };
  const dir = resolve(process.cwd(), options.replays ?? DEFAULT_REPLAYS_DIR);
  const written = writeReplayFile(dir, { ...replay, settings });
  const path = relative(process.cwd(), written);
  return path.startsWith('..') ? written : path;
}

function failureMessage(
  domain: LoadedDomain,
  outcome: PropertyOutcome<ActionBase>,
  failure: PropertyFailure<ActionBase>,
  saved: string | undefined,
  rerun: string,
): string {
  const { report } = failure;
  const hung = report.verdict.status === 'hang';
  return [
    `shakedown ${outcome.property} ${hung ? 'hung' : 'failed'} (seed ${failure.seed}, run ${failure.runIndex}, shrunk ${failure.shrinks} times to ${report.actions.length} actions)`,
    'violations:',
    ...violationLines(violationsOf(report.verdict)),
    'shrunk actions:',
    ...actionLines(report.actions, domain.pack.describeAction),
    saved === undefined ? 'replay file: not saved (replays: false)' : `replay file: ${saved}`,
    ...(saved === undefined
      ? []
      : [
          `  as a regression test: replayTest(${JSON.stringify(saved)})`,
          `  replay: npx shakedown replay ${shellWord(saved)}`,
        ]),
    `rerun: ${rerun}`,
  ].join('\n');
}

function rerunCommand(seed: number, context: TestBodyContext): string {
  const where = context.rerun ? ` ${shellWord(context.rerun.file)} -t ${shellWord(context.rerun.test)}` : '';
  return `${SEED_VARIABLE}=${seed} npx vitest run${where}`;
}

function setTimer(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
