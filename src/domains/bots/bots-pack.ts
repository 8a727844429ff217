import { BOTS_INVARIANTS, type BotsEvidence } from '../../../invariants/bots/index.ts';
import { BOTS_PROPERTIES } from '../../../properties/bots/index.ts';
import type { DomainPack, TargetOptions, TargetSpec } from '../../core/model/domain-pack.ts';
import type { TargetFactory } from '../../core/model/target.ts';
import { ownModule } from '../../core/own-files.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { BOTS_CLIENTS, type BotAction } from './bot-action.ts';
import type { BotEvent } from './bot-event.ts';
import { type BotsView, botsProjection } from './bots-projection.ts';
import { BOTS_SURFACE, botsExercised } from './bots-surface.ts';
import { describeBotAction, describeBotEvent } from './describe-bot.ts';
import { GRID_BOT_BUG_INFO } from './grid-bot-bugs.ts';
import { inprocSubjectFactory } from './inproc-subject-factory.ts';
import { loadSubjectModule } from './load-subject-module.ts';
import { findBotsProperty } from './scenarios/find-bots-property.ts';
import { BOTS_SCENARIO_SOURCES, BOTS_SCENARIOS, botsScenarioProperty } from './scenarios/index.ts';
import { BOTS_CAPABILITIES } from './subject-capabilities.ts';
import { SUBJECT_COMMANDS, type SubjectCommands } from './subject-commands.ts';
import { validateBotAction } from './validate-bot-action.ts';

type BotsFactory = TargetFactory<BotAction, BotEvent>;

/**
 * The factory of a subject given as a command line (the process form): the process engineer's
 * process/process-subject-factory.ts, loaded by URL so this pack stands without it.
 */
async function commandFactory(
  spec: Extract<TargetSpec, { kind: 'command' }>,
  options: TargetOptions,
): Promise<BotsFactory> {
  const url = ownModule('./process/process-subject-factory.ts', import.meta.url).href;
  let module: {
    processSubjectFactory?: (spec: TargetSpec, options: TargetOptions) => Promise<BotsFactory> | BotsFactory;
  };
  try {
    module = (await import(url)) as typeof module;
  } catch {
    throw new ShakedownError(
      'SHK_USAGE',
      '--subject: subjects run as a command are not available in this build',
      {
        exitCode: EXIT.usage,
        context: { command: spec.command },
      },
    );
  }
  if (typeof module.processSubjectFactory !== 'function')
    throw new ShakedownError(
      'SHK_USAGE',
      '--subject: subjects run as a command are not available in this build',
      {
        exitCode: EXIT.usage,
        context: { command: spec.command },
      },
    );
  return module.processSubjectFactory(spec, options);
}

/**
 * The subject's environment in-process: the host's own (so `GRID_BOT_BUGS=... shakedown run
 * --subject ./bot.ts` reaches the bot), as it is when the campaign starts.
 */
function subjectEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

/**
 * The bots domain: the system under test is a trading client (a bot, an execution kernel),
 * and the venue is the reference exchange, which fights back. `--subject ./bot.ts` runs an
 * in-process module on virtual time; `--subject "node bot.js"` a process over WebSocket.
 */
export const botsPack: DomainPack<BotAction, BotEvent, BotsView, BotsEvidence> & {
  readonly subjectCommands: SubjectCommands;
} = {
  name: 'bots',
  reference: { module: ownModule('./bots-pack.ts', import.meta.url).href, exportName: 'botsPack' },
  clients: BOTS_CLIENTS,
  projection: botsProjection,
  invariants: BOTS_INVARIANTS,
  properties: BOTS_PROPERTIES,
  findProperty: (name) => findBotsProperty(name),
  scenarios: BOTS_SCENARIOS,
  scenarioSources: BOTS_SCENARIO_SOURCES,
  scenarioProperty: botsScenarioProperty,
  targetFactory: async (spec, options) => {
    if (spec.kind === 'module') {
      const loaded = await loadSubjectModule(spec.path);
      return inprocSubjectFactory({
        factory: loaded.factory,
        name: spec.path,
        bugs: options.bugs,
        env: subjectEnv(),
        seed: options.seed,
      }) as unknown as BotsFactory;
    }
    if (spec.kind === 'command') return commandFactory(spec, options);
    throw new ShakedownError(
      'SHK_USAGE',
      'the bots domain tests a subject: give one with --subject ./bot.ts (a module) or --subject "node bot.js" (a command)',
      { exitCode: EXIT.usage, context: { target: spec.kind } },
    );
  },
  surface: BOTS_SURFACE,
  exercised: (evidence) => botsExercised(evidence),
  describeAction: describeBotAction,
  describeEvent: describeBotEvent,
  validateAction: validateBotAction,
  bugs: GRID_BOT_BUG_INFO,
  plantedBugs: GRID_BOT_BUG_INFO.map((b) => b.name),
  capabilities: BOTS_CAPABILITIES,
  diffProperty: 'bot-under-fire',
  // The venue lane follows the subject's account and market at once; the market lane has no events.
  shuffleExcludes: ['admin', 'market'],
  // What the CLI does with a subject beyond the generic commands (--bug, replay --events-only, diff).
  subjectCommands: SUBJECT_COMMANDS,
};
