import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import type { ActionBase } from '../model/action.ts';
import type { DomainPack } from '../model/domain-pack.ts';
import type { TargetFactory } from '../model/target.ts';
import type { ExecuteOptions } from '../runner/execute-run.ts';
import { judgeRun } from '../runner/judge-run.ts';
import { judgementOf } from '../runner/run-judgement.ts';
import type { PropertyJob } from '../runner/run-pool.ts';
import { isShakedownError } from '../shakedown-error.ts';
import type { FromWorker, ToWorker, WorkerError, WorkerInit } from './worker-protocol.ts';

/**
 * A pool worker: loads the domain pack, builds its own target factory (its own in-process
 * venue, or its own embedded server), then judges the runs it is sent, one at a time, in the
 * order they arrive, exactly as the campaign's thread would.
 */
const port = parentPort;
if (!port) throw new Error('campaign-worker runs only as a worker thread');
const init = workerData as WorkerInit;
const post = (message: FromWorker): void => port.postMessage(message);

function asWorkerError(error: unknown): WorkerError {
  if (isShakedownError(error))
    return { code: error.code, message: error.message, exitCode: error.exitCode, context: error.context };
  return { message: error instanceof Error ? error.message : String(error) };
}

let pack: DomainPack<ActionBase>;
let factory: TargetFactory<ActionBase>;
let job: PropertyJob | undefined;
let execute: ExecuteOptions | undefined;
/** The property's generator, when the runs are generated here (PropertyJob.generation). */
let arbitrary: fc.Arbitrary<ActionBase[]> | undefined;

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'property') {
    job = message.job;
    const byName = new Map(pack.invariants.map((i) => [i.name, i]));
    execute = {
      clients: pack.clients,
      projection: pack.projection,
      invariants: job.invariants.map((name) => {
        const invariant = byName.get(name);
        if (!invariant) throw new Error(`property ${job?.property} names an unknown invariant ${name}`);
        return invariant;
      }),
      settings: job.settings,
    };
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
    port?.close();
    return;
  }
  if (message.type === 'block') {
    if (!job?.generation || !arbitrary) throw new Error('a block arrived for a property not generated here');
    // fast-check's path to the block's first run: the same values, in the same order, that
    // a sequential campaign generates from this seed.
    const values = fc.sample(arbitrary, {
      seed: job.generation.seed,
      path: String(message.start),
      numRuns: message.count,
    });
    for (const runIndex of message.runs) await judgeOne(runIndex, values[runIndex - message.start], true);
    return;
  }
  await judgeOne(message.runIndex, message.actions as ActionBase[], false);
}

/** Runs and judges one sequence, and sends the judgement back. */
async function judgeOne(runIndex: number, actions: ActionBase[], sendActions: boolean): Promise<void> {
  if (!job || !execute) throw new Error('a run arrived before its property');
  const events: unknown[] = [];
  const options = job.record ? { ...execute, sink: (event: unknown) => events.push(event) } : execute;
  try {
    const report = await judgeRun(factory, actions, options as ExecuteOptions, job);
    const judgement = judgementOf(runIndex, report, {
      slim: true,
      ...(job.exercised ? { exercised: (evidence) => pack.exercised(evidence) } : {}),
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
        runIndex,
        actions: actions.length,
        status: 'fail',
        faults: {},
        operations: [],
        exercised: [],
        ...(sendActions ? { generated: actions } : {}),
      },
    });
  }
}

try {
  const loaded = (await import(init.pack.module)) as Record<string, unknown>;
  pack = loaded[init.pack.exportName] as DomainPack<ActionBase>;
  if (!pack || typeof pack.targetFactory !== 'function')
    throw new Error(`${init.pack.module} has no domain pack named ${init.pack.exportName}`);
  factory = await pack.targetFactory(init.spec, init.targetOptions as never);
  // Messages are handled strictly one after another: a worker runs one target at a time.
  let queue = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue
      .then(() => handle(message))
      .catch((error) => post({ type: 'fatal', error: asWorkerError(error) }));
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'fatal', error: asWorkerError(error) });
}
