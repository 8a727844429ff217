// The action of `diff`: what it runs, loaded by diff-command.ts only once commander has parsed
// and validated the command line.
import { type DiffFound, runDiffCampaign } from '../../core/diff/diff-campaign.ts';
import { DIVERGENCE_VIOLATION } from '../../core/diff/divergence-file.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { AnyDomainPack } from '../../core/model/domain-pack.ts';
import type { ReplayFile } from '../../core/replay/replay-file.ts';
import { untilAbandoned } from '../../core/runner/abandon.ts';
import { DEFAULT_SETTINGS } from '../../core/runner/campaign.ts';
import { defaultShrinkAttempts } from '../../core/runner/shrink-attempts.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { DEFAULT_DOMAIN, type LoadedDomain } from '../../domains/registry.ts';
import { type Interrupt, yieldingBetweenRuns } from '../interrupt.ts';
import { createLogger } from '../logger.ts';
import { checkChoices, subjectTarget } from '../options/domain-option.ts';
import { parseTargetSpec } from '../options/target-spec.ts';
import { createFallbackWriter, shownPath } from '../output-fallback.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { type CliSubjectCommands, subjectCommandsOf } from '../subject-commands-of.ts';
import { TOOL_VERSION } from '../tool-version.ts';
import type { DiffFlags } from './diff-flags.ts';

/** `--subject` and `--against-subject` as the two sides' targets (each instead of its --target or --against). */
export function subjectSides(
  flags: DiffFlags,
  given: (name: string) => boolean,
): { target: string; against?: string } {
  const conflict = (flag: string, other: string) =>
    new ShakedownError('SHK_USAGE', `${flag} is that side's target: give it or ${other}, not both`, {
      exitCode: EXIT.usage,
      context: { flag },
    });
  if (flags.subject !== undefined && given('target')) throw conflict('--subject', '--target');
  if (flags.againstSubject !== undefined && flags.against !== undefined)
    throw conflict('--against-subject', '--against');
  return {
    target: flags.subject === undefined ? flags.target : subjectTarget(flags.subject),
    ...(flags.againstSubject !== undefined
      ? { against: subjectTarget(flags.againstSubject) }
      : flags.against !== undefined
        ? { against: flags.against }
        : {}),
  };
}

