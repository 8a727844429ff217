import type { TargetSpec } from '../../core/model/domain-pack.ts';
import type { RecordedEvent } from '../../core/model/evidence.ts';
import type { Property } from '../../core/model/property.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { BotAction } from './bot-action.ts';
import { diffSubjects, type SubjectDivergence } from './diff-subjects.ts';
import { loadSubjectModule } from './load-subject-module.ts';
import { describeConvergence, type ReplayConvergence, replayIntoFresh } from './subject-convergence.ts';

/** `replay FILE --events-only` on a saved bots run: what to feed and how. */
export interface SubjectReplayRequest {
  /** The subject the file names (or --subject): a module in process. */
  spec: TargetSpec;
  events: readonly RecordedEvent<unknown>[];
  /** The run's final snapshot (BotsSnapshot): the live subject's belief is compared with it. */
  snapshot: unknown;
  bugs: readonly string[];
  shuffle: boolean;
  seed: number;
}

/** A convergence verdict and its one line (describeConvergence). */
export interface SubjectReplayVerdict extends ReplayConvergence {
  line: string;
}

/** One side of `diff --subject A --against-subject B`. */
export interface SubjectSide {
  spec: TargetSpec;
  name: string;
  bugs: readonly string[];
}

/** `diff --subject A --against-subject B`: the campaign, the first divergence shrunk. */
export interface SubjectDiffRequest {
  left: SubjectSide;
  right: SubjectSide;
  property: Property<BotAction>;
  seed: number;
  runs: number;
  maxActions?: number;
}

/** What the diff found: how many sequences ran, and the shrunk divergence with its actions. */
export interface SubjectDiffOutcome {
  runs: number;
  shrinks: number;
  divergence?: { actions: BotAction[]; divergence: SubjectDivergence };
}

/**
 * What the CLI does with a subject beyond the generic commands, reached through the pack
 * (botsPack.subjectCommands) so that the CLI names no domain: the planted bugs a subject
 * module declares (`--bug`), a saved run's venue events replayed into a fresh subject
 * (`replay --events-only`), and two subjects compared (`diff --subject A --against-subject B`).
 */
export interface SubjectCommands {
  /** The bug names `--bug` accepts for this subject: the module's plantedBugs; undefined for a command (any name: it gets SHAKEDOWN_BUGS). */
  plantedBugsOf(spec: TargetSpec): Promise<readonly string[] | undefined>;
  replayEvents(request: SubjectReplayRequest): Promise<SubjectReplayVerdict>;
  diff(request: SubjectDiffRequest): Promise<SubjectDiffOutcome>;
}

/** The subject's environment in process: the host's own (GRID_BOT_BUGS reaches the bot). */
function hostEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

/** A module subject's path, or a usage error saying what `flag` needs. */
function modulePathOf(spec: TargetSpec, what: string): string {
  if (spec.kind === 'module') return spec.path;
  throw new ShakedownError(
    'SHK_USAGE',
    `${what} takes a subject module in process (--subject ./bot.ts); ${spec.kind === 'command' ? `the command ${JSON.stringify(spec.command)} runs as a process` : `the target is ${spec.kind}`}`,
    { exitCode: EXIT.usage, context: { target: spec.kind } },
  );
}

/** The bots domain's subject commands. */
export const SUBJECT_COMMANDS: SubjectCommands = {
  async plantedBugsOf(spec) {
    if (spec.kind !== 'module') return undefined;
    return (await loadSubjectModule(spec.path)).plantedBugs;
  },

  async replayEvents(request) {
    const loaded = await loadSubjectModule(modulePathOf(request.spec, 'replay --events-only'));
    const verdict = replayIntoFresh(
      loaded.factory,
      { events: request.events, snapshot: request.snapshot },
      { shuffle: request.shuffle, seed: request.seed, bugs: request.bugs, env: hostEnv() },
    );
    return { ...verdict, line: describeConvergence(verdict) };
  },

  async diff(request) {
    const side = async (s: SubjectSide) => ({
      name: s.name,
      factory: (await loadSubjectModule(modulePathOf(s.spec, 'diff --subject'))).factory,
      bugs: s.bugs,
      env: hostEnv(),
    });
    const result = await diffSubjects(await side(request.left), await side(request.right), {
      property: request.property,
      seed: request.seed,
      runs: request.runs,
      ...(request.maxActions === undefined ? {} : { maxActions: request.maxActions }),
    });
    const found = result.divergence;
    return {
      runs: result.runs,
      shrinks: result.shrinks,
      ...(found?.divergence ? { divergence: { actions: found.actions, divergence: found.divergence } } : {}),
    };
  },
};
