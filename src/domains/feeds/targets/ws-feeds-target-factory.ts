import { asyncScheduler } from 'rxjs';
import { startWsChaosProxy, type WsChaosProxy } from '../../../core/chaos-proxy/ws-chaos-proxy.ts';
import type { Fault, FaultKind } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { type FeedsBugName, type RunningFeedsServer, startFeedsServer } from '../../../feeds-proxy/index.ts';
import { type FeedsAction, OPERATOR } from '../feeds-action.ts';
import { ALL_FEEDS_CAPABILITIES } from '../feeds-capabilities.ts';
import type { FeedsClientEvent } from '../feeds-client-event.ts';
import { upstreamOfLink } from '../generation/fault-targets.ts';
import { FEEDS_LINK_FAULT_KINDS, FEEDS_PROCESS_FAULT_KINDS } from '../generation/feeds-actions-arbitrary.ts';
import type { FeedsConfig } from '../protocol/feeds-config.ts';
import type { FeedsSnapshot } from '../protocol/feeds-snapshot.ts';
import { feedsFrameHooks } from '../transport/feeds-frame-hooks.ts';
import { makeFeedsTarget } from '../transport/feeds-target.ts';
import { feedsWsDialer } from '../transport/feeds-ws-dialer.ts';
import { runFeedsConfig } from './inproc-feeds-target-factory.ts';
import { ProxyProcessFaults } from './proxy-process-faults.ts';
import { UpstreamLinkChaos } from './upstream-link-chaos.ts';

export interface WsFeedsTargetOptions {
  config: FeedsConfig;
  bugs?: readonly FeedsBugName[];
  /** Put the core's ws chaos proxy between each subscriber and the proxy, for link faults. */
  chaos: boolean;
}

/**
 * The feeds proxy over a socket: shorter timeouts and SLO, so a run costs about a second of wall
 * time. Blocks keep at least 100 ms apart: a run ends once its clients have been quiet for
 * quietMs, which a feed pushing more often than that would never let happen.
 */
export function wsFeedsConfig(config: FeedsConfig): FeedsConfig {
  return {
    ...config,
    headIntervalMs: Math.max(config.headIntervalMs, 100),
    failoverSloMs: Math.min(config.failoverSloMs, 500),
    breakerRecoveryMs: Math.min(config.breakerRecoveryMs, 200),
    requestTimeoutMs: Math.min(config.requestTimeoutMs, 150),
    reconnectDelayMs: Math.min(config.reconnectDelayMs, 20),
  };
}

/**
 * The reference proxy over real sockets on 127.0.0.1: a fresh server per run (port 0, built from
 * the run's configure action, so runs never share a chain), stopped with the run. With `chaos`,
 * each subscriber dials the core's ws chaos proxy, which stands between it and the server and
 * applies the run's link faults to real frames and sockets, and tells the server each
 * connection's client name; faults aimed at an upstream (`upstream:u1`) act on that upstream's
 * link inside the server, and process faults kill and restart, or pause, the proxy inside it.
 * The operator always dials the server directly (it is the observer, never a victim).
 */
export function wsFeedsTargetFactory(
  options: WsFeedsTargetOptions,
): TargetFactory<FeedsAction, FeedsClientEvent, unknown, FeedsSnapshot> {
  let current: RunningFeedsServer | undefined;
  let chaos: Promise<WsChaosProxy> | undefined;
  let disposed = false;
  const faultKinds: readonly FaultKind[] = options.chaos
    ? [...FEEDS_LINK_FAULT_KINDS, ...FEEDS_PROCESS_FAULT_KINDS]
    : [];
  return {
    name: options.chaos ? 'ws+chaos' : 'embedded-ws',
    isolation: 'venue-per-run',
    faultKinds,
    capabilities: ALL_FEEDS_CAPABILITIES,
    async create(run) {
      if (disposed) throw new Error('ws feeds target factory used after dispose()');
      const config = runFeedsConfig(run?.actions, options.config);
      const log = new FaultLog();
      // Faults aimed at one upstream act on its link inside the server, on the wall clock.
      const upstreamLinks = options.chaos
        ? new UpstreamLinkChaos({ scheduler: asyncScheduler, log, keepaliveMs: config.requestTimeoutMs })
        : undefined;
      const server = await startFeedsServer({
        port: 0,
        host: '127.0.0.1',
        config,
        bugs: options.bugs ?? [],
        ...(upstreamLinks !== undefined ? { upstreamTap: upstreamLinks.tap } : {}),
      });
      current = server;
      // The proxy's process inside the server: killed and restarted, or paused, on the wall clock.
      const proxyProcess = new ProxyProcessFaults(server.host, asyncScheduler, log);
      const direct = (client: string): string => `${server.url}/?client=${encodeURIComponent(client)}`;
      let proxy: WsChaosProxy | undefined;
      if (options.chaos) {
        try {
          chaos ??= startWsChaosProxy({
            // The chaos proxy tells the server which subscriber each connection is.
            upstream: (client) =>
              `${current === undefined ? server.url : current.url}/?client=${encodeURIComponent(client)}`,
            hooks: feedsFrameHooks,
          });
          proxy = await chaos;
        } catch (error) {
          await server.close();
          throw error;
        }
        proxy.beginRun(log);
      }
      const chaosProxy = proxy;
      const dialer = feedsWsDialer((client) =>
        chaosProxy === undefined || client === OPERATOR ? direct(client) : chaosProxy.urlFor(client),
      );
      return makeFeedsTarget(dialer, options.chaos ? 'ws+chaos' : 'embedded-ws', {
        config,
        virtual: false,
        inject: (fault: Fault, client: string, step: number): Reply => {
          if (fault.type === 'process' && chaosProxy !== undefined)
            return proxyProcess.inject(fault, client, step);
          if (
            chaosProxy === undefined ||
            client === OPERATOR ||
            fault.type === 'process' ||
            fault.type === 'clock'
          )
            return {
              status: 'fail',
              code: 'SHK_FAULT_UNSUPPORTED',
              message: `${fault.type}.${fault.effect} on ${client} needs the chaos proxy (--faults) and a subscriber's link`,
            };
          if (upstreamOfLink(client) !== undefined)
            return (
              upstreamLinks?.inject(fault, client, step) ?? {
                status: 'fail',
                code: 'SHK_FAULT_UNSUPPORTED',
                message: `${client}: faults aimed at an upstream need --faults`,
              }
            );
          const result = chaosProxy.inject(client, fault, step);
          return result.ok
            ? { status: 'ok', result: { fault: result.message } }
            : { status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: result.message };
        },
        extra: () => ({ faults: log.list() }),
        settled: () => (upstreamLinks?.settled() ?? true) && proxyProcess.settled(),
        stop: () => {
          proxyProcess.stop();
          upstreamLinks?.stop();
          chaosProxy?.dropAll();
          if (current === server) current = undefined;
          void server.close();
        },
      });
    },
    async dispose() {
      disposed = true;
      await current?.close();
      current = undefined;
      const running = await chaos?.catch(() => undefined);
      await running?.close();
    },
  };
}