export async function diffCommand(
  domain: LoadedDomain,
  flags: DiffFlags,
  interrupt: Interrupt,
): Promise<number> {
  const { pack } = domain;
  const subjects = subjectCommandsOf(pack);
  if (subjects) return diffSubjectsCommand(domain, flags, subjects);
  const logger = createLogger({ level: flags.logLevel });
  const now = Date.now;
  const started = now();
  const seed = flags.seed ?? started % 2 ** 31;
  const against = flags.against ?? flags.target;
  // Both sides are checked before either is started: a typo is a usage error naming the forms.
  parseTargetSpec(flags.target, '--target', { moduleMustExist: true });
  parseTargetSpec(against, flags.against === undefined ? '--target' : '--against', { moduleMustExist: true });
  checkBugsFit(pack, '--bug', flags.target, flags.bug);
  checkBugsFit(pack, '--against-bug', against, flags.againstBug);
  const normalize = pack.diffNormalizer;
  if (!normalize)
    throw new ShakedownError('SHK_USAGE', `diff: the ${pack.name} domain declares no diff normalizer`, {
      exitCode: EXIT.usage,
    });
  checkOutputPaths([{ flag: '--out', path: flags.out, kind: 'dir' }]);
  const config = pack.loadConfig?.(flags.config);
  const property = pack.properties.find((p) => p.name === flags.property);
  if (!property) return EXIT.usage;
  const settings = {
    ...DEFAULT_SETTINGS,
    ...property.settings,
    ...(flags.maxActions ? { maxActions: flags.maxActions } : {}),
  };
  const leftName = sideName(flags.target, flags.bug);
  const againstName = sideName(against, flags.againstBug);
  // Two sides built alike still get two names, so a message says which one did what.
  const rightName = againstName === leftName ? `${leftName} (second)` : againstName;
  process.stderr.write(`shakedown diff: seed ${seed} (rerun with --seed ${seed})\n`);
  process.stderr.write(`${leftName} against ${rightName}, property ${property.name}\n`);
  // One turn of the event loop per run, so that a signal is heard while an in-process side runs.
  const build = async (target: string, bugs: readonly string[]) =>
    yieldingBetweenRuns(
      await pack.targetFactory(parseTargetSpec(target), {
        bugs,
        seed,
        config,
        faults: [],
      } as Parameters<AnyDomainPack['targetFactory']>[1]),
    );
  const left = await build(flags.target, flags.bug);
  let right: typeof left | undefined;
  try {
    right = await build(against, flags.againstBug);
    const second = right;
    // A signal stops it; a sequence still in flight after the grace is abandoned (exit 130, no result).
    const result = await untilAbandoned(
      () =>
        runDiffCampaign<ActionBase>({
          property,
          left: { name: leftName, factory: left },
          right: { name: rightName, factory: second },
          clients: pack.clients,
          projection: pack.projection,
          normalize,
          describeAction: (action) => pack.describeAction(action),
          describeEvent: (event) => pack.describeEvent(event),
          seed,
          runs: flags.runs,
          maxActions: settings.maxActions,
          generationConfig: config,
          quietMs: settings.quietMs,
          timeBudgetMs: flags.timeBudget,
          shrinkAttempts:
            flags.shrinkAttempts ??
            defaultShrinkAttempts(flags.target === 'inproc' && against === 'inproc' ? 'inproc' : 'ws'),
          ...(flags.shrinkBudget === undefined ? {} : { shrinkBudgetMs: flags.shrinkBudget }),
          now,
          stop: interrupt.stop,
        }),
      interrupt.abandon,
    );
    const found = result.found;
    const durationMs = now() - started;
    // Saved in a temp folder (and said so) when --out cannot take it any more: never lost.
    const fallback = createFallbackWriter({ warn: (line) => process.stderr.write(`${line}\n`) });
    const savedPath = found
      ? fallback.saveReplay(
          '--out',
          flags.out,
          divergenceReplay(domain, flags, { against, property: property.name, settings, found, durationMs }),
        )
      : undefined;
    const saved = savedPath === undefined ? null : shownPath(savedPath);
    if (flags.json) {
      const summary = {
        seed,
        property: property.name,
        target: leftName,
        against: rightName,
        runs: result.runs,
        actions: result.actions,
        interrupted: result.interrupted || interrupt.interrupted,
        ...(interrupt.signal ? { signal: interrupt.signal } : {}),
        durationMs,
        divergence: found?.divergence ?? null,
        reproduced: found ? found.reproduced : null,
        shrunkActions: found?.actions.length ?? null,
        replayFile: saved,
      };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else if (found) {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `divergence between ${leftName} and ${rightName} (${property.name}, run ${found.runIndex}, shrunk to ${found.actions.length} actions):`,
      );
      out(`  ${found.divergence.message}`);
      if (!found.reproduced)
        out('  (run once more, the two sides agreed: one of them is not deterministic on this sequence)');
      out('  actions:');
      for (const [i, action] of found.actions.entries()) {
        const mark = i === found.divergence.step ? '  <- diverges here' : '';
        out(`    ${i}. ${pack.describeAction(action)}${mark}`);
      }
      out(`  saved: ${saved}`);
      out(
        `  rerun: npx shakedown diff ${rerunFlags({ ...flags, domain: domain.recordAs }, seed, found.runIndex + 1)}`,
      );
    } else {
      process.stdout.write(
        `no divergence: ${leftName} and ${rightName} agreed on ${result.runs} sequences, ${result.actions} actions in ${durationMs} ms${interrupt.signal ? ` (stopped by ${interrupt.signal})` : result.interrupted ? ' (stopped by the time budget)' : ''}\n`,
      );
    }
    logger.info({ runs: result.runs, durationMs }, 'diff done');
    return found ? EXIT.failed : EXIT.passed;
  } finally {
    await interrupt.bounded(left.dispose?.());
    await interrupt.bounded(right?.dispose?.());
  }
}

