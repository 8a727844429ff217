import type { TargetSpec } from '../../core/model/domain-pack.ts';
import type { ExecutionSummary } from '../../core/report/campaign-summary.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { parseInteger } from './parse-options.ts';

/** The most lanes `--concurrency` accepts: each embedded lane is a venue (and its sockets) of its own. */
export const MAX_CONCURRENCY = 64;

/** Runs at once against the embedded venue (`--target ws`) when neither --concurrency nor --workers says. */
export const DEFAULT_EMBEDDED_CONCURRENCY = 16;
/** The same with process faults mixed in: each lane's venue is then a child process of its own. */
export const DEFAULT_EMBEDDED_CONCURRENCY_WITH_PROCESSES = 8;

export const parseConcurrency = parseInteger('--concurrency', 1, MAX_CONCURRENCY);

function usage(message: string, context: Record<string, unknown>): ShakedownError {
  return new ShakedownError('SHK_USAGE', message, { exitCode: EXIT.usage, context });
}

/** How a campaign runs its runs: how many at once, each lane's target, and how they are kept apart. */
export interface ConcurrencyPlan {
  /** Runs at once on lanes of the campaign's thread (1: one at a time, as ever). */
  lanes: number;
  /** Each lane's target: the embedded venue for every lane, or one declared URL per lane. */
  laneSpecs: TargetSpec[];
  /** What the summary says (absent for targets whose runs never share a venue: in-process, modules). */
  execution?: ExecutionSummary;
}

/**
 * The execution the summary states, once the target factory is built: runs one at a time are
 * kept apart however the factory says (a fresh system per run, or one system reset before each).
 */
export function executionOf(
  execution: ExecutionSummary,
  factory: { readonly isolation?: 'venue-per-run' | 'reset-per-run' },
): ExecutionSummary {
  return execution.mode === 'sequential'
    ? { ...execution, isolation: factory.isolation ?? 'reset-per-run' }
    : execution;
}

/**
 * Decides `--concurrency` against the target. Runs go on at once only where each can have a
 * namespace of its own: the embedded venue (`--target ws`: a venue per lane, its own server,
 * proxy and process for process faults) or a venue at a URL with `--lane-url` (the user declares
 * those venues isolated from one another, one lane each). A URL alone is one shared venue: its
 * runs go one at a time, each after a reset. In-process and adapter targets are parallelized with
 * --workers instead, and the two are not combined: each worker would need lanes of its own.
 *
 * Without the flag, `--target ws` runs DEFAULT_EMBEDDED_CONCURRENCY lanes (fewer when process
 * faults give each lane a venue process) unless a worker count was given (--workers or
 * SHAKEDOWN_WORKERS): that choice of parallelism is kept as it was.
 */
export function resolveConcurrency(options: {
  flag: number | undefined;
  laneUrls: readonly string[];
  spec: TargetSpec;
  /** The worker count the user gave (--workers, else SHAKEDOWN_WORKERS), if any. */
  workersAsked: number | undefined;
  /** Runs the campaign will execute at most: more lanes than runs would idle. */
  plannedRuns: number;
  /** Fixed scenarios run one after another (one run each). */
  scenarios: boolean;
  /** Process faults may be mixed in: each embedded lane then runs its venue as a child process. */
  processFaults: boolean;
}): ConcurrencyPlan {
  const { flag, laneUrls, spec, workersAsked } = options;
  const asked = flag !== undefined && flag > 1;
  if (laneUrls.length > 0 && spec.kind !== 'url')
    throw usage(
      `--lane-url: lanes of declared venues go with a venue at a URL (--target ws://...), not --target ${targetWord(spec)}`,
      { flag: '--lane-url', target: spec.kind },
    );
  if ((asked || laneUrls.length > 1) && workersAsked !== undefined && workersAsked > 1)
    throw usage(
      `--concurrency and --workers ${workersAsked}: choose one; over a real venue --concurrency runs many runs at once in one thread (each lane its own venue), --workers gives each thread its own venue and runs one at a time`,
      { flag: '--concurrency', workers: workersAsked },
    );
  if (asked && options.scenarios)
    throw usage('--concurrency: fixed scenarios run one after another; use it with properties or --fuzz', {
      flag: '--concurrency',
    });
  switch (spec.kind) {
    case 'embedded-ws': {
      const byDefault = options.processFaults
        ? DEFAULT_EMBEDDED_CONCURRENCY_WITH_PROCESSES
        : DEFAULT_EMBEDDED_CONCURRENCY;
      const wanted = flag ?? (workersAsked === undefined ? byDefault : 1);
      const lanes = options.scenarios ? 1 : Math.max(1, Math.min(wanted, options.plannedRuns));
      return {
        lanes,
        laneSpecs: Array.from({ length: lanes }, () => spec),
        execution:
          lanes > 1
            ? { mode: 'concurrent', lanes, isolation: 'venue-per-lane' }
            : { mode: 'sequential', lanes: 1, isolation: 'reset-per-run' },
      };
    }
    case 'url': {
      if (laneUrls.length === 0) {
        if (asked)
          throw usage(
            `--concurrency ${flag}: ${spec.url} is one shared venue, so its runs go one at a time with a reset before each; to run many at once, declare venues isolated from one another with --lane-url URL (one lane each)`,
            { flag: '--concurrency', target: spec.url },
          );
        return {
          lanes: 1,
          laneSpecs: [spec],
          execution: { mode: 'sequential', lanes: 1, isolation: 'reset-per-run' },
        };
      }
      const distinct = new Set(laneUrls);
      if (distinct.size !== laneUrls.length)
        throw usage('--lane-url: each lane needs a venue of its own; a URL is listed twice', {
          flag: '--lane-url',
        });
      if (flag !== undefined && flag > laneUrls.length)
        throw usage(
          `--concurrency ${flag}: only ${laneUrls.length} isolated venues were declared with --lane-url (one lane each)`,
          { flag: '--concurrency', lanes: laneUrls.length },
        );
      const wanted = Math.min(flag ?? laneUrls.length, laneUrls.length, Math.max(1, options.plannedRuns));
      const lanes = options.scenarios ? 1 : wanted;
      return {
        lanes,
        laneSpecs: laneUrls.slice(0, lanes).map((url) => ({ kind: 'url', url })),
        execution:
          lanes > 1
            ? { mode: 'concurrent', lanes, isolation: 'declared-namespaces' }
            : { mode: 'sequential', lanes: 1, isolation: 'reset-per-run' },
      };
    }
    default:
      if (asked)
        throw usage(
          `--concurrency ${flag}: runs go on at once only over a real venue each lane can have to itself (--target ws, or a URL with --lane-url); a ${targetWord(spec)} target is parallelized with --workers`,
          { flag: '--concurrency', target: spec.kind },
        );
      return { lanes: 1, laneSpecs: [spec] };
  }
}

function targetWord(spec: TargetSpec): string {
  return spec.kind === 'embedded-ws' ? 'ws' : spec.kind;
}
