import type { TargetOptions, TargetSpec } from '../../../core/model/domain-pack.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { ExchangeConfig } from '../../trading/protocol/exchange-config.ts';
import type { BotAction } from '../bot-action.ts';
import type { BotEvent, BotsSnapshot } from '../bot-event.ts';
import { botsExchangeConfig } from '../bots-venue.ts';
import { BOT_FAULT_KINDS } from '../generation/bot-actions-arbitrary.ts';
import type { SubjectRiskLimits } from '../subject.ts';
import { PROCESS_SUBJECT_CAPABILITIES } from '../subject-capabilities.ts';
import { createProcessSubjectTarget } from './process-subject-target.ts';

/** What a caller may set beyond the command line and the campaign's options (tests, embedders). */
export interface ProcessSubjectTuning {
  /** The venue of every run; the bots venue (botsExchangeConfig) by default. */
  config?: ExchangeConfig;
  /** The subject's environment besides the SHAKEDOWN_ variables (the host's by default). */
  env?: Readonly<Record<string, string | undefined>>;
  risk?: SubjectRiskLimits;
  /** Where the command runs (the current directory by default). */
  cwd?: string;
  /** How long a control request may wait for its answer before it is indeterminate (default 2 s). */
  answerTimeoutMs?: number;
  /** How long a start may take to print `{"ready":true}` (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * Targets for a subject run as a separate process, in any language (docs/bots.md): what
 * `--subject "<command line>"` makes (TargetSpec `command`). Each run gets its own reference
 * exchange, chaos proxy, state directory and subject process, on the real clock, and releases
 * them all when it stops. The campaign's planted bugs go to the subject as SHAKEDOWN_BUGS, its
 * seed as SHAKEDOWN_SEED.
 */
export function processSubjectFactory(
  spec: TargetSpec,
  options: TargetOptions,
  tuning: ProcessSubjectTuning = {},
): TargetFactory<BotAction, BotEvent, unknown, BotsSnapshot> {
  if (spec.kind !== 'command' || spec.command.trim() === '') {
    throw new ShakedownError(
      'SHK_USAGE',
      'a process subject needs a command line (--subject "node bot.js")',
      {
        exitCode: EXIT.usage,
        context: { target: spec.kind },
      },
    );
  }
  const command = spec.command;
  const config = tuning.config ?? botsExchangeConfig();
  const name = `process-subject ${command}`;
  return {
    name,
    // The same faults on its link (through the chaos proxy) and the same evidence as in process,
    // so the same generated sequences run on both forms; its kills are `restart` actions.
    faultKinds: BOT_FAULT_KINDS,
    capabilities: PROCESS_SUBJECT_CAPABILITIES,
    virtual: false,
    create: () =>
      createProcessSubjectTarget({
        command,
        config,
        seed: options.seed,
        bugs: options.bugs,
        name,
        ...(tuning.env === undefined ? {} : { env: tuning.env }),
        ...(tuning.risk === undefined ? {} : { risk: tuning.risk }),
        ...(tuning.cwd === undefined ? {} : { cwd: tuning.cwd }),
        ...(tuning.answerTimeoutMs === undefined ? {} : { answerTimeoutMs: tuning.answerTimeoutMs }),
        ...(tuning.startTimeoutMs === undefined ? {} : { startTimeoutMs: tuning.startTimeoutMs }),
      }),
  };
}
