// The action of `replay`: what it runs, loaded by replay-command.ts only once commander has parsed
// and validated the command line.
import { type Fault, faultKind } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { AnyDomainPack, TargetSpec } from '../../core/model/domain-pack.ts';
import type { RunEvidence } from '../../core/model/evidence.ts';
import type { Violation } from '../../core/model/invariant.ts';
import { replayTargetOf, withRecordedOptions } from '../../core/replay/replay-target.ts';
import { readReplayFile } from '../../core/replay/write-replay-file.ts';
import { untilAbandoned } from '../../core/runner/abandon.ts';
import { DEFAULT_SETTINGS, executeRun, firstDifference } from '../../core/runner/campaign.ts';
import { checkInvariants } from '../../core/runner/check-invariants.ts';
import type { RunReport } from '../../core/runner/execute-run.ts';
import { foldProjections } from '../../core/runner/run-actions.ts';
import { isFailing, violationsOf } from '../../core/runner/run-hang.ts';
import { savedRunJob } from '../../core/runner/run-pool.ts';
import { checkConvergence } from '../../core/sequencer/convergence-report.ts';
import { inGseqOrder } from '../../core/sequencer/ordered-replay.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { WorkerJudge } from '../../core/workers/worker-judge.ts';
import { type LoadedDomain, loadDomain } from '../../domains/registry.ts';
import { findProperty } from '../find-property.ts';
import type { Interrupt } from '../interrupt.ts';
import { parseTargetSpec } from '../options/target-spec.ts';
import { runPartsOf } from '../pack-parts.ts';
import { type CliSubjectCommands, subjectCommandsOf } from '../subject-commands-of.ts';
import type { ReplayFlags } from './replay-flags.ts';

interface ReplayResult {
  file: string;
  mode: 'execute' | 'events-only' | 'shuffle';
  property: string;
  reproduced: boolean;
  /** `hang` when the re-executed run never ended (its violation names the last action sent). */
  verdict?: 'hang';
  violations: Violation[];
  divergence?: string;
  converged?: boolean;
  differences?: unknown[];
  /** A subject's run replayed into a fresh instance (bots --events-only): the verdict and its line. */
  convergence?: {
    status: 'converged' | 'diverged';
    order: 'in-order' | 'shuffled';
    seed?: number;
    events: number;
    line: string;
    firstDifference?: { path: string; left: unknown; right: unknown };
  };
  /** A signal came while replaying (exit 130); the result is the run's, finished within the grace. */
  interrupted?: boolean;
  signal?: string;
}

/**
 * The pack a replay file's `domain` names (a registered name, or a pack module's path), or the
 * one `--domain` gives. One that cannot be loaded is the file's problem, named by its field.
 */
async function domainOfFile(file: string, flags: ReplayFlags, domainGiven: boolean): Promise<LoadedDomain> {
  if (domainGiven) return loadDomain(flags.domain);
  const named = readReplayFile(file).domain;
  try {
    return await loadDomain(named, 'domain');
  } catch (error) {
    if (!(error instanceof ShakedownError)) throw error;
    throw new ShakedownError(
      'SHK_REPLAY_INVALID',
      `${file}: domain ${JSON.stringify(named)} cannot be loaded here (${error.message.replace(/^domain: /, '')})`,
      { exitCode: EXIT.usage, context: { file, field: 'domain' } },
    );
  }
}

