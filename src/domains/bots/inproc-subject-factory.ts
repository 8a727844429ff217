import type { TargetFactory } from '../../core/model/target.ts';
import type { ExchangeConfig } from '../trading/protocol/exchange-config.ts';
import type { BotAction } from './bot-action.ts';
import type { BotEvent, BotsSnapshot } from './bot-event.ts';
import { botsExchangeConfig } from './bots-venue.ts';
import { BOT_FAULT_KINDS } from './generation/bot-actions-arbitrary.ts';
import { createInprocSubjectTarget } from './inproc-subject-target.ts';
import type { SubjectFactory, SubjectRiskLimits } from './subject.ts';
import { SUBJECT_CAPABILITIES } from './subject-capabilities.ts';

export interface InprocSubjectFactoryOptions {
  factory: SubjectFactory;
  /** Shown on reports: the module's path or a name. */
  name?: string;
  /** The subject's planted bugs to switch on (its context's bug bag). */
  bugs?: readonly string[];
  /** The subject's environment (its own variables, such as GRID_BOT_BUGS). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Seeds the subject's own randomness (SubjectContext.seed). */
  seed?: number;
  config?: ExchangeConfig;
  risk?: SubjectRiskLimits;
}

/**
 * The targets of an in-process subject: each run a fresh venue and a fresh start of the
 * subject on it, on virtual time (createInprocSubjectTarget), so a run is a function of its
 * actions and the seed.
 */
export function inprocSubjectFactory(
  options: InprocSubjectFactoryOptions,
): TargetFactory<BotAction, BotEvent, unknown, BotsSnapshot> {
  const config = options.config ?? botsExchangeConfig();
  return {
    name: options.name ?? 'subject',
    faultKinds: BOT_FAULT_KINDS,
    capabilities: SUBJECT_CAPABILITIES,
    virtual: true,
    create: async () =>
      createInprocSubjectTarget({
        factory: options.factory,
        config,
        seed: options.seed ?? 0,
        bugs: options.bugs ?? [],
        env: options.env ?? {},
        ...(options.risk ? { risk: options.risk } : {}),
        ...(options.name ? { name: options.name } : {}),
      }),
  };
}
