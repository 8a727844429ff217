import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';
import { asWorkerError, openWorkerSession, type WorkerSession } from './worker-session.ts';

/**
 * A pool slot on the campaign's own thread: the worker session a worker thread runs
 * (worker-session.ts), behind the part of Worker's surface the pool uses (postMessage,
 * terminate, and the `message` and `exit` events). It needs no thread start and no second load
 * of the sources, so it judges runs while the worker threads are still starting; the pack's
 * modules are the ones this thread loaded already.
 *
 * Messages cross by reference, not by structured clone: a judgement is built fresh for each run
 * and nothing sent is changed afterwards. Its answers arrive on a later microtask, never inside
 * the postMessage that caused them. Unlike a thread, it cannot be killed: terminate() stops its
 * answers, but a run in progress goes on until it returns (a loop in the target stops this
 * thread, as on --workers 1), so use it only for targets whose runs cannot hang the thread.
 */
export class InThreadWorker extends EventEmitter {
  private session: WorkerSession | undefined;
  /** Messages posted before the session was open, in order. */
  private readonly pending: ToWorker[] = [];
  private gone = false;

  constructor(init: WorkerInit) {
    super();
    openWorkerSession(
      init,
      (message) => this.deliver(message),
      () => this.exit(0),
    ).then(
      (session) => {
        if (this.gone) {
          session.end();
          return;
        }
        this.session = session;
        this.deliver({ type: 'ready' });
        for (const message of this.pending.splice(0)) session.receive(message);
      },
      (error: unknown) => this.deliver({ type: 'fatal', error: asWorkerError(error) }),
    );
  }

  /** This slot as the pool sees a worker thread. */
  asWorker(): Worker {
    return this as unknown as Worker;
  }

  postMessage(message: ToWorker): void {
    if (this.gone) return;
    if (this.session) this.session.receive(message);
    else this.pending.push(message);
  }

  /** Ends its session (a run in progress still runs to its end, unheard) and reports an exit. */
  terminate(): Promise<number> {
    this.session?.end();
    this.exit(1);
    return Promise.resolve(1);
  }

  private deliver(message: FromWorker): void {
    if (this.gone) return;
    queueMicrotask(() => {
      if (!this.gone) this.emit('message', message);
    });
  }

  private exit(code: number): void {
    if (this.gone) return;
    this.gone = true;
    queueMicrotask(() => this.emit('exit', code));
  }
}
