import type { EngineMutant } from './mutation-mutants.ts';
import type { SuiteName } from './mutation-settings.ts';
import type { SuiteRun } from './mutation-suites.ts';

/**
 * A suite's judgement of one mutant. killed: the suite failed on something that did not fail on
 * the unmutated tree (its control); timeout: killed by our timeout (a hang); survived: passed, or
 * failed only where the control failed too; error: the harness crashed, which judges nothing.
 */
export type Verdict = 'killed' | 'timeout' | 'survived' | 'error';

export interface Judgement extends SuiteRun {
  verdict: Verdict;
  /** What failed under the mutant and not in the control: what killed it. */
  newFailing: string[];
}

/** How a survivor was explained by hand (benchmarks/mutation-classified.ts). */
export type SurvivorClass = 'equivalent' | 'unreachable' | 'invisible';

export interface MutantResult extends Omit<EngineMutant, 'start' | 'end'> {
  /** The mutated file did not compile (esbuild): not run, not counted. */
  compileError?: string;
  classification?: { class: SurvivorClass; note: string };
  suites: Partial<Record<SuiteName, Judgement>>;
}

/** The whole run, as --json writes it. */
export interface MutationResult {
  format: 'shakedown-mutation';
  version: 1;
  startedAt: string;
  wallMs: number;
  command: string;
  machine: { cpus: number; model: string; loadAverage: number[]; node: string };
  tree: { commit: string; engineHash: string; engineStatus: string[] };
  seed: number;
  sample: number;
  suites: SuiteName[];
  jobs: number;
  excludeMutators: string[];
  /** Mutants Stryker found per engine file: the population the sample is drawn from. */
  population: Record<string, number>;
  /** Each suite on the unmutated tree, and the timeout its judgements had. */
  controls: Partial<Record<SuiteName, SuiteRun & { timeoutMs: number }>>;
  mutants: MutantResult[];
}

export function judge(run: SuiteRun, control: SuiteRun): Judgement {
  if (run.status === 'timeout') return { ...run, verdict: 'timeout', newFailing: [] };
  if (run.status === 'error') return { ...run, verdict: 'error', newFailing: [] };
  if (run.status === 'passed') return { ...run, verdict: 'survived', newFailing: [] };
  const known = new Set(control.failing);
  const newFailing = run.failing.filter((f) => !known.has(f));
  // A control that passed makes any failure new; one that failed leaves only what it did not fail.
  const killed = control.status === 'passed' || newFailing.length > 0;
  return { ...run, verdict: killed ? 'killed' : 'survived', newFailing };
}
