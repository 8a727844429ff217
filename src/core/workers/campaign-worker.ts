import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';
import { asWorkerError, openWorkerSession } from './worker-session.ts';

/**
 * A pool worker thread: opens a worker session (worker-session.ts: the domain pack, its own
 * target factory) and hands it every message of the pool's; the session judges the runs one
 * at a time, in the order they arrive, exactly as the campaign's thread would.
 */
const port = parentPort;
if (!port) throw new Error('campaign-worker runs only as a worker thread');
const post = (message: FromWorker): void => port.postMessage(message);

try {
  const session = await openWorkerSession(workerData as WorkerInit, post, () => port.close());
  port.on('message', (message: ToWorker) => session.receive(message));
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'fatal', error: asWorkerError(error) });
}
