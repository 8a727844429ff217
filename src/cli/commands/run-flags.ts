import type { LogFormat } from '../logger.ts';

/** The options of `run` as commander parses them (run-command.ts declares them, run-action.ts acts on them). */
export interface RunFlags {
  domain: string;
  /** `--subject`: the program under test (bots domain), as the target. */
  subject?: string;
  property: string[];
  seed?: number;
  runs: number;
  /** Absent: no wall-clock cap, the run count decides. */
  timeBudget?: number;
  shrinkAttempts?: number;
  shrinkBudget?: number;
  maxActions?: number;
  target: string;
  bug: string[];
  config?: string;
  out: string;
  json?: boolean;
  record?: string;
  replays: boolean;
  checkDeterminism?: boolean;
  checkEveryStep?: boolean;
  logLevel: string;
  logFormat?: LogFormat;
  faults: string[];
  summary?: string;
  junit?: string;
  report?: string;
  minCoverage: string[];
  ci?: boolean;
  shard?: string;
  progress: boolean;
  scenario: string[];
  fuzz?: boolean;
  sandboxPrefix?: string;
  lockTimeout: number;
  workers?: number;
  /** `--concurrency`: runs at once over a real venue, each on a lane of its own. */
  concurrency?: number;
  /** `--lane-url`: venues at URLs the user declares isolated from one another, one lane each. */
  laneUrl: string[];
  runTimeout: number;
  keepGoing?: boolean;
  maxFailures?: number;
  invariants: string[];
  skipInvariants: string[];
  strict?: boolean;
}