export async function replayCommand(
  file: string,
  flags: ReplayFlags,
  domainGiven: boolean,
  interrupt: Interrupt,
): Promise<number> {
  const domain = await domainOfFile(file, flags, domainGiven);
  const { pack } = domain;
  // Checked against the domain's schema: a bad action or an unknown bug is refused here, by name.
  // Named as the file names it: a pack module given by another path is still the file's domain.
  const named = domainGiven ? readReplayFile(file).domain : domain.recordAs;
  // A subject declares its own planted bugs (checked when it is loaded), not the pack's list.
  const subjectPack = subjectCommandsOf(pack) !== undefined;
  const replay = readReplayFile(file, {
    ...pack,
    name: named,
    ...(subjectPack ? { plantedBugs: undefined } : {}),
  });
  const property = findProperty(pack, replay.property);
  if (!property) {
    throw new ShakedownError(
      'SHK_REPLAY_INVALID',
      `${file}: property ${JSON.stringify(replay.property)} is not known here`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  const invariants = pack.invariants.filter((i) => property.invariants.includes(i.name));
  const events = inGseqOrder(replay.events);
  let result: ReplayResult;
  const subjects = flags.eventsOnly ? subjectCommandsOf(pack) : undefined;
  if (subjects) {
    result = await replayIntoFreshSubject(file, flags, replay, subjects);
  } else if (flags.shuffle !== undefined && flags.shuffle !== false) {
    const mode = flags.shuffle === true || flags.shuffle === 'interleave' ? 'interleave' : flags.shuffle;
    if (mode !== 'interleave' && mode !== 'all') {
      throw new ShakedownError(
        'SHK_USAGE',
        `--shuffle: expected interleave or all, got ${JSON.stringify(mode)}`,
      );
    }
    // Not the clients that follow every other (trading's admin): their single view is
    // whichever client spoke last, which no shuffle is expected to preserve.
    const excluded = pack.shuffleExcludes ?? [];
    const clients = pack.clients.filter((c) => !excluded.includes(c));
    const report = checkConvergence(
      events.filter((e) => clients.includes(e.client)),
      pack.projection,
      { seed: flags.shuffleSeed, mode, clients },
    );
    result = {
      file,
      mode: 'shuffle',
      property: replay.property,
      reproduced: !report.converged,
      violations: [],
      converged: report.converged,
      differences: report.differences,
    };
  } else if (flags.eventsOnly) {
    const saved = replay.evidence;
    if (!saved) {
      throw new ShakedownError(
        'SHK_REPLAY_INVALID',
        `${file}: has no saved evidence (history, snapshot) for --events-only`,
        {
          exitCode: EXIT.usage,
        },
      );
    }
    const evidence: RunEvidence = {
      actions: replay.actions,
      history: saved.history,
      events: [...events],
      projections: foldProjections(events, pack.clients, pack.projection),
      snapshot: saved.snapshot,
      extra: saved.extra,
    };
    const { verdict } = checkInvariants(evidence, invariants);
    result = {
      file,
      mode: 'events-only',
      property: replay.property,
      reproduced: verdict.status === 'fail',
      violations: verdict.status === 'fail' ? verdict.violations : [],
    };
  } else {
    // Every recorded bug is known (readReplayFile refused the file otherwise).
    const bugs = replay.bugs;
    // The faults the file holds must be applicable again: over ws that takes the chaos proxy
    // (and the venue in a child process for process faults), set up only when needed.
    const faults = [
      ...new Set(
        (replay.actions as { kind?: unknown; fault?: Fault }[])
          .filter((a) => a.kind === 'fault' && a.fault !== undefined)
          .map((a) => faultKind(a.fault as Fault)),
      ),
    ];
    // An adapter module is found next to the file when its path as typed is not there from
    // here, and gets the options the file recorded (not for a --target of the user's own).
    const target = flags.target ?? replayTargetOf(replay, file);
    const parsed = parseTargetSpec(target, flags.target === undefined ? `${file}: target` : '--target', {
      moduleMustExist: true,
    });
    const spec = flags.target === undefined ? withRecordedOptions(parsed, replay) : parsed;
    // A subject's bugs are its module's own names: one it does not declare would be left out silently.
    const declared = subjectPack ? await subjectCommandsOf(pack)?.plantedBugsOf(spec) : undefined;
    const undeclared = declared === undefined ? [] : bugs.filter((b) => !declared.includes(b));
    if (undeclared.length > 0)
      throw new ShakedownError(
        'SHK_REPLAY_INVALID',
        `${file}: bugs: ${undeclared.join(', ')} not declared by the subject ${target} (it declares: ${declared?.join(', ') || 'none'})`,
        { exitCode: EXIT.usage, context: { file, field: 'bugs' } },
      );
    const config = pack.loadConfig?.(flags.config);
    const factory = await pack.targetFactory(spec, {
      bugs,
      seed: replay.seed,
      config,
      faults,
    } as Parameters<AnyDomainPack['targetFactory']>[1]);
    const setTimer = (ms: number, fn: () => void): (() => void) => {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return () => clearTimeout(timer);
    };
    const settings = { ...DEFAULT_SETTINGS, ...property.settings };
    // An adapter module runs in a worker thread, where a loop in its code can be killed at the
    // run timeout; every other target here, under the same watchdog.
    const judge =
      spec.kind === 'module' && pack.reference
        ? new WorkerJudge<ActionBase>({
            pack: pack.reference,
            spec: withAdapterOptions(spec, factory),
            targetOptions: { bugs, seed: replay.seed, config, faults },
            runTimeoutMs: flags.runTimeout,
            setTimer,
            describeAction: pack.describeAction,
          })
        : undefined;
    try {
      // A signal lets the run finish within the grace, then abandons it (exit 130, no result).
      const report: RunReport<ActionBase> = await untilAbandoned(
        () =>
          judge
            ? judge.judge(savedRunJob(property.name, invariants, settings), replay.actions as ActionBase[])
            : executeRun(factory, replay.actions as ActionBase[], {
                ...runPartsOf(pack),
                invariants,
                settings,
                watchdog: { timeoutMs: flags.runTimeout, setTimer },
              }),
        interrupt.abandon,
      );
      const hung = report.verdict.status === 'hang';
      const divergence = hung ? undefined : firstDifference(replay.events, report.evidence.events);
      result = {
        file,
        mode: 'execute',
        property: replay.property,
        reproduced: isFailing(report.verdict.status),
        ...(hung ? { verdict: 'hang' as const } : {}),
        violations: violationsOf(report.verdict),
        ...(divergence ? { divergence } : {}),
      };
    } finally {
      await interrupt.bounded(judge?.close());
      await interrupt.bounded(factory.dispose?.());
    }
  }
  if (interrupt.signal) result = { ...result, interrupted: true, signal: interrupt.signal };
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printHuman(result);
  return result.reproduced ? EXIT.failed : EXIT.passed;
}

/**
 * `--events-only` on a subject's run (bots): the venue events the subject received, fed in
 * order (or shuffled with --shuffle, by --seed) into a fresh instance of it through consume();
 * its final belief compared with the live run's. Reproduced means diverged.
 */
async function replayIntoFreshSubject(
  file: string,
  flags: ReplayFlags,
  replay: ReturnType<typeof readReplayFile>,
  subjects: CliSubjectCommands,
): Promise<ReplayResult> {
  const snapshot = replay.evidence?.snapshot;
  if (snapshot === undefined || snapshot === null)
    throw new ShakedownError(
      'SHK_REPLAY_INVALID',
      `${file}: has no saved final snapshot to compare a fresh subject with (--events-only)`,
      { exitCode: EXIT.usage, context: { file, field: 'evidence.snapshot' } },
    );
  const target = flags.target ?? replayTargetOf(replay, file);
  const spec = parseTargetSpec(target, flags.target === undefined ? `${file}: target` : '--subject', {
    moduleMustExist: true,
  });
  const shuffle = flags.shuffle !== undefined && flags.shuffle !== false;
  const verdict = await subjects.replayEvents({
    spec,
    events: replay.events,
    snapshot,
    bugs: replay.bugs,
    shuffle,
    seed: flags.seed ?? flags.shuffleSeed,
  });
  if (verdict.status === 'unsupported')
    throw new ShakedownError(
      'SHK_USAGE',
      `--events-only: ${target} cannot be replayed into: ${verdict.reason ?? verdict.line} (docs/bots.md, "Replay into a fresh subject")`,
      { exitCode: EXIT.usage, context: { file, target } },
    );
  return {
    file,
    mode: shuffle ? 'shuffle' : 'events-only',
    property: replay.property,
    reproduced: verdict.status === 'diverged',
    violations: [],
    converged: verdict.status === 'converged',
    convergence: {
      status: verdict.status,
      order: shuffle ? 'shuffled' : 'in-order',
      ...(shuffle ? { seed: flags.seed ?? flags.shuffleSeed } : {}),
      events: verdict.events,
      line: verdict.line,
      ...(verdict.firstDifference ? { firstDifference: verdict.firstDifference } : {}),
    },
  };
}

function printHuman(result: ReplayResult): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`replay ${result.file} (${result.mode}) of ${result.property}`);
  if (result.convergence) {
    out(`  into a fresh subject: ${result.convergence.line}`);
    const first = result.convergence.firstDifference;
    if (first)
      out(
        `  first differing field: ${first.path || '(the state)'}: ${JSON.stringify(first.left)} live, ${JSON.stringify(first.right)} replayed`,
      );
    return;
  }
  if (result.mode === 'shuffle') {
    out(result.converged ? '  converged: the shuffled replay reached the same views' : '  NOT converged:');
    for (const d of result.differences ?? []) out(`    ${JSON.stringify(d)}`);
    return;
  }
  if (result.verdict === 'hang') out('  HANG: the run never ended');
  if (result.divergence) out(`  first divergence from the recording: ${result.divergence}`);
  if (result.violations.length === 0) out('  no violation: the failure does not reproduce');
  for (const v of result.violations.slice(0, 10)) {
    out(`  [${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
  }
}

/** The spec a worker loads the module from, with the options this thread loaded it with. */
function withAdapterOptions(spec: TargetSpec, factory: unknown): TargetSpec {
  const options = (factory as { adapterOptions?: unknown }).adapterOptions;
  return spec.kind === 'module' && options !== undefined && options !== null ? { ...spec, options } : spec;
}
