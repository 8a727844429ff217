import type { Observable, SchedulerLike } from 'rxjs';
import type { Fault, FaultKind } from '../faults/fault.ts';
import type { Capability } from './capabilities.ts';
import type { Client, Reply } from './client.ts';

/**
 * The system under test, as the core sees it. A target owns its scheduler: in-process targets
 * run on virtual time (delays and timeouts cost no wall time and a seed reproduces byte for
 * byte); network targets run on the real clock.
 */
export interface Target<A, E = unknown, R = unknown, S = unknown> {
  readonly name: string;
  readonly scheduler: SchedulerLike;
  /** True when the scheduler is virtual and the run is driven by flushing it. */
  readonly virtual: boolean;
  /** Opens one client (maker, taker, admin...). Emits once when it is ready. */
  open(client: string): Observable<Client<A, E, R>>;
  /** The system's own view of its whole state, read after a run has gone quiet. */
  snapshot(): Observable<S>;
  /** Extra evidence the target can give (for example a state rebuilt from its journal). */
  extraEvidence?(): Observable<Record<string, unknown>>;
  /**
   * Applies one fault (core/faults) at this instant: arms it on the client's link, cuts the
   * connection, kills the process... Emits one Reply: `ok` once done or armed; `fail` with
   * SHK_FAULT_UNSUPPORTED when this target cannot, or SHK_FAULT_NO_PROCESS when a process
   * fault found nothing to act on. What really fired goes to the `faults` extra evidence.
   */
  inject?(fault: Fault, client: string, step: number): Observable<Reply>;
  /**
   * False while a fault is still acting (a link half-open, frames held back, the process down
   * or paused): the run waits for the system to heal before it reads the final state.
   */
  settled?(): boolean;
  /** Releases everything: clients, sockets, processes the target started. */
  stop(): Observable<void>;
}

/**
 * What a factory is told about the run it makes a target for: the run's actions, as data. A
 * factory may build the system from them (a domain's leading setup action, such as a venue
 * configuration), so a replay, which has the same actions, gets the same system.
 */
export interface RunSetup<A> {
  readonly actions: readonly A[];
}

/** Makes a fresh target for each run, so runs never see each other's state. */
export interface TargetFactory<A, E = unknown, R = unknown, S = unknown> {
  readonly name: string;
  create(run?: RunSetup<A>): Promise<Target<A, E, R, S>>;
  /** The fault kinds its targets can inject; none when absent. */
  readonly faultKinds?: readonly FaultKind[];
  /**
   * What its targets provide, by the domain's capability names (trading-capabilities.ts):
   * invariants that need anything else are skipped, each with the reason, and generators leave
   * out what it cannot do. Absent: everything (the reference targets).
   */
  readonly capabilities?: readonly Capability[];
  /**
   * True when its targets run on virtual time (in process): latencies are the delays the run
   * scheduled, and the reports say so rather than "wall clock".
   */
  readonly virtual?: boolean;
  /**
   * Its targets share one system (a service all of them talk to): a campaign then explores on one
   * worker thread. Absent or false, each `create()` makes an independent instance, and every
   * worker thread builds a factory of its own from the module (`--workers N`).
   */
  readonly shared?: boolean;
  /**
   * How its runs, one at a time, are kept from seeing each other's state: `venue-per-run`, each
   * `create()` starts a fresh system; `reset-per-run`, one system reset before each run. The
   * summary's `execution` says which (absent: `reset-per-run`, the safe reading for a venue
   * shakedown did not start).
   */
  readonly isolation?: 'venue-per-run' | 'reset-per-run';
  /** Called once after the campaign; a factory that started a server stops it here. */
  dispose?(): Promise<void>;
}
