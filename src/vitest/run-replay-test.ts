import { relative, resolve } from 'node:path';
import { findProperty } from '../cli/find-property.ts';
import { yieldingBetweenRuns } from '../cli/interrupt.ts';
import { runPartsOf } from '../cli/pack-parts.ts';
import { type Fault, faultKind } from '../core/faults/fault.ts';
import type { ActionBase } from '../core/model/action.ts';
import { replayTargetOf } from '../core/replay/replay-target.ts';
import { readReplayFile } from '../core/replay/write-replay-file.ts';
import { DEFAULT_SETTINGS, executeRun } from '../core/runner/campaign.ts';
import { isFailing, violationsOf } from '../core/runner/run-hang.ts';
import { planInvariants } from '../core/runner/select-invariants.ts';
import { isShakedownError } from '../core/shakedown-error.ts';
import { type LoadedDomain, loadDomain } from '../domains/registry.ts';
import { actionLines, ShakedownTestFailure, shellWord, violationLines } from './failure-message.ts';
import { type OpenedTarget, openTarget } from './open-target.ts';
import type { TestBodyContext } from './run-campaign-test.ts';
import { DEFAULT_TEST_RUN_TIMEOUT_MS, type ReplayTestOptions } from './vitest-options.ts';

/**
 * A saved failure, re-executed on a fresh target as the body of its Vitest test: resolves when it
 * no longer fails (fixed), throws a ShakedownTestFailure with the violations while it still does.
 * As `shakedown replay FILE`: the target the file names (an adapter module found next to the file,
 * given the options it recorded), its planted bugs, the property's invariants and settings.
 */
export async function runReplayTest(
  file: string,
  options: ReplayTestOptions,
  context: TestBodyContext,
): Promise<void> {
  const path = resolve(process.cwd(), file);
  // The domain the file names (a registered one, or a pack module's path), unless told.
  const named = readReplayFile(path).domain;
  const domain = await domainOf(file, options.domain ?? named);
  const { pack } = domain;
  const replay = readReplayFile(path, { ...pack, name: named });
  const property =
    options.properties?.find((p) => p.name === replay.property) ?? findProperty(pack, replay.property);
  if (!property)
    throw new TypeError(
      `${file}: property ${JSON.stringify(replay.property)} is not one of the ${pack.name} pack's; pass your own with replayTest(file, { properties: [...] })`,
    );
  const actions = replay.actions as ActionBase[];
  // The faults the file holds must be applicable again: a socket target sets up its proxy for them.
  const faults = [
    ...new Set(
      (replay.actions as { kind?: unknown; fault?: Fault }[])
        .filter((a) => a.kind === 'fault' && a.fault !== undefined)
        .map((a) => faultKind(a.fault as Fault)),
    ),
  ];
  const target = await openReplayTarget(domain, file, path, replay, options, faults);
  try {
    const byName = new Map([...pack.invariants, ...(options.invariants ?? [])].map((i) => [i.name, i]));
    const invariants = planInvariants(property, byName, target.factory.capabilities).checked;
    const report = await executeRun(yieldingBetweenRuns(target.factory), actions, {
      ...runPartsOf(pack),
      invariants,
      settings: { ...DEFAULT_SETTINGS, ...property.settings },
      watchdog: { timeoutMs: options.runTimeoutMs ?? DEFAULT_TEST_RUN_TIMEOUT_MS, setTimer },
    });
    const shown = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
    if (isFailing(report.verdict.status))
      throw new ShakedownTestFailure(
        [
          `shakedown replay ${shown}: ${property.name} still ${report.verdict.status === 'hang' ? 'hangs' : 'fails'} (seed ${replay.seed}, ${actions.length} actions, target ${target.name})`,
          'violations:',
          ...violationLines(violationsOf(report.verdict)),
          'actions:',
          ...actionLines(actions, pack.describeAction),
          `replay: npx shakedown replay ${shellWord(shown)}`,
        ].join('\n'),
      );
    context.log(`shakedown replay ${shown}: ${property.name} no longer fails against ${target.name}`);
  } finally {
    await target.dispose();
  }
}

/** The pack of a replay file's domain; one that cannot be loaded is named with the file. */
async function domainOf(file: string, name: string): Promise<LoadedDomain> {
  try {
    return await loadDomain(name, 'domain');
  } catch (error) {
    if (!isShakedownError(error)) throw error;
    throw new TypeError(`${file}: ${error.message}; pass replayTest(file, { domain })`);
  }
}

async function openReplayTarget(
  domain: LoadedDomain,
  file: string,
  path: string,
  replay: ReturnType<typeof readReplayFile>,
  options: ReplayTestOptions,
  faults: readonly ReturnType<typeof faultKind>[],
): Promise<OpenedTarget> {
  const openOptions = { pack: domain.pack, bugs: replay.bugs, seed: replay.seed, faults };
  if (options.target !== undefined) return openTarget(options.target, openOptions);
  // What the file names: an adapter module is found next to the file, with the options it recorded.
  try {
    return await openTarget(replayTargetOf(replay, path), {
      ...openOptions,
      recordedOptions: replay.adapter?.options,
    });
  } catch (error) {
    if (!isShakedownError(error) || error.code !== 'SHK_USAGE') throw error;
    throw new TypeError(
      `${file}: was saved from target ${JSON.stringify(replay.target)}, which is neither a built-in target nor a module found from here; pass it: replayTest(file, { target })`,
    );
  }
}

function setTimer(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
