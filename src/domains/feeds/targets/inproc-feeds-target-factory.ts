import type { FaultKind } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { SortedVirtualTimeScheduler } from '../../../core/time/sorted-virtual-scheduler.ts';
import { type FeedsBugName, FeedsHost } from '../../../feeds-proxy/index.ts';
import type { FeedsAction } from '../feeds-action.ts';
import { ALL_FEEDS_CAPABILITIES } from '../feeds-capabilities.ts';
import type { FeedsClientEvent } from '../feeds-client-event.ts';
import { upstreamOfLink } from '../generation/fault-targets.ts';
import { FEEDS_LINK_FAULT_KINDS, FEEDS_PROCESS_FAULT_KINDS } from '../generation/feeds-actions-arbitrary.ts';
import { defaultFeedsConfig, type FeedsConfig, validateFeedsConfig } from '../protocol/feeds-config.ts';
import type { FeedsSnapshot } from '../protocol/feeds-snapshot.ts';
import { makeFeedsTarget } from '../transport/feeds-target.ts';
import { InprocFeedsLinks } from './inproc-feeds-links.ts';
import { ProxyProcessFaults } from './proxy-process-faults.ts';
import { UpstreamLinkChaos } from './upstream-link-chaos.ts';

export interface InprocFeedsTargetOptions {
  config?: FeedsConfig;
  bugs?: readonly FeedsBugName[];
  /** One-way virtual latency of each client's link to the proxy, ms. */
  latencyMs?: number;
}

/** The config a run asks for with its leading configure action, over the factory's. */
export function runFeedsConfig(actions: readonly FeedsAction[] | undefined, base: FeedsConfig): FeedsConfig {
  const first = actions?.[0];
  if (first?.kind !== 'configure') return base;
  return validateFeedsConfig({ ...base, ...first.config });
}

/**
 * A fresh reference proxy with its simulated upstreams per run, in this process, on a virtual
 * scheduler: a seed reproduces byte for byte and waiting costs nothing. Each subscriber's link
 * to the proxy runs through a LinkChaos (frame and connection faults); the operator's does not.
 * The proxy process itself can be killed (every connection and subscription lost; it restarts
 * with nothing of its memory) or paused (frames wait), on virtual time.
 * A run that leads with a configure action gets a proxy built from it.
 */
export function inprocFeedsTargetFactory(
  options: InprocFeedsTargetOptions = {},
): TargetFactory<FeedsAction, FeedsClientEvent, unknown, FeedsSnapshot> {
  const config = options.config ?? defaultFeedsConfig();
  const bugs = options.bugs ?? [];
  const faultKinds: readonly FaultKind[] = [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS];
  return {
    name: 'inproc',
    faultKinds,
    capabilities: ALL_FEEDS_CAPABILITIES,
    virtual: true,
    create: async (run) => {
      const runConfig = runFeedsConfig(run?.actions, config);
      const scheduler = new SortedVirtualTimeScheduler();
      const log = new FaultLog();
      const upstreamLinks = new UpstreamLinkChaos({
        scheduler,
        log,
        keepaliveMs: runConfig.requestTimeoutMs,
      });
      const host = new FeedsHost({ config: runConfig, bugs, scheduler, upstreamTap: upstreamLinks.tap });
      const links = new InprocFeedsLinks({
        log,
        scheduler,
        latencyMs: options.latencyMs ?? 1,
        connect: (client, send, closed) => host.connect(client, send, closed),
        up: () => host.proxyUp,
      });
      const proxyProcess = new ProxyProcessFaults(host, scheduler, log);
      return makeFeedsTarget(links.dialer, 'inproc', {
        scheduler,
        virtual: true,
        config: runConfig,
        inject: (fault, client, step) =>
          fault.type === 'process'
            ? proxyProcess.inject(fault, client, step)
            : upstreamOfLink(client) !== undefined
              ? upstreamLinks.inject(fault, client, step)
              : links.inject(fault, client, step),
        settled: () => links.settled() && upstreamLinks.settled() && proxyProcess.settled(),
        extra: () => ({ faults: links.log.list() }),
        stop: () => {
          proxyProcess.stop();
          upstreamLinks.stop();
          links.stop();
          host.stop();
        },
      });
    },
  };
}
