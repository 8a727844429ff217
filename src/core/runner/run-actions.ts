import {
  concat,
  defaultIfEmpty,
  defer,
  forkJoin,
  map,
  Observable,
  of,
  type Subscription,
  toArray,
} from 'rxjs';
import { isFaultAction } from '../faults/fault.ts';
import { injectFault } from '../faults/inject-fault.ts';
import type { ActionBase } from '../model/action.ts';
import type { Client, ClientEvent, Reply } from '../model/client.ts';
import type { Operation, RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import type { Target } from '../model/target.ts';
import { EventSequencer } from '../sequencer/event-sequencer.ts';

export interface RunOptions<E> {
  /** Clients to open, in order, before the first action. */
  clients: readonly string[];
  projection: Projection<E>;
  /** The run is over once every reply is in and no event arrived for this long. */
  quietMs: number;
  /** Bounds the wait for quiet, in scheduler ms after the last reply: then the state is read anyway. */
  maxSettleMs?: number;
  /** Receives every captured event as it is recorded (a campaign streams them to disk). */
  sink?: (event: RecordedEvent<E>) => void;
  /** Told each step as its action is about to go out: a hang names the last one sent. */
  onStep?: (step: number) => void;
}

/**
 * Executes one action list against a target and gathers the evidence. Everything is an
 * Observable on the target's scheduler: actions go out at their gaps without waiting for
 * earlier replies (so gap 0 makes real races), each reply completes its operation (a timeout
 * or a lost connection completes it as indeterminate), and once every operation is complete
 * and the clients have been quiet for `quietMs`, the target's own state is read. On a virtual
 * scheduler the caller flushes the scheduler and the whole run happens in virtual time.
 * A client that offers the direct forms (Client.sendTo, Client.listen: an in-process client)
 * gets its requests and hands over its events with plain callbacks, at the same moments, with
 * no Observable per request nor Subscriber per event; the evidence is the same either way.
 */
export function runActions<A extends ActionBase, E, R, S, V>(
  target: Target<A, E, R, S>,
  actions: readonly A[],
  options: RunOptions<E>,
): Observable<RunEvidence<A, E, R, S, V>> {
  return defer(() => {
    const scheduler = target.scheduler;
    const sequencer = new EventSequencer<E>(options.sink ? { sink: options.sink } : {});
    const clients = new Map<string, Client<A, E, R>>();
    const history: Operation<A, R>[] = [];
    const subscriptions: Subscription[] = [];
    /** The one send and the one quiet check that can be scheduled and not yet run. */
    const later: { next?: Subscription; check?: Subscription } = {};
    /** Stops the event listeners of the clients that have them (Client.listen). */
    const listening: (() => void)[] = [];
    let lastEventAt = scheduler.now();

    const openAll = concat(...options.clients.map((name) => target.open(name))).pipe(toArray());

    const execute = (): Observable<void> =>
      new Observable<void>((subscriber) => {
        let outstanding = actions.length;
        let sent = 0;
        if (outstanding === 0) {
          subscriber.next();
          subscriber.complete();
          return;
        }
        const complete = (op: Operation<A, R>, reply: Reply<R>): void => {
          op.completedAt = scheduler.now();
          op.reply = reply;
          if (reply.status !== 'info' && reply.txn !== undefined) sequencer.attributeStep(reply.txn, op.step);
          if (--outstanding === 0) {
            subscriber.next();
            subscriber.complete();
          }
        };
        const sendNext = (): void => {
          const step = sent++;
          const action = actions[step];
          const client = clients.get(action.client);
          const op: Operation<A, R> = { step, client: action.client, action, invokedAt: scheduler.now() };
          history.push(op);
          options.onStep?.(step);
          if (isFaultAction(action)) {
            subscriptions.push(
              injectFault(target as never, action, step).subscribe((reply) =>
                complete(op, reply as Reply<R>),
              ),
            );
          } else if (!client) complete(op, { status: 'info', reason: `no client named ${action.client}` });
          else if (client.sendTo !== undefined) client.sendTo(action, step, (reply) => complete(op, reply));
          else subscriptions.push(client.send(action, step).subscribe((reply) => complete(op, reply)));
          // Only the next send can still be pending: the ones that ran need no unsubscribing.
          if (sent < actions.length) later.next = scheduler.schedule(sendNext, actions[sent].gapMs);
        };
        later.next = scheduler.schedule(sendNext, actions[0].gapMs);
      });

    // Quiet: no event for quietMs, every client settled and the target healed. Bounded: after
    // maxSettleMs the state is read anyway (a client that never heals is the invariants' finding).
    const quiet = (): Observable<void> =>
      new Observable<void>((subscriber) => {
        const startedAt = scheduler.now();
        const maxSettleMs = options.maxSettleMs ?? 30_000;
        const healed = (): boolean => {
          if (!(target.settled?.() ?? true)) return false;
          for (const c of clients.values()) if (!(c.settled?.() ?? true)) return false;
          return true;
        };
        // On real time, the timer that finds the run quiet can fire before the event loop has
        // read what the sockets received meanwhile: each turn of the loop runs its due timers
        // before it polls for I/O, so after a stall (a loaded machine) the check sees the
        // silence of unread data. Quiet found on real time is confirmed once, a turn later,
        // after a poll; on virtual time nothing arrives unscheduled, and the check stands.
        let confirming = false;
        const done = (): void => {
          subscriber.next();
          subscriber.complete();
        };
        const check = (): void => {
          const now = scheduler.now();
          const idle = now - lastEventAt;
          if (now - startedAt >= maxSettleMs) {
            done();
            return;
          }
          if (idle >= options.quietMs && healed()) {
            if (target.virtual || confirming) done();
            else {
              confirming = true;
              later.check = scheduler.schedule(check, 0);
            }
            return;
          }
          confirming = false;
          later.check = scheduler.schedule(check, Math.max(1, options.quietMs - idle));
        };
        later.check = scheduler.schedule(check, options.quietMs);
      });

    // Every client confirms it has seen everything, then the run waits for quiet again.
    const syncAll = (): Observable<unknown> =>
      forkJoin([...clients.values()].map((c) => (c.sync ? c.sync() : of(undefined)))).pipe(
        defaultIfEmpty([]),
      );

    return openAll.pipe(
      map((opened) => {
        opened.forEach((client, i) => {
          clients.set(options.clients[i], client);
          const name = options.clients[i];
          const onEvent = (event: ClientEvent<E>): void => {
            lastEventAt = scheduler.now();
            sequencer.record(name, event);
          };
          if (client.listen !== undefined) listening.push(client.listen(onEvent));
          else subscriptions.push(client.events$.subscribe(onEvent));
        });
      }),
      (opened$) =>
        concat(opened$, defer(execute), defer(quiet), defer(syncAll), defer(quiet)).pipe(toArray()),
      (done$) =>
        new Observable<RunEvidence<A, E, R, S, V>>((subscriber) =>
          done$.subscribe({
            next: () => {
              const sub = forkJoin({
                snapshot: target.snapshot(),
                extra: target.extraEvidence ? target.extraEvidence() : of({}),
              }).subscribe({
                next: ({ snapshot, extra }) => {
                  for (const s of subscriptions) s.unsubscribe();
                  later.next?.unsubscribe();
                  later.check?.unsubscribe();
                  for (const stop of listening) stop();
                  const events = sequencer.finish();
                  subscriber.next({
                    actions: [...actions],
                    history,
                    events,
                    projections: foldProjections<E, V>(events, options.clients, options.projection),
                    snapshot,
                    extra,
                  });
                  subscriber.complete();
                },
                error: (e: unknown) => subscriber.error(e),
              });
              subscriptions.push(sub);
            },
            error: (e: unknown) => subscriber.error(e),
          }),
        ),
    );
  });
}

/** Each client's view: its own events, in capture order, through a fresh projection. */
export function foldProjections<E, V>(
  events: readonly RecordedEvent<E>[],
  clients: readonly string[],
  projection: Projection<E>,
): Record<string, V> {
  const views: Record<string, unknown> = {};
  for (const client of clients) views[client] = projection.init(client);
  for (const event of events) {
    if (event.client in views) views[event.client] = projection.apply(views[event.client], event);
  }
  return views as Record<string, V>;
}
