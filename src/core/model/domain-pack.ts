import type { SurfaceId, SurfaceRegistry } from '../coverage/surface-registry.ts';
import type { NormalizeOptions } from '../diff/normalized-timeline.ts';
import type { FaultKind } from '../faults/fault.ts';
import type { DomainMeasures, DomainSection, DomainTimelineNote } from '../report/domain-measures.ts';
import type { Scenario } from '../scenario/scenario.ts';
import type { PackReference } from '../workers/worker-protocol.ts';
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
  | { kind: 'module'; path: string; options?: unknown }
  /**
   * A system the tool starts from a command line (`--subject "node bot.js"`): the domain's
   * factory spawns it and speaks to it the way the domain says.
   */
  | { kind: 'command'; command: string };

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
 * A planted bug a domain can build its reference system (or its own client) with: what `list
 * --bugs` shows and what `--bug` accepts.
 */
export interface PlantedBugInfo {
  readonly name: string;
  /** The invariant that catches it. */
  readonly invariant: string;
  /** One line: what goes wrong. */
  readonly summary: string;
  /**
   * Where it lives: `reference` (the reference system: only a target the tool builds, inproc
   * or an embedded server, carries it) or `client` (the domain's own client, which speaks to
   * any target, a URL included).
   */
  readonly side: 'reference' | 'client';
  /** What it takes to show (free text: `faults`, `margin`...), for `list --bugs`. */
  readonly needs?: string;
}

/** A minimal logger, as the CLI hands one to a domain's server (a pino logger fits). */
export interface DomainLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What `shakedown serve --domain X` hands the domain to start its reference system on a socket. */
export interface DomainServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** `--allow-remote`: a host beyond loopback was asked for on purpose. */
  allowRemote: boolean;
  /** `--config` as typed (undefined: the domain's default). */
  configPath?: string;
  /** Planted bugs of the reference system (`side: 'reference'` ones; checked by the CLI). */
  bugs: readonly string[];
  logger: DomainLogger;
  /**
   * The serve command's other flags as typed (`journal`, `fsync`, `resumeBuffer`...), for the
   * domain to read and check: one it has no use for is its to refuse.
   */
  flags: Readonly<Record<string, string | undefined>>;
}

/** A reference system serving on a socket until closed. */
export interface ServingSystem {
  url: string;
  /** A line for stderr once it listens (a warning about a remote host), if any. */
  warning?: string;
  close(): Promise<void>;
}

/** The outcome of a domain's preflight against a system it did not start. */
export interface PreflightOutcome {
  passed: boolean;
  /** One line per check, as `shakedown preflight` prints them. */
  lines: readonly string[];
  /** The report as plain data, for `--json`. */
  report: unknown;
  /** The error to stop a campaign with when it did not pass. */
  error?: Error;
}

/**
 * What a domain does before a campaign against a system shakedown did not start (a shared
 * one): which targets need the run lock, and the isolation check run first.
 */
export interface DomainPreflight {
  /** Whether a campaign against `spec` must hold the run lock (a shared system). */
  needsRunLock(spec: TargetSpec): boolean;
  /** The sandbox the campaign works in, from the config (`--sandbox-prefix` overrides it). */
  sandboxPrefix?(config: unknown): string | undefined;
  /** The isolation check against a system at a URL; a target of another kind is the adapter's. */
  check(options: {
    url: string;
    config: unknown;
    sandboxPrefix: string | undefined;
  }): Promise<PreflightOutcome>;
}

/**
 * Everything domain-specific, in one place: a second domain plugs in by providing another
 * pack, and the core (runner, sequencer, checker, campaign, replay) stays untouched.
 */
export interface DomainPack<
  A extends ActionBase = ActionBase,
  E = unknown,
  V = unknown,
  Ev extends RunEvidence = RunEvidence,
> {
  readonly name: string;
  /** Clients every run opens, in this order. */
  readonly clients: readonly string[];
  readonly projection: Projection<E, V>;
  /** Checked over the domain's own evidence (`Ev`: its snapshot and extras typed). */
  readonly invariants: readonly Invariant<Ev>[];
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
  /**
   * How a worker thread loads this very pack (module URL and export name): workers share no
   * objects. Without it a campaign explores on one thread, and an adapter module is not isolated.
   */
  readonly reference?: PackReference;
  /**
   * A property by name: one of `properties`, or `scenario:<name>` for a catalog scenario's fuzzed
   * variations (so their saved failures replay like any other). Without it, `properties` only.
   */
  findProperty?(name: string): Property<A> | undefined;
  /** The catalog of fixed scenarios (`run --scenario NAME`), if the domain has one. */
  readonly scenarios?: readonly Scenario<A, E, V>[];
  /** The scenarios' source documents by id, for `list --scenarios`. */
  readonly scenarioSources?: Readonly<Record<string, string>>;
  /** A scenario as a fuzzed property of its variations (`run --scenario NAME --fuzz`). */
  scenarioProperty?(scenario: Scenario<A, E, V>): Property<A>;
  /** Planted bugs with what catches each (`list --bugs`, `--bug`); their names are `plantedBugs`. */
  readonly bugs?: readonly PlantedBugInfo[];
  /** Every capability name the domain's invariants know (a target declaring others is warned of). */
  readonly capabilities?: readonly string[];
  /**
   * The system's configuration from `--config FILE` (absent: the domain's default), opaque to the
   * core: it reaches the factory and the generators as it is. Throws a ShakedownError on a bad file.
   */
  loadConfig?(path?: string): unknown;
  /** What `shakedown diff` normalizes before comparing two targets (ids, seqs, times). */
  readonly diffNormalizer?: NormalizeOptions;
  /** The property whose sequences `shakedown diff` generates by default (else the first). */
  readonly diffProperty?: string;
  /** Starts the reference system on a socket (`shakedown serve --domain X`). */
  serve?(options: DomainServeOptions): Promise<ServingSystem>;
  /** The run lock and isolation check before a campaign against a shared system. */
  readonly preflight?: DomainPreflight;
  /**
   * Clients left out of `replay --shuffle` (one that follows every other, whose single view is
   * whichever spoke last, which no shuffle is expected to keep).
   */
  readonly shuffleExcludes?: readonly string[];
  /**
   * The domain's own report: figures folded from each run's evidence (latency per upstream,
   * subscription continuity...) that the summary, the printed summary, the HTML report and
   * JUnit show as sections next to the core's. Absent: the core's report alone.
   */
  readonly report?: DomainReportHooks<Ev>;
}

/**
 * How a domain adds to the campaign's report, generic over its evidence. `measure` reads one
 * run (pure; plain JSON out, merged across runs, workers and shards with
 * `mergeDomainMeasures`); `sections` turns the merged measures into tables.
 */
export interface DomainReportHooks<Ev> {
  measure(evidence: Ev): DomainMeasures;
  sections(measures: DomainMeasures): DomainSection[];
  /**
   * Lanes of the domain's own on a failure's timeline (an upstream's life, a feed's failovers),
   * read from what a replay file keeps of the run: its history, snapshot and extra evidence.
   */
  timeline?(evidence: Pick<Ev, Extract<keyof Ev, 'history' | 'snapshot' | 'extra'>>): DomainTimelineNote[];
}

/**
 * A pack of any domain, as the registry and the CLI hold it: its own action, event, view and
 * evidence types stay inside it (its scenarios' matchers take its events, which no wider type
 * accepts), and the code that holds it only passes its values back to it.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one place a pack's own types are erased.
export type AnyDomainPack = DomainPack<any, any, any, any>;
