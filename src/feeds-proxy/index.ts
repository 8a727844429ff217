/**
 * The reference feeds proxy's public entry: what the feeds domain's targets, the CLI and the
 * tests may use. Nothing outside src/feeds-proxy reaches past it (.dependency-cruiser.cjs);
 * the protocol it speaks belongs to the feeds domain (src/domains/feeds/protocol).
 */
export {
  FEEDS_BUG_NAMES,
  FEEDS_PLANTED_BUGS,
  type FeedsBugName,
  type FeedsPlantedBug,
  isFeedsBugName,
} from '../domains/feeds/protocol/feeds-bugs.ts';
export { FeedsHost } from './host/feeds-host.ts';
export type {
  FeedsClientConnection,
  FeedsDialer,
  FeedsHostOptions,
  ProxySession,
  UpstreamLinkTap,
} from './host/feeds-host-api.ts';
export {
  type FeedsProxyProcess,
  type FeedsProxyProcessOptions,
  startFeedsProxyProcess,
} from './server/feeds-proxy-process.ts';
export {
  type FeedsServerLogger,
  type FeedsServerOptions,
  type RunningFeedsServer,
  startFeedsServer,
} from './server/feeds-server.ts';
