import fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import type { DomainPack } from '../model/domain-pack.ts';
import type { TargetFactory } from '../model/target.ts';
import type { ExecuteOptions } from '../runner/execute-run.ts';
import { GenerationStop } from '../runner/generation-stop.ts';
import { judgeRun } from '../runner/judge-run.ts';
import { judgementOf, thrownRunJudgement } from '../runner/run-judgement.ts';
import type { PropertyJob } from '../runner/run-pool.ts';
import { isShakedownError } from '../shakedown-error.ts';
import {
  type FromWorker,
  PROGRESS_RUN,
  PROGRESS_STEP,
  type ToWorker,
  type WorkerError,
  type WorkerInit,
} from './worker-protocol.ts';

/** What a pool slot's messages are handed to, wherever the slot runs (a worker thread, or this one). */
export interface WorkerSession {
  /** Takes one message of the pool's: a cut at once, everything else in arrival order. */
  receive(message: ToWorker): void;
  /**
   * Ends it where it stands: the run in progress goes on to its end (nothing can stop it
   * short of its thread), then nothing more is started, sent or answered.
   */
  end(): void;
}

export function asWorkerError(error: unknown): WorkerError {
  if (isShakedownError(error))
    return { code: error.code, message: error.message, exitCode: error.exitCode, context: error.context };
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Lets the messages waiting in the port in: an in-process run on virtual time never leaves
 * the microtask queue, so without this a cut would be read only once the worker ran dry. Two
 * turns of the check phase have the event loop's poll phase, where messages arrive, between them.
 */
const readMessages = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/**
 * Opens one pool slot's session: loads the domain pack, builds its own target factory (its own
 * in-process venue, or its own embedded server), then judges the runs it is sent, one at a
 * time, in the order they arrive, exactly as the campaign's thread would, and answers through
 * `send`. Rejects when the pack cannot be loaded or its factory built. `closed` is called once
 * a `close` message has released the factory.
 */
export async function openWorkerSession(
  init: WorkerInit,
  send: (message: FromWorker) => void,
  closed: () => void = () => {},
): Promise<WorkerSession> {
  const loaded = (await import(init.pack.module)) as Record<string, unknown>;
  const pack = loaded[init.pack.exportName] as DomainPack<ActionBase>;
  if (!pack || typeof pack.targetFactory !== 'function')
    throw new Error(`${init.pack.module} has no domain pack named ${init.pack.exportName}`);
  const factory: TargetFactory<ActionBase> = await pack.targetFactory(init.spec, init.targetOptions as never);

  /** Set by end(): nothing more is started or sent. */
  let ended = false;
  const post = (message: FromWorker): void => {
    if (!ended) send(message);
  };
  let job: PropertyJob | undefined;
  let execute: ExecuteOptions | undefined;
  /** The property's generator, when the runs are generated here (PropertyJob.generation). */
  let arbitrary: fc.Arbitrary<ActionBase[]> | undefined;
  /** The property being judged, and the last one cut (WorkerPool numbers them). */
  let serial = -1;
  let cutSerial = -1;
  /** The current property was cut: the runs it still holds are skipped, not run. */
  const isCut = (): boolean => cutSerial === serial;
  /** What this worker is running, for the thread that may have to kill it (WorkerInit.progress). */
  const progress = init.progress ? new Int32Array(init.progress) : undefined;
  const startRun = (runIndex: number): void => {
    if (!progress) return;
    Atomics.store(progress, PROGRESS_RUN, runIndex);
    Atomics.store(progress, PROGRESS_STEP, -1);
  };
  const onStep = progress ? (step: number) => Atomics.store(progress, PROGRESS_STEP, step) : undefined;

  /** How this worker executes a property's runs: its invariants found by name in the pack. */
  const executeOptionsOf = (job: PropertyJob): ExecuteOptions => {
    const byName = new Map(pack.invariants.map((i) => [i.name, i]));
    return {
      clients: pack.clients,
      projection: pack.projection,
      invariants: job.invariants.map((name) => {
        const invariant = byName.get(name);
        if (!invariant) throw new Error(`property ${job.property} names an unknown invariant ${name}`);
        return invariant;
      }),
      settings: job.settings,
      describeAction: pack.describeAction as (action: never) => string,
      ...(onStep ? { onStep } : {}),
    };
  };

  /** Runs and judges one sequence, and sends the judgement back. */
  const judgeOne = async (runIndex: number, actions: ActionBase[], sendActions: boolean): Promise<void> => {
    if (!job || !execute) throw new Error('a run arrived before its property');
    startRun(runIndex);
    const events: unknown[] = [];
    const options = job.record ? { ...execute, sink: (event: unknown) => events.push(event) } : execute;
    const hooks = job.measure ? pack.report : undefined;
    try {
      const report = await judgeRun(factory, actions, options as ExecuteOptions, job);
      const judgement = judgementOf(runIndex, report, {
        slim: true,
        clients: pack.clients,
        ...(job.exercised ? { exercised: (evidence) => pack.exercised(evidence) } : {}),
        ...(hooks ? { measure: (evidence) => hooks.measure(evidence) } : {}),
      });
      post({
        type: 'judged',
        judgement: {
          ...judgement,
          ...(job.record ? { events: events as never } : {}),
          ...(sendActions ? { generated: actions } : {}),
        },
      });
    } catch (error) {
      if (isShakedownError(error)) throw error;
      // On the campaign's thread fast-check takes a throwing run for a failing one; so does
      // the pool, and the campaign's shrinking meets the same error again.
      post({
        type: 'judged',
        judgement: {
          ...thrownRunJudgement(runIndex, actions.length),
          ...(sendActions ? { generated: actions } : {}),
        },
      });
    }
  };

  /**
   * Generates runs `start` to `start + count - 1` one at a time, by fast-check's path to the
   * first (the same values, in the same order, that a sequential campaign generates from this
   * seed, and the same check the campaign's thread makes), and judges those listed in `runs`.
   * Only the run in hand is held, whatever the block's size. A cut ends the block: the runs
   * not started are answered `skipped`.
   */
  const judgeBlock = async (start: number, count: number, runs: readonly number[]): Promise<void> => {
    if (!job?.generation || !arbitrary) throw new Error('a block arrived for a property not generated here');
    let next = 0;
    let runIndex = start;
    let fatal: { error: unknown } | undefined;
    const stop = new GenerationStop();
    await fc.check(
      fc.asyncProperty(arbitrary, async (actions) => {
        if (stop.isRequested || ended) return stop.answer();
        const index = runIndex++;
        if (runs[next] !== index) return true;
        await readMessages();
        if (isCut()) {
          stop.request();
          return stop.answer();
        }
        next++;
        try {
          await judgeOne(index, actions, true);
        } catch (error) {
          // Not a failing run (judgeOne reports those): the target cannot be used.
          fatal = { error };
          stop.request();
          return stop.answer();
        }
        if (next < runs.length) return true;
        // The block's last listed run: the rest are not generated.
        stop.request();
        return stop.answer();
      }),
      { seed: job.generation.seed, path: String(start), numRuns: count, endOnFailure: true },
    );
    if (fatal) throw fatal.error;
    if (next < runs.length) post({ type: 'skipped', runs: runs.slice(next) });
  };

  /**
   * Runs and judges one sequence of `job`'s property, and sends the whole report back (a
   * worker-judge's shrink candidate, or a counterexample's final run). Its events come back in
   * its evidence; what cannot cross a thread as it is crosses as JSON.
   */
  const judgeInFull = async (id: number, runJob: PropertyJob, actions: ActionBase[]): Promise<void> => {
    startRun(id);
    const report = await judgeRun(factory, actions, executeOptionsOf(runJob), runJob);
    try {
      post({ type: 'report', id, report });
    } catch {
      post({ type: 'report', id, report: JSON.parse(JSON.stringify(report)) as typeof report });
    }
  };

  const handle = async (message: ToWorker): Promise<void> => {
    if (ended) return;
    if (message.type === 'property') {
      job = message.job;
      serial = message.serial;
      execute = executeOptionsOf(job);
      if (job.measure && !pack.report)
        throw new Error(`the campaign measures its runs and the ${pack.name} pack has no report hook`);
      const generation = job.generation;
      const property = pack.properties.find((p) => p.name === job?.property);
      if (generation && !property) throw new Error(`the pack has no property named ${job.property}`);
      arbitrary =
        generation && property
          ? property.actions({ ...generation, faults: [...generation.faults] })
          : undefined;
      return;
    }
    if (message.type === 'close') {
      await factory.dispose?.();
      post({ type: 'closed' });
      closed();
      return;
    }
    if (message.type === 'block') {
      await judgeBlock(message.start, message.count, message.runs);
      return;
    }
    if (message.type === 'cut') return;
    if (message.type === 'judge') {
      await judgeInFull(message.id, message.job, message.actions as ActionBase[]);
      return;
    }
    await readMessages();
    if (isCut()) post({ type: 'skipped', runs: [message.runIndex] });
    else await judgeOne(message.runIndex, message.actions as ActionBase[], false);
  };

  // Messages are handled strictly one after another: a slot runs one target at a time. A cut
  // is read on arrival: it speaks of the runs already queued.
  let queue = Promise.resolve();
  return {
    receive(message: ToWorker): void {
      if (message.type === 'cut') {
        cutSerial = message.serial;
        return;
      }
      queue = queue
        .then(() => handle(message))
        .catch((error) => post({ type: 'fatal', error: asWorkerError(error) }));
    },
    end(): void {
      ended = true;
    },
  };
}
