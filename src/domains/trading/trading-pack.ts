import { networkInterfaces } from 'node:os';
import { TRADING_INVARIANTS } from '../../../invariants/trading/index.ts';
import { TRADING_PROPERTIES } from '../../../properties/trading/index.ts';
import type {
  DomainPack,
  DomainPreflight,
  DomainServeOptions,
  PlantedBugInfo,
  ServingSystem,
} from '../../core/model/domain-pack.ts';
import { ownModule } from '../../core/own-files.ts';
import { ShakedownError } from '../../core/shakedown-error.ts';
import { type BugName, type JournalFsync, PLANTED_BUGS } from '../../exchange/index.ts';
import { describeEvent } from './describe-event.ts';
import { TRADING_DIFF_NORMALIZER } from './diff/trading-diff-normalizer.ts';
import { describeAction } from './generation/describe-action.ts';
import { needsRunLock } from './preflight/needs-preflight.ts';
import { describeOutcome, preflightError, runSandboxPreflight } from './preflight/sandbox-preflight.ts';
import type { ExchangeConfig } from './protocol/exchange-config.ts';
import { loadExchangeConfig } from './protocol/load-config.ts';
import { findPropertyIn } from './scenarios/find-property.ts';
import { SCENARIO_SOURCES, TRADING_SCENARIOS } from './scenarios/index.ts';
import { scenarioProperty } from './scenarios/scenario-fuzz.ts';
import { TRADING_CLIENTS, type TradingAction } from './trading-action.ts';
import { ALL_TRADING_CAPABILITIES } from './trading-capabilities.ts';
import type { TradingClientEvent } from './trading-client-event.ts';
import type { TradingEvidence } from './trading-evidence.ts';
import { tradingExercised } from './trading-exercised.ts';
import { tradingProjection } from './trading-projection.ts';
import { TRADING_SURFACE } from './trading-surface.ts';
import { tradingTargetFactory } from './trading-target-factory.ts';
import type { TradingView } from './trading-view.ts';
import { CLIENT_BUGS } from './transport/client-bugs.ts';
import { validateTradingAction } from './validate-trading-action.ts';

/** Venue bugs of the reference exchange, and bugs of the reference trading client. */
const TRADING_BUGS: readonly PlantedBugInfo[] = [
  ...PLANTED_BUGS.map((b) => ({
    name: b.name,
    invariant: b.invariant,
    summary: b.summary,
    side: 'reference' as const,
    needs: b.needs,
  })),
  ...CLIENT_BUGS.map((b) => ({
    name: b.name,
    invariant: b.invariant,
    summary: b.summary,
    side: 'client' as const,
    needs: 'faults',
  })),
];

/** A venue shakedown did not start is shared: run lock and the sandbox-isolation check first. */
const TRADING_PREFLIGHT: DomainPreflight = {
  needsRunLock,
  sandboxPrefix: (config) => (config as ExchangeConfig).sandboxPrefix,
  check: async ({ url, config, sandboxPrefix }) => {
    const report = await runSandboxPreflight({
      url,
      config: config as ExchangeConfig,
      sandboxPrefix: sandboxPrefix ?? (config as ExchangeConfig).sandboxPrefix,
    });
    return {
      passed: report.passed,
      lines: report.checks.map(
        (c) =>
          `  ${c.outcome === 'rejected' ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.account} on ${c.symbol} ${describeOutcome(c)}`,
      ),
      report,
      ...(report.passed ? {} : { error: preflightError(report, url) }),
    };
  },
};

/**
 * The trading domain pack: everything the core and the CLI need to test a venue. A second
 * domain plugs in by writing another pack; nothing in src/core or src/cli names orders.
 */
export const tradingPack: DomainPack<TradingAction, TradingClientEvent, TradingView, TradingEvidence> = {
  name: 'trading',
  reference: {
    module: ownModule('./trading-pack.ts', import.meta.url).href,
    exportName: 'tradingPack',
  },
  clients: TRADING_CLIENTS,
  projection: tradingProjection,
  invariants: TRADING_INVARIANTS,
  properties: TRADING_PROPERTIES,
  findProperty: (name) => findPropertyIn(TRADING_PROPERTIES, name),
  scenarios: TRADING_SCENARIOS,
  scenarioSources: SCENARIO_SOURCES,
  scenarioProperty,
  targetFactory: (spec, options) => tradingTargetFactory(spec, options),
  surface: TRADING_SURFACE,
  exercised: (evidence) => tradingExercised(evidence),
  describeAction,
  describeEvent,
  validateAction: validateTradingAction,
  bugs: TRADING_BUGS,
  plantedBugs: TRADING_BUGS.map((b) => b.name),
  capabilities: ALL_TRADING_CAPABILITIES,
  loadConfig: (path) => loadExchangeConfig(path),
  diffNormalizer: TRADING_DIFF_NORMALIZER,
  diffProperty: 'order-lifecycle',
  serve: serveExchange,
  preflight: TRADING_PREFLIGHT,
  // The admin follows every account at once: its one balance is whichever account spoke last.
  shuffleExcludes: ['admin'],
};

/**
 * `shakedown serve`: the reference exchange on a socket, journaled when asked. Its server (and
 * ws) is imported on first use rather than with the pack, which most commands load to serve nothing.
 */
async function serveExchange(options: DomainServeOptions): Promise<ServingSystem> {
  const { decideListen, isBugName, startExchangeServer } = await import('../../exchange/index.ts');
  const { flags } = options;
  const fsync = oneOf<JournalFsync>('--fsync', flags.fsync ?? 'never', ['never', 'always']);
  const resumeBuffer =
    flags.resumeBuffer === undefined ? undefined : parseCount('--resume-buffer', flags.resumeBuffer);
  const config = loadExchangeConfig(options.configPath);
  // Beyond loopback only when asked, and never with the published default keys.
  const listen = decideListen({
    host: options.host,
    allowRemote: options.allowRemote,
    config,
    configPath: options.configPath,
    interfaces: networkInterfaces(),
  });
  const bugs = options.bugs.filter(isBugName) as BugName[];
  const running = await startExchangeServer({
    host: options.host,
    port: options.port,
    config,
    bugs,
    journalDir: flags.journal,
    fsync,
    resumeBuffer,
    logger: options.logger,
  });
  return {
    url: running.url,
    ...(listen.remote ? { warning: listen.warning } : {}),
    close: () => running.close(),
  };
}

function usage(message: string): ShakedownError {
  return new ShakedownError('SHK_USAGE', message);
}

function parseCount(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw usage(`${flag} must be a whole number, got "${text}"`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw usage(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
