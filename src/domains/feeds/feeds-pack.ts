import { readFileSync } from 'node:fs';
import { FEEDS_INVARIANTS } from '../../../invariants/feeds/index.ts';
import { FEEDS_PROPERTIES } from '../../../properties/feeds/index.ts';
import type {
  DomainPack,
  DomainServeOptions,
  PlantedBugInfo,
  ServingSystem,
} from '../../core/model/domain-pack.ts';
import { ownModule } from '../../core/own-files.ts';
import { ShakedownError } from '../../core/shakedown-error.ts';
import { FEEDS_PLANTED_BUGS, isFeedsBugName, startFeedsServer } from '../../feeds-proxy/index.ts';
import { describeFeedsEvent } from './describe-event.ts';
import { FEEDS_CLIENTS, type FeedsAction } from './feeds-action.ts';
import { ALL_FEEDS_CAPABILITIES } from './feeds-capabilities.ts';
import type { FeedsClientEvent } from './feeds-client-event.ts';
import type { FeedsEvidence } from './feeds-evidence.ts';
import { feedsExercised } from './feeds-exercised.ts';
import { type FeedsView, feedsProjection } from './feeds-projection.ts';
import { feedsReport } from './feeds-report.ts';
import { FEEDS_SURFACE } from './feeds-surface.ts';
import { feedsTargetFactory } from './feeds-target-factory.ts';
import { describeFeedsAction } from './generation/describe-action.ts';
import { defaultFeedsConfig, type FeedsConfig, validateFeedsConfig } from './protocol/feeds-config.ts';
import { validateFeedsAction } from './validate-feeds-action.ts';

/** The reference proxy's planted bugs, with the invariant that catches each. */
const FEEDS_BUGS: readonly PlantedBugInfo[] = FEEDS_PLANTED_BUGS.map((b) => ({
  name: b.name,
  invariant: b.invariant,
  summary: b.summary,
  side: 'reference' as const,
  needs: b.needs,
}));

/** `--config FILE`: a JSON FeedsConfig, over the defaults for the fields it leaves out. */
export function loadFeedsConfig(path?: string): FeedsConfig {
  if (path === undefined) return defaultFeedsConfig();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ShakedownError(
      'SHK_FEEDS_CONFIG',
      `cannot read the feeds config ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { context: { path } },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ShakedownError('SHK_FEEDS_CONFIG', `the feeds config ${path} must be a JSON object`, {
      context: { path },
    });
  return validateFeedsConfig({ ...defaultFeedsConfig(), ...(parsed as Partial<FeedsConfig>) });
}

/** `shakedown serve --domain feeds`: the reference proxy and its upstreams on a socket. */
async function serveFeeds(options: DomainServeOptions): Promise<ServingSystem> {
  if (
    !options.allowRemote &&
    options.host !== '127.0.0.1' &&
    options.host !== 'localhost' &&
    options.host !== '::1'
  )
    throw new ShakedownError('SHK_USAGE', `serving the feeds proxy on ${options.host} needs --allow-remote`);
  const running = await startFeedsServer({
    host: options.host,
    port: options.port,
    config: loadFeedsConfig(options.configPath),
    bugs: options.bugs.filter(isFeedsBugName),
    logger: options.logger,
  });
  return { url: running.url, close: () => running.close() };
}

/**
 * The feeds domain pack: JSON-RPC subscription feeds (newHeads, logs) behind an RPC proxy with
 * several upstreams, failover, circuit breakers and selection strategies (docs/feeds.md).
 */
export const feedsPack: DomainPack<FeedsAction, FeedsClientEvent, FeedsView, FeedsEvidence> = {
  name: 'feeds',
  reference: { module: ownModule('./feeds-pack.ts', import.meta.url).href, exportName: 'feedsPack' },
  clients: FEEDS_CLIENTS,
  projection: feedsProjection,
  invariants: FEEDS_INVARIANTS,
  properties: FEEDS_PROPERTIES,
  findProperty: (name) => FEEDS_PROPERTIES.find((p) => p.name === name),
  targetFactory: (spec, options) => feedsTargetFactory(spec, options),
  surface: FEEDS_SURFACE,
  exercised: (evidence) => feedsExercised(evidence),
  describeAction: describeFeedsAction,
  describeEvent: describeFeedsEvent,
  validateAction: validateFeedsAction,
  bugs: FEEDS_BUGS,
  plantedBugs: FEEDS_BUGS.map((b) => b.name),
  capabilities: ALL_FEEDS_CAPABILITIES,
  loadConfig: (path) => loadFeedsConfig(path),
  diffProperty: 'feeds-clean',
  serve: serveFeeds,
  // The operator follows no feed: its view is empty, whatever the order.
  shuffleExcludes: [],
  report: feedsReport,
};
