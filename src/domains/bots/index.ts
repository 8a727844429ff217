/**
 * The bots domain: a trading client (a bot, an execution kernel) as the system under test,
 * against the reference exchange. Everything the CLI and users need, by name.
 */
export type {
  BotAction,
  BotActionKind,
  BotVenueModes,
  IntentAction,
  MarkAction,
  MarketAccount,
  MarketCancelAction,
  MarketPlaceAction,
  RestartAction,
  StateCorruption,
  SubjectFaultAction,
  VenueModeAction,
} from './bot-action.ts';
export { BOTS_CLIENTS, CALM_VENUE, MARKET_ACCOUNTS, STATE_CORRUPTIONS } from './bot-action.ts';
export type { BotEvent, BotEventType, BotsSnapshot } from './bot-event.ts';
export { botsPack } from './bots-pack.ts';
export {
  BOT_ACCOUNT,
  BOT_SYMBOL,
  botsExchangeConfig,
  DEFAULT_RISK_LIMITS,
  subjectInstrument,
} from './bots-venue.ts';
export { describeBotAction, describeBotEvent, describeIntent } from './describe-bot.ts';
export {
  type ComparedOrder,
  diffSubjects,
  diffSubjectsOnce,
  ordersSent,
  type SubjectDiffCampaign,
  type SubjectDiffOptions,
  type SubjectDiffRun,
  type SubjectDivergence,
  type SubjectUnderDiff,
} from './diff-subjects.ts';
export { BOT_FAULT_KINDS, botActionsArbitrary } from './generation/bot-actions-arbitrary.ts';
export { GRID_BOT_BUG_INFO } from './grid-bot-bugs.ts';
export { type InprocSubjectFactoryOptions, inprocSubjectFactory } from './inproc-subject-factory.ts';
export { createInprocSubjectTarget } from './inproc-subject-target.ts';
export { type LoadedSubject, loadSubjectModule } from './load-subject-module.ts';
export { MemoryStateStore } from './memory-state-store.ts';
export type {
  CancelIntent,
  ControlReply,
  ControlRequest,
  ControlResults,
  DeclaredCheck,
  EnterIntent,
  ExitIntent,
  IntentAck,
  MarkIntent,
  ReconcileIntent,
  ResumeIntent,
  SetGridIntent,
  SetParamsIntent,
  StateStore,
  Subject,
  SubjectContext,
  SubjectFactory,
  SubjectInstrument,
  SubjectIntent,
  SubjectIntentType,
  SubjectInvariant,
  SubjectModule,
  SubjectOrder,
  SubjectRiskLimits,
  SubjectState,
} from './subject.ts';
export { emptySubjectState, SUBJECT_ENV, SUBJECT_INTENT_TYPES, subjectFactoryOf } from './subject.ts';
export {
  BOTS_CAPABILITIES,
  CONTROL_CHANNEL_CAPABILITY,
  PROCESS_SUBJECT_CAPABILITIES,
  SUBJECT_CAPABILITIES,
} from './subject-capabilities.ts';
export {
  type ComparedState,
  capturedVenueEvents,
  comparedState,
  describeConvergence,
  type ReplayConvergence,
  type ReplayOptions,
  replayIntoFresh,
  type SubjectRecording,
} from './subject-convergence.ts';
export { VenueSide, type VenueSideOptions } from './venue-side.ts';
