/** The feeds domain: JSON-RPC subscription feeds behind an RPC proxy (docs/feeds.md). */
export { FEEDS_CLIENTS, FEEDS_SUBSCRIBERS, type FeedsAction, OPERATOR } from './feeds-action.ts';
export { ALL_FEEDS_CAPABILITIES, FEEDS_CAPABILITIES } from './feeds-capabilities.ts';
export type { FeedsClientEvent } from './feeds-client-event.ts';
export type { FeedsEvidence } from './feeds-evidence.ts';
export { feedsPack, loadFeedsConfig } from './feeds-pack.ts';
export { type FeedsView, feedsProjection } from './feeds-projection.ts';
export { feedsReport, feedsReportSections, feedsTimelineNotes, measureFeedsRun } from './feeds-report.ts';
export { feedsTargetFactory } from './feeds-target-factory.ts';
export { UPSTREAM_LINK_PREFIX, upstreamLink, upstreamOfLink } from './generation/fault-targets.ts';
export { FEEDS_LINK_FAULT_KINDS, feedsActions } from './generation/feeds-actions-arbitrary.ts';
export { feedsPropertyForBug } from './property-for-bug.ts';
export { inprocFeedsTargetFactory } from './targets/inproc-feeds-target-factory.ts';
export { UpstreamLinkChaos } from './targets/upstream-link-chaos.ts';
export { wsFeedsTargetFactory } from './targets/ws-feeds-target-factory.ts';
