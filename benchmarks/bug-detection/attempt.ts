/** What one strategy did against one bug with one seed. */
export interface Attempt {
  found: boolean;
  /** Runs executed up to and including the first failing one (campaign-wide, all properties). */
  runs?: number;
  /** Wall ms from the attempt's start to the end of the first failing run, shrinking excluded. */
  ms?: number;
  /** CPU ms of this process over the same span (process.cpuUsage): load moves it less than wall time. */
  cpuMs?: number;
  /** Actions in the shrunk counterexample (the catalog: the failing scenario's, unshrunk). */
  shrunk?: number;
  /** The property (or scenario) that failed first. */
  by?: string;
  /** The campaign (0 = the attempt's own seed) and its 0-based run index within that property. */
  round?: number;
  runIndex?: number;
  /** Invariants the shrunk counterexample violates. */
  invariants?: string[];
  /** Runs (or scenarios) executed in all. */
  totalRuns: number;
  /** Wall ms of the whole attempt, shrinking and the stopped tail included. */
  wallMs: number;
}
