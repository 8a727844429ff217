/**
 * A service-level objective a property asserts over its whole campaign: a latency percentile
 * bound, a minimum success rate, or both. `transports` limits it to some targets (the
 * in-process venue answers in virtual time, so a latency SLO usually means `ws`).
 */
export interface Slo {
  action: string;
  percentile?: 50 | 90 | 99;
  maxMs?: number;
  minSuccessRate?: number;
  transports?: readonly string[];
  /**
   * Judge it on runs with faults mixed in too. Off by default: a delayed frame or a cut link
   * is meant to make requests slow or unanswered, so an SLO usually speaks of a healthy system.
   */
  underFaults?: boolean;
  /** Fewer requests than this (default 20) say too little to judge: the SLO is skipped. */
  minSamples?: number;
}

export interface SloResult {
  slo: Slo;
  /** What was measured: the percentile in ms, and the success rate. */
  observedMs: number | null;
  observedSuccessRate: number | null;
  breached: boolean;
  /** Too few samples to judge (no request of that action answered). */
  skipped?: boolean;
}
