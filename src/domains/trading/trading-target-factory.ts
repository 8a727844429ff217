import type { TargetOptions, TargetSpec } from '../../core/model/domain-pack.ts';
import type { TargetFactory } from '../../core/model/target.ts';
import { ShakedownError } from '../../core/shakedown-error.ts';
import { loadTargetModule } from '../../core/targets/load-target-module.ts';
import type { BugName } from '../../exchange/index.ts';
import { defaultExchangeConfig, type ExchangeConfig } from './protocol/exchange-config.ts';
import { chaosWsTargetFactory, REFERENCE_OVER_SOCKET } from './targets/chaos-ws-target-factory.ts';
import { inprocTargetFactory } from './targets/inproc-target-factory.ts';
import type { TradingAction } from './trading-action.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import { isClientBug } from './transport/client-bugs.ts';
import { makeTradingTarget } from './transport/trading-target.ts';
import { embeddedWsTargetFactory, urlTargetFactory } from './transport/ws-target-factories.ts';

export type TradingTargetFactory = TargetFactory<TradingAction, TradingClientEvent>;

/**
 * A reference venue reached over a socket provides everything but the journal: the run sees no
 * state rebuilt from the venue's journal, so durability.journal-replay is skipped and said so.
 */
function overSocket(factory: TradingTargetFactory): TradingTargetFactory {
  return { ...factory, capabilities: REFERENCE_OVER_SOCKET };
}

/** Turns `--target` into a factory: in-process (default), the embedded server, a URL, or a user module. */
export async function tradingTargetFactory(
  spec: TargetSpec,
  options: TargetOptions & { config?: ExchangeConfig; requestTimeoutMs?: number },
): Promise<TradingTargetFactory> {
  const config = options.config ?? defaultExchangeConfig();
  // --bug names venue bugs and client bugs alike; each goes to its side.
  const bugs = options.bugs.filter((b) => !isClientBug(b)) as BugName[];
  const clientBugs = options.bugs.filter(isClientBug);
  const network = (dialer: Parameters<typeof makeTradingTarget>[0], name: string) =>
    makeTradingTarget(dialer, name, {
      config,
      resetOnOpen: true,
      clientBugs,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
  // Over a network, faults need a chaos proxy in front of the venue, and process faults need
  // the venue in a child process under a supervisor: set up only when faults may be asked for.
  const faults = options.faults ?? [];
  const chaos = faults === 'all' || faults.length > 0;
  const processFaults = faults === 'all' || faults.some((kind) => kind.startsWith('process.'));
  const chaosOptions = {
    config,
    bugs,
    clientBugs,
    process: processFaults,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  };
  switch (spec.kind) {
    case 'inproc':
      return inprocTargetFactory({ config, bugs, clientBugs }) as TradingTargetFactory;
    case 'embedded-ws':
      if (chaos) return chaosWsTargetFactory(chaosOptions) as TradingTargetFactory;
      return overSocket(embeddedWsTargetFactory({ bugs, config }, network) as TradingTargetFactory);
    case 'url':
      if (chaos)
        return chaosWsTargetFactory({
          ...chaosOptions,
          process: false,
          url: spec.url,
        }) as TradingTargetFactory;
      return overSocket(urlTargetFactory(spec.url, network) as TradingTargetFactory);
    case 'module':
      return (await loadTargetModule(
        spec.path,
        spec.options === undefined ? {} : { options: spec.options },
      )) as unknown as TradingTargetFactory;
    case 'command':
      // A venue is reached at a URL or loaded as a module; a command line starts a client (--subject).
      throw new ShakedownError(
        'SHK_USAGE',
        `the trading domain tests a venue: give it with --target (a ws:// URL or an adapter module), not as a command ("${spec.command}")`,
        { exitCode: 2, context: { command: spec.command } },
      );
  }
}
