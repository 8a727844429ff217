import { parseArgs } from 'node:util';

/** The three suites that judge each mutant, in the order they run. */
export const SUITE_NAMES = ['campaign', 'scenarios', 'unit'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** What one `npm run bench:mutation` does: flags first, then MUTATION_* variables, then defaults. */
export interface MutationSettings {
  /** Mutants drawn from the engine's mutants; the draw for N is a prefix of the draw for N + k. */
  sample: number;
  /** Seed of the draw. */
  seed: number;
  suites: SuiteName[];
  /** Mutants judged at once, each in its own copy of the tree. */
  jobs: number;
  /** Where the full result goes as JSON; undefined: not written. */
  json: string | undefined;
  /** A suite's timeout when given (ms); else the larger of 60 s and 4 x its control's wall time. */
  timeoutMs: number | undefined;
  /** Stryker mutator names left out of the draw (e.g. StringLiteral). */
  excludeMutators: string[];
  /** List the drawn mutants and stop: no suite runs. */
  dryRun: boolean;
  /** Keep the copies of the tree (their paths are printed) instead of deleting them. */
  keep: boolean;
}

export const DEFAULT_SAMPLE = 150;
/** Issue 14, item 5. */
export const DEFAULT_SEED = 1405;

const USAGE = `usage: npm run bench:mutation -- [--sample N] [--seed S] [--suites campaign,scenarios,unit]
  [--jobs N] [--json FILE] [--timeout SECONDS] [--exclude-mutators A,B] [--dry-run] [--keep]
(or MUTATION_SAMPLE, MUTATION_SEED, MUTATION_SUITES, MUTATION_JOBS, MUTATION_JSON, MUTATION_TIMEOUT)`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name}: expected a positive integer, got ${text}\n${USAGE}`);
  return value;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function readSettings(argv: string[] = process.argv.slice(2)): MutationSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      sample: { type: 'string' },
      seed: { type: 'string' },
      suites: { type: 'string' },
      jobs: { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      'exclude-mutators': { type: 'string' },
      'dry-run': { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const env = process.env;
  const suites = list(values.suites ?? env.MUTATION_SUITES);
  const unknown = suites.filter((s) => !(SUITE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`--suites: unknown suite ${unknown.join(', ')}; known: ${SUITE_NAMES.join(', ')}`);
  const seedText = values.seed ?? env.MUTATION_SEED;
  const seed = seedText === undefined || seedText === '' ? DEFAULT_SEED : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed: expected an integer >= 0, got ${seedText}`);
  const timeoutText = values.timeout ?? env.MUTATION_TIMEOUT;
  return {
    sample: positiveInteger('--sample', values.sample ?? env.MUTATION_SAMPLE, DEFAULT_SAMPLE),
    seed,
    suites: SUITE_NAMES.filter((s) => suites.length === 0 || suites.includes(s)),
    jobs: positiveInteger('--jobs', values.jobs ?? env.MUTATION_JOBS, 1),
    json: values.json ?? (env.MUTATION_JSON || undefined),
    timeoutMs: timeoutText ? positiveInteger('--timeout', timeoutText, 0) * 1000 : undefined,
    excludeMutators: list(values['exclude-mutators']),
    dryRun: values['dry-run'] ?? false,
    keep: values.keep ?? false,
  };
}
