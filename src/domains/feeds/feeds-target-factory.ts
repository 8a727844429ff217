import type { TargetOptions, TargetSpec } from '../../core/model/domain-pack.ts';
import type { TargetFactory } from '../../core/model/target.ts';
import { ShakedownError } from '../../core/shakedown-error.ts';
import { loadTargetModule } from '../../core/targets/load-target-module.ts';
import { isFeedsBugName } from '../../feeds-proxy/index.ts';
import type { FeedsAction } from './feeds-action.ts';
import type { FeedsClientEvent } from './feeds-client-event.ts';
import { defaultFeedsConfig, type FeedsConfig } from './protocol/feeds-config.ts';
import { inprocFeedsTargetFactory } from './targets/inproc-feeds-target-factory.ts';
import { wsFeedsConfig, wsFeedsTargetFactory } from './targets/ws-feeds-target-factory.ts';
import { makeFeedsTarget } from './transport/feeds-target.ts';
import { feedsWsDialer } from './transport/feeds-ws-dialer.ts';
import { probeFeedsAdmin } from './transport/probe-admin.ts';

export type FeedsTargetFactory = TargetFactory<FeedsAction, FeedsClientEvent>;

/**
 * Turns `--target` into a feeds factory: in-process (default), the embedded server over real
 * sockets (through the core's chaos proxy when faults may be asked for), a proxy at a URL that
 * speaks the feeds protocol with the reference's admin methods, or a user module.
 */
export async function feedsTargetFactory(
  spec: TargetSpec,
  options: TargetOptions & { config?: FeedsConfig },
): Promise<FeedsTargetFactory> {
  const config = options.config ?? defaultFeedsConfig();
  const bugs = options.bugs.filter(isFeedsBugName);
  const faults = options.faults ?? [];
  const chaos = faults === 'all' || faults.length > 0;
  switch (spec.kind) {
    case 'inproc':
      return inprocFeedsTargetFactory({ config, bugs }) as FeedsTargetFactory;
    case 'embedded-ws':
      return wsFeedsTargetFactory({ config: wsFeedsConfig(config), bugs, chaos }) as FeedsTargetFactory;
    case 'url': {
      const url = spec.url;
      // A long-lived proxy at a URL is shared by every run: its records (truth, metrics, breaker
      // and routing logs) span them all, and an upstream killed in one run stays dead in the
      // next. So the runs check what the clients see, and the rules that read the system's
      // truth or drive its upstreams are skipped (the run lists them). If it answers the
      // reference's admin methods, each run waits for it to reach its upstreams.
      const admin = await probeFeedsAdmin(url);
      return {
        name: url,
        capabilities: [],
        create: async () =>
          makeFeedsTarget(
            feedsWsDialer(
              (client) => `${url}${url.includes('?') ? '&' : '?'}client=${encodeURIComponent(client)}`,
            ),
            url,
            { config, admin, readTruth: false },
          ),
      } as FeedsTargetFactory;
    }
    case 'module':
      return (await loadTargetModule(
        spec.path,
        spec.options === undefined ? {} : { options: spec.options },
      )) as unknown as FeedsTargetFactory;
    case 'command':
      throw new ShakedownError(
        'SHK_USAGE',
        'the feeds domain has no command targets: point it at a proxy with --target inproc, ws or a URL',
      );
  }
}