/**
 * `diff --subject A --against-subject B` (a domain with subject commands: bots): both subjects
 * on the same generated sequences, each on its own venue in process, compared on the orders
 * they send and their final beliefs; the first sequence on which they differ is shrunk,
 * printed and saved as a divergence file like any diff's.
 */
async function diffSubjectsCommand(
  domain: LoadedDomain,
  flags: DiffFlags,
  subjects: CliSubjectCommands,
): Promise<number> {
  const { pack } = domain;
  const started = Date.now();
  const seed = flags.seed ?? started % 2 ** 31;
  const against = flags.against ?? flags.target;
  const leftSpec = parseTargetSpec(flags.target, '--subject', { moduleMustExist: true });
  const rightSpec = parseTargetSpec(against, '--against-subject', { moduleMustExist: true });
  for (const [flag, spec, bugs] of [
    ['--bug', leftSpec, flags.bug],
    ['--against-bug', rightSpec, flags.againstBug],
  ] as const) {
    const declared = bugs.length > 0 ? await subjects.plantedBugsOf(spec) : undefined;
    if (declared !== undefined) checkChoices(flag, bugs, declared);
  }
  checkOutputPaths([{ flag: '--out', path: flags.out, kind: 'dir' }]);
  const property = pack.properties.find((p) => p.name === flags.property);
  if (!property) return EXIT.usage;
  const leftName = sideName(flags.target, flags.bug);
  const againstName = sideName(against, flags.againstBug);
  const rightName = againstName === leftName ? `${leftName} (second)` : againstName;
  process.stderr.write(`shakedown diff: seed ${seed} (rerun with --seed ${seed})\n`);
  process.stderr.write(`${leftName} against ${rightName}, property ${property.name}\n`);
  const result = await subjects.diff({
    left: { spec: leftSpec, name: leftName, bugs: flags.bug },
    right: { spec: rightSpec, name: rightName, bugs: flags.againstBug },
    property: property as never,
    seed,
    runs: flags.runs,
    ...(flags.maxActions === undefined ? {} : { maxActions: flags.maxActions }),
  });
  const durationMs = Date.now() - started;
  const found = result.divergence;
  const fallback = createFallbackWriter({ warn: (line) => process.stderr.write(`${line}\n`) });
  const stored = found
    ? fallback.saveReplay('--out', flags.out, {
        format: 'shakedown-replay',
        version: 1,
        tool: TOOL_VERSION,
        domain: domain.recordAs,
        property: property.name,
        target: flags.target,
        seed,
        runIndex: 0,
        path: '',
        bugs: [...flags.bug],
        settings: { ...DEFAULT_SETTINGS, ...property.settings },
        actions: found.actions,
        events: [],
        violations: [
          { invariant: DIVERGENCE_VIOLATION, message: found.divergence.message, steps: [], events: [] },
        ],
        verdict: 'fail',
        evidence: {
          history: [],
          snapshot: null,
          extra: {
            diff: { against, againstBugs: [...flags.againstBug], divergence: found.divergence },
          },
        },
        createdAt: new Date().toISOString(),
        durationMs,
      })
    : undefined;
  const saved = stored === undefined ? null : shownPath(stored);
  if (flags.json) {
    const summary = {
      seed,
      property: property.name,
      target: leftName,
      against: rightName,
      runs: result.runs,
      shrinks: result.shrinks,
      durationMs,
      divergence: found?.divergence ?? null,
      shrunkActions: found?.actions.length ?? null,
      replayFile: saved,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (found) {
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(
      `divergence between ${leftName} and ${rightName} (${property.name}, shrunk to ${found.actions.length} actions in ${result.shrinks} shrinks):`,
    );
    out(`  ${found.divergence.message}`);
    out('  actions:');
    for (const [i, action] of found.actions.entries()) out(`    ${i}. ${pack.describeAction(action)}`);
    out(`  saved: ${saved}`);
  } else {
    process.stdout.write(
      `no divergence: ${leftName} and ${rightName} agreed on ${result.runs} sequences in ${durationMs} ms\n`,
    );
  }
  return found ? EXIT.failed : EXIT.passed;
}

/** `inproc`, `ws+overfill`: a side as messages name it. */
function sideName(target: string, bugs: readonly string[]): string {
  return bugs.length ? `${target}+${bugs.join('+')}` : target;
}

/**
 * Planted bugs of the reference system need a reference side (inproc, ws); client bugs live in
 * shakedown's own client and fit a ws:// side too. Anything else would silently compare two
 * clean sides.
 */
function checkBugsFit(pack: AnyDomainPack, flag: string, target: string, bugs: readonly string[]): void {
  const spec = parseTargetSpec(target);
  const clientBugs = (pack.bugs ?? []).filter((b) => b.side === 'client').map((b) => b.name);
  const venueBugs = bugs.filter((b) => !clientBugs.includes(b));
  const misfit =
    spec.kind === 'module' || spec.kind === 'command'
      ? bugs
      : spec.kind === 'url'
        ? venueBugs
        : ([] as readonly string[]);
  if (misfit.length > 0)
    throw new ShakedownError(
      'SHK_USAGE',
      `${flag}: ${misfit.join(', ')} cannot be built into ${target}: planted venue bugs need inproc or ws`,
      { exitCode: EXIT.usage, context: { flag } },
    );
}

/** The shrunk divergence as a replay file: the --target side's run, the other side beside it. */
function divergenceReplay(
  domain: LoadedDomain,
  flags: DiffFlags,
  run: {
    against: string;
    property: string;
    settings: ReplayFile['settings'];
    found: DiffFound<ActionBase>;
    durationMs: number;
  },
): ReplayFile {
  const { found } = run;
  return {
    format: 'shakedown-replay',
    version: 1,
    tool: TOOL_VERSION,
    domain: domain.recordAs,
    // The property itself, so that `shakedown replay` re-executes the sequence.
    property: run.property,
    target: flags.target,
    seed: found.seed,
    runIndex: found.runIndex,
    path: found.path,
    bugs: [...flags.bug],
    settings: run.settings,
    actions: found.actions,
    events: found.left.events,
    violations: [
      {
        invariant: DIVERGENCE_VIOLATION,
        message: found.divergence.message,
        steps:
          found.divergence.step === undefined || found.divergence.step < 0 ? [] : [found.divergence.step],
        events: [],
      },
    ],
    verdict: 'fail',
    evidence: {
      history: found.left.history,
      snapshot: found.left.snapshot,
      extra: {
        ...found.left.extra,
        diff: {
          against: run.against,
          againstBugs: [...flags.againstBug],
          divergence: found.divergence,
          rightEvents: found.right.events,
        },
      },
    },
    createdAt: new Date().toISOString(),
    durationMs: run.durationMs,
  };
}

/** The flags that find the same divergence again: the same seed, up to the sequence that diverged. */
function rerunFlags(flags: DiffFlags, seed: number, runs: number): string {
  const parts = flags.domain === DEFAULT_DOMAIN ? [] : ['--domain', flags.domain];
  parts.push('--target', flags.target);
  if (flags.against !== undefined) parts.push('--against', flags.against);
  for (const bug of flags.bug) parts.push('--bug', bug);
  for (const bug of flags.againstBug) parts.push('--against-bug', bug);
  parts.push('--property', flags.property, '--seed', String(seed), '--runs', String(runs));
  if (flags.maxActions !== undefined) parts.push('--max-actions', String(flags.maxActions));
  if (flags.config !== undefined) parts.push('--config', flags.config);
  return parts.join(' ');
}
