import type { FaultKind } from '../core/faults/fault.ts';
import type { ActionBase } from '../core/model/action.ts';
import type { Invariant } from '../core/model/invariant.ts';
import type { Property } from '../core/model/property.ts';
import type { TargetFactory } from '../core/model/target.ts';

/**
 * A system's factory, as an adapter module exports it (docs/adapters.md): for the trading
 * domain, a `TargetFactory<TradingAction, TradingClientEvent>` (from `shakedown/trading`).
 */
export type VenueFactory = TargetFactory<ActionBase, unknown>;

/**
 * What a test runs against:
 * - `'inproc'` (the default): the embedded reference venue in the test's process, on virtual time;
 *   `'ws'`: the same venue on a real socket; `'ws://host:port'`: a venue that speaks the
 *   reference protocol;
 * - a path (or file URL) to an adapter module, as `shakedown run --target ./adapter.ts` takes it
 *   (a relative path is from the working directory, where Vitest runs);
 * - a `TargetFactory`, used as it is (and not disposed: it is yours);
 * - a function making one, called in each test's body (and its factory disposed after it).
 */
export type VitestTarget = string | URL | VenueFactory | (() => VenueFactory | Promise<VenueFactory>);

/** `campaignTests`: one Vitest test per property, each running a seeded campaign in its body. */
export interface CampaignTestOptions {
  /**
   * The domain: a registered name (`trading`, the default) or the path of a domain pack module
   * of your own (`./my-pack.ts`, `./my-pack.ts#myPack`), as `shakedown run --domain` takes it.
   */
  domain?: string;
  /** The properties, one test each, named after them: the domain pack's by name, or your own. */
  properties: readonly (string | Property)[];
  /** What to test (VitestTarget); the embedded reference venue, in-process, by default. */
  target?: VitestTarget;
  /** Planted bugs to build the reference venue with (`npx shakedown list --bugs`); reference targets only. */
  bugs?: readonly string[];
  /** Generated runs per property, at most (default 100). */
  runs?: number;
  /** Wall-clock budget of each property's campaign, shrinking aside (default 30 s). */
  timeBudgetMs?: number;
  /**
   * The seed of every property's campaign. `SHAKEDOWN_SEED` in the environment overrides it;
   * without either, one is derived from the clock. It is always printed.
   */
  seed?: number;
  /** Vitest's timeout of each test (default: twice the budget plus 30 s, see campaignTestTimeout). */
  timeout?: number;
  /** Where failures are saved, from the working directory (default `replays`); `false`: not saved. */
  replays?: string | false;
  /** Upper bound on actions per run (default: each property's own). */
  maxActions?: number;
  /** Fault kinds to mix into every property ('all': every kind the target can); each must fire. */
  faults?: readonly FaultKind[] | 'all';
  /** Shrink candidates per failure (default 10,000 in-process, 200 over a socket or your own factory). */
  shrinkAttempts?: number;
  /** A run on real time still going after this is a hang, a failure (default 60 s). */
  runTimeoutMs?: number;
  /** More invariants, for your own properties to name besides the domain pack's. */
  invariants?: readonly Invariant[];
}

/** `replayTest` and `replayTests`: a saved failure as a regression test, passing once it no longer fails. */
export interface ReplayTestOptions {
  /** What to replay against; default: what the file names (with the adapter options it recorded). */
  target?: VitestTarget;
  /** The domain, overriding the one the file names (a registered name or a pack module's path). */
  domain?: string;
  /** Your own properties, for files saved from them (the domain pack's are known by name). */
  properties?: readonly Property[];
  /** More invariants your own properties name. */
  invariants?: readonly Invariant[];
  /** A run on real time still going after this is a hang, a failure (default 60 s). */
  runTimeoutMs?: number;
  /** Vitest's timeout of each test (default: the run timeout plus 30 s). */
  timeout?: number;
}

export const DEFAULT_RUNS = 100;
export const DEFAULT_TIME_BUDGET_MS = 30_000;
export const DEFAULT_REPLAYS_DIR = 'replays';
/** The CLI's --run-timeout default (run-hang.ts), kept here so that registering a test imports nothing heavy. */
export const DEFAULT_TEST_RUN_TIMEOUT_MS = 60_000;
/** Room past the budget for what it does not bound: starting the target, shrinking, the final run. */
const SLACK_MS = 30_000;

/**
 * A campaign test's Vitest timeout: the budget bounds the runs, shrinking (bounded by a count) may
 * take about as long again, and the rest gets 30 s. Vitest's default of 5 s would cut most campaigns.
 */
export function campaignTestTimeout(options: Pick<CampaignTestOptions, 'timeout' | 'timeBudgetMs'>): number {
  return options.timeout ?? 2 * (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS) + SLACK_MS;
}

/** A replay test's Vitest timeout: one run, bounded by the run timeout, and 30 s more. */
export function replayTestTimeout(options: Pick<ReplayTestOptions, 'timeout' | 'runTimeoutMs'>): number {
  return options.timeout ?? (options.runTimeoutMs ?? DEFAULT_TEST_RUN_TIMEOUT_MS) + SLACK_MS;
}

/** Checks the options when the tests are registered: a mistake fails the file's collection, by name. */
export function checkCampaignTestOptions(options: CampaignTestOptions): void {
  if (!Array.isArray(options.properties) || options.properties.length === 0)
    throw new TypeError('campaignTests: `properties` must list at least one property (a name or a Property)');
  const names = options.properties.map(propertyName);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined)
    throw new TypeError(`campaignTests: property ${JSON.stringify(twice)} is listed twice`);
  positiveInteger('runs', options.runs);
  positiveInteger('timeBudgetMs', options.timeBudgetMs);
  positiveInteger('timeout', options.timeout);
  positiveInteger('maxActions', options.maxActions);
  positiveInteger('runTimeoutMs', options.runTimeoutMs);
  if (
    options.shrinkAttempts !== undefined &&
    !(Number.isInteger(options.shrinkAttempts) && options.shrinkAttempts >= 0)
  )
    throw new TypeError(
      `campaignTests: \`shrinkAttempts\` must be an integer >= 0, got ${options.shrinkAttempts}`,
    );
  if (options.seed !== undefined && !isSeed(options.seed))
    throw new TypeError(`campaignTests: \`seed\` must be an integer from 0 to 2^31 - 1, got ${options.seed}`);
}

/** A property's name, for the test's: a name as given, or a Property's own. */
export function propertyName(property: string | Property): string {
  if (typeof property === 'string') return property;
  if (typeof property?.name !== 'string' || typeof property.actions !== 'function')
    throw new TypeError('campaignTests: each property is a name or a Property (with a name and actions())');
  return property.name;
}

export function isSeed(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0))
    throw new TypeError(`campaignTests: \`${name}\` must be a positive integer, got ${value}`);
}
