import type { SurfaceId, SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { FaultKind } from '../faults/fault.ts';
import type { ActionBase } from './action.ts';
import type { RunEvidence } from './evidence.ts';
import type { Invariant } from './invariant.ts';
import type { Projection } from './projection.ts';
import type { Property } from './property.ts';
import type { TargetFactory } from './target.ts';

/** How a run is pointed at a system: in-process, an embedded server, a URL, or a user module. */
export type TargetSpec =
  | { kind: 'inproc' }
  | { kind: 'embedded-ws' }
  | { kind: 'url'; url: string }
  /** `options`: the adapter's options as a run recorded them (workers, replays); else its `options()` gives them. */
  | { kind: 'module'; path: string; options?: unknown };

export interface TargetOptions {
  /** Planted bugs to build the reference system with (reference targets only). */
  bugs: readonly string[];
  seed: number;
  /**
   * Fault kinds the campaign may inject ('all': every kind the target can). A target that can
   * only inject some of them with extra machinery (a proxy, a child process) sets it up then.
   */
  faults?: readonly FaultKind[] | 'all';
}

/**
 * What is wrong with a value read from outside (a replay file): the field by its path inside
 * the value (`kind`, `target.step`, `fault.count`; '' for the value itself) and why, on one line.
 */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * Everything domain-specific, in one place: a second domain plugs in by providing another
 * pack, and the core (runner, sequencer, checker, campaign, replay) stays untouched.
 */
export interface DomainPack<A extends ActionBase = ActionBase, E = unknown> {
  readonly name: string;
  /** Clients every run opens, in this order. */
  readonly clients: readonly string[];
  readonly projection: Projection<E>;
  readonly invariants: readonly Invariant[];
  readonly properties: readonly Property<A>[];
  targetFactory(spec: TargetSpec, options: TargetOptions): Promise<TargetFactory<A, E>>;
  /** Everything the domain can exercise, for the coverage report. */
  readonly surface: SurfaceRegistry;
  /** The surface items one run exercised, read off its evidence. */
  exercised(evidence: RunEvidence<A, E>): Iterable<SurfaceId>;
  /** One line per action and per event, for reports and counterexamples. */
  describeAction(action: A): string;
  describeEvent(event: E): string;
  /**
   * Checks one action read from a file against the domain's schema (every kind, its required
   * fields and their types): the first problem, or undefined when the action is sound. Without
   * it, a replay file's actions are only checked for what the core knows (kind, client, gapMs).
   */
  validateAction?(value: unknown): FieldProblem | undefined;
  /**
   * Every planted bug the domain's reference target can be built with. A replay file naming
   * another one is refused rather than replayed against a target without it.
   */
  readonly plantedBugs?: readonly string[];
}
