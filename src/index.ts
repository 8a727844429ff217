/**
 * shakedown's public entry (`import ... from 'shakedown'`): what an adapter, a domain pack or a
 * script needs, by name. `shakedown/trading` (src/trading.ts) has the trading pack's types and
 * helpers; the CLI (bin/shakedown.js) is the other way in. Everything not listed may change.
 */

export { coverageSummary } from './core/coverage/coverage-tally.ts';
export type { SurfaceRegistry } from './core/coverage/surface-registry.ts';
// Faults.
export { FAULT_KINDS, type Fault, type FaultAction, type FaultKind } from './core/faults/fault.ts';
export type { FaultRecord } from './core/faults/fault-record.ts';
export { evaluateSlos } from './core/latency/evaluate-slos.ts';
export type { Slo, SloResult } from './core/latency/slo.ts';
// Contracts between the core and a system under test.
export type { ActionBase } from './core/model/action.ts';
export {
  type Capability,
  missingCapabilities,
  type SkippedInvariant,
} from './core/model/capabilities.ts';
export type { Client, ClientEvent, Reply } from './core/model/client.ts';
export type {
  AnyDomainPack,
  DomainLogger,
  DomainPack,
  DomainPreflight,
  DomainServeOptions,
  FieldProblem,
  PlantedBugInfo,
  PreflightOutcome,
  ServingSystem,
  TargetOptions,
  TargetSpec,
} from './core/model/domain-pack.ts';
export type { Operation, RecordedEvent, RunEvidence } from './core/model/evidence.ts';
export type { CheckTally, Invariant, Verdict, Violation } from './core/model/invariant.ts';
export type { Projection } from './core/model/projection.ts';
export type { GenerationContext, Property, PropertySettings } from './core/model/property.ts';
export type { Target, TargetFactory } from './core/model/target.ts';

// Replay files and the event sequencer.
export type { AdapterRecord, ReplayFile } from './core/replay/replay-file.ts';
export { readReplayFile, writeReplayFile } from './core/replay/write-replay-file.ts';
// Summaries and reports.
export type { CampaignSummary } from './core/report/campaign-summary.ts';
export { renderJunit } from './core/report/junit-report.ts';
export { mergeJunit } from './core/report/merge-junit.ts';
export { mergeSummaries } from './core/report/merge-summaries.ts';
export { readSummaryFile } from './core/report/read-summary.ts';
export { summarizeCampaign } from './core/report/summarize-campaign.ts';
export { writeReport } from './core/report/write-report.ts';
// Running campaigns.
export {
  type CampaignOptions,
  type CampaignResult,
  DEFAULT_SETTINGS,
  executeRun,
  runCampaign,
} from './core/runner/campaign.ts';
export type { Scenario, ScenarioStep } from './core/scenario/scenario.ts';
export { EventSequencer } from './core/sequencer/event-sequencer.ts';
export { replayOrdered } from './core/sequencer/ordered-replay.ts';
export { replayShuffled } from './core/sequencer/shuffled-replay.ts';
export { EXIT, isShakedownError, ShakedownError } from './core/shakedown-error.ts';
export { seedFromCommit } from './core/shard/derive-seed.ts';
export { parseShard, type Shard, shardOwnsRun } from './core/shard/shard.ts';
export type { PackReference } from './core/workers/worker-protocol.ts';
// The domains: by name (`trading`) or a pack module of your own, as `--domain` takes them.
export {
  DEFAULT_DOMAIN,
  isDomainPath,
  knownDomains,
  type LoadedDomain,
  loadDomain,
} from './domains/registry.ts';
export { defaultExchangeConfig } from './domains/trading/protocol/exchange-config.ts';
export type { TradingAction } from './domains/trading/trading-action.ts';
export {
  ALL_TRADING_CAPABILITIES,
  TRADING_CAPABILITIES,
  type TradingCapability,
} from './domains/trading/trading-capabilities.ts';
export type { TradingClientEvent } from './domains/trading/trading-client-event.ts';
// The trading domain pack and the reference exchange.
export { tradingPack } from './domains/trading/trading-pack.ts';
export { makeTradingTarget } from './domains/trading/transport/trading-target.ts';
export { wsDialer } from './domains/trading/transport/ws-dialer.ts';
export { startExchangeServer } from './exchange/server/exchange-server.ts';
