import { startWsChaosProxy, type WsChaosProxy } from '../../../core/chaos-proxy/ws-chaos-proxy.ts';
import type { Fault, FaultKind } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { type FeedsBugName, type RunningFeedsServer, startFeedsServer } from '../../../feeds-proxy/index.ts';
import { type FeedsAction, OPERATOR } from '../feeds-action.ts';
import { ALL_FEEDS_CAPABILITIES } from '../feeds-capabilities.ts';
import type { FeedsClientEvent } from '../feeds-client-event.ts';
import { FEEDS_LINK_FAULT_KINDS } from '../generation/feeds-actions-arbitrary.ts';
import type { FeedsConfig } from '../protocol/feeds-config.ts';
import type { FeedsSnapshot } from '../protocol/feeds-snapshot.ts';
import { feedsFrameHooks } from '../transport/feeds-frame-hooks.ts';
import { makeFeedsTarget } from '../transport/feeds-target.ts';
import { feedsWsDialer } from '../transport/feeds-ws-dialer.ts';
import { runFeedsConfig } from './inproc-feeds-target-factory.ts';

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
 * applies the run's link faults to real frames and sockets; the operator always dials the server
 * directly (it is the observer, never a victim).
 */
export function wsFeedsTargetFactory(
  options: WsFeedsTargetOptions,
): TargetFactory<FeedsAction, FeedsClientEvent, unknown, FeedsSnapshot> {
  let current: RunningFeedsServer | undefined;
  let chaos: Promise<WsChaosProxy> | undefined;
  let disposed = false;
  const faultKinds: readonly FaultKind[] = options.chaos ? FEEDS_LINK_FAULT_KINDS : [];
  return {
    name: options.chaos ? 'ws+chaos' : 'embedded-ws',
    faultKinds,
    capabilities: ALL_FEEDS_CAPABILITIES,
    async create(run) {
      if (disposed) throw new Error('ws feeds target factory used after dispose()');
      const config = runFeedsConfig(run?.actions, options.config);
      const server = await startFeedsServer({ port: 0, host: '127.0.0.1', config, bugs: options.bugs ?? [] });
      current = server;
      const direct = (client: string): string => `${server.url}/?client=${encodeURIComponent(client)}`;
      let proxy: WsChaosProxy | undefined;
      const log = new FaultLog();
      if (options.chaos) {
        try {
          chaos ??= startWsChaosProxy({
            upstream: () => (current === undefined ? server.url : `${current.url}/?client=chaos`),
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
          const result = chaosProxy.inject(client, fault, step);
          return result.ok
            ? { status: 'ok', result: { fault: result.message } }
            : { status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: result.message };
        },
        extra: () => ({ faults: log.list() }),
        stop: () => {
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
