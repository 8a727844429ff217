import type * as fc from 'fast-check';
import type { FaultKind } from '../faults/fault.ts';
import type { Slo } from '../latency/slo.ts';
import type { ActionBase } from './action.ts';
import type { Capability } from './capabilities.ts';

export interface PropertySettings {
  /** Upper bound on actions per generated run. */
  maxActions: number;
  /** How long a request may stay unanswered before it is recorded as indeterminate. */
  requestTimeoutMs: number;
  /** How long the run must stay quiet (no event) before the final snapshot is read. */
  quietMs: number;
  /**
   * At most this many generated runs per campaign, whatever `--runs` asks (a property whose runs
   * are long keeps its cost bounded). Absent: as many as the campaign asks.
   */
  maxRuns?: number;
}

/** What a property's generator gets to derive deterministic ids and sizes from. */
export interface GenerationContext {
  seed: number;
  maxActions: number;
  /** Fault kinds to mix into the sequence; none when empty or absent. */
  faults?: readonly FaultKind[];
  /**
   * What the target provides (TargetFactory.capabilities): a generator should send only what it
   * supports. Absent: everything.
   */
  capabilities?: readonly Capability[];
  /**
   * The system's configuration as the campaign was given it (`run --config`), opaque to the
   * core: only the domain's generators read it, to aim at what the system really accepts.
   * Absent: the domain's default.
   */
  config?: unknown;
}

/**
 * A named, tagged rule set: the action sequences to generate, the invariants every run must
 * keep, and its settings. Properties live one per file in the top-level properties/ folder.
 */
export interface Property<A extends ActionBase = ActionBase> {
  readonly name: string;
  readonly description: string;
  /** Surface tags (action kinds, event types, reject reasons...) it means to exercise. */
  readonly tags: readonly string[];
  actions(context: GenerationContext): fc.Arbitrary<A[]>;
  /** Names of the invariants checked after every run. */
  readonly invariants: readonly string[];
  readonly settings?: Partial<PropertySettings>;
  /**
   * The fault kinds this property mixes in when the campaign does not say (`--faults`):
   * 'all' means every kind the target supports. None when absent.
   */
  readonly faults?: readonly FaultKind[] | 'all';
  /**
   * `sometimes` assertions: fault kinds that must have fired at least once in the campaign,
   * or the property fails (chaos that never happens proves nothing). 'enabled' means every
   * kind its runs mixed in.
   */
  readonly sometimes?: readonly FaultKind[] | 'enabled';
  /**
   * Service-level objectives over the property's whole campaign (latency percentiles, success
   * rates); a breach fails the property like any violated invariant.
   */
  readonly slos?: readonly Slo[];
  /**
   * The shrink candidates this property's failures get unless the campaign names a count
   * (--shrink-attempts): a property whose runs are thousands of actions long caps its own, so a
   * failure shrinks in seconds, not hours. Still a count, never a time.
   */
  readonly shrinkAttempts?: number;
  /**
   * Run only when asked for by name (`--property NAME`): a costly property (thousands of actions
   * a run) that the default campaign leaves out, and says so.
   */
  readonly optIn?: boolean;
}
