import { concat, forkJoin, Observable, of, type Subscription, toArray } from 'rxjs';
import { isFaultAction } from '../faults/fault.ts';
import { injectFault } from '../faults/inject-fault.ts';
import type { ActionBase } from '../model/action.ts';
import type { Client, Reply } from '../model/client.ts';
import type { Operation, RecordedEvent, RunEvidence } from '../model/evidence.ts';
import type { Invariant, Verdict } from '../model/invariant.ts';
import type { Projection } from '../model/projection.ts';
import type { TargetFactory } from '../model/target.ts';
import { checkInvariants } from '../runner/check-invariants.ts';
import { foldProjections } from '../runner/run-actions.ts';
import { hangVerdict, isRunHung } from '../runner/run-hang.ts';
import { settle } from '../runner/settle.ts';
import { EventSequencer } from '../sequencer/event-sequencer.ts';
import type { Scenario, ScenarioContext, ScenarioFailure, ScenarioStep } from './scenario.ts';

export interface ScenarioRunOptions<E> {
  clients: readonly string[];
  projection: Projection<E>;
  /** The pack's invariants; the scenario's own list picks from them. */
  invariants: readonly Invariant[];
  /** Quiet window before the final state is read. */
  quietMs?: number;
  /** Default bound of a `wait_for`, in the target's (virtual or real) ms. */
  waitMs?: number;
}

export interface ScenarioResult<A> {
  scenario: string;
  passed: boolean;
  /** The first step that did not hold (later steps depend on it, so the run stops there). */
  failure?: ScenarioFailure;
  /** The invariants' verdict on the evidence of the whole scenario. */
  verdict: Verdict;
  evidence: RunEvidence<A>;
}

/**
 * Plays a fixed scenario on a fresh target: each step in order, every wait bounded and on the
 * target's scheduler (virtual in-process, so a 500 ms window costs nothing), then a quiet
 * window, the final state, and the scenario's invariants over the evidence.
 */
export async function runScenario<A extends ActionBase, E, V>(
  factory: TargetFactory<A, E>,
  scenario: Scenario<A, E, V>,
  options: ScenarioRunOptions<E>,
): Promise<ScenarioResult<A>> {
  // The factory sees the actions the scenario sends, as it sees a run's (RunSetup).
  const actions = scenario.steps.flatMap((s) =>
    s.kind === 'send' ? [s.action] : s.kind === 'race' ? s.actions : [],
  );
  const target = await factory.create({ actions });
  try {
    let played: { evidence: RunEvidence<A>; failure?: ScenarioFailure };
    try {
      played = await settle(target as never, play(target, scenario, options));
    } catch (error) {
      // A scenario that never ends (virtual time ran dry, or past its bound) hung: a failure.
      if (!isRunHung(error)) throw error;
      return {
        scenario: scenario.name,
        passed: false,
        verdict: hangVerdict(error.reason, null, actions),
        evidence: { actions, history: [], events: [], projections: {}, snapshot: undefined, extra: {} },
      };
    }
    const named = new Set(scenario.invariants ?? []);
    const invariants = options.invariants.filter((i) => named.has(i.name));
    const { verdict } = checkInvariants(played.evidence, invariants);
    return {
      scenario: scenario.name,
      passed: played.failure === undefined && verdict.status === 'pass',
      ...(played.failure ? { failure: played.failure } : {}),
      verdict,
      evidence: played.evidence,
    };
  } finally {
    await settle(target as never, target.stop());
  }
}

function play<A extends ActionBase, E, V>(
  target: Awaited<ReturnType<TargetFactory<A, E>['create']>>,
  scenario: Scenario<A, E, V>,
  options: ScenarioRunOptions<E>,
): Observable<{ evidence: RunEvidence<A>; failure?: ScenarioFailure }> {
  return new Observable((subscriber) => {
    const scheduler = target.scheduler;
    const sequencer = new EventSequencer<E>();
    const clients = new Map<string, Client<A, E>>();
    const seen = new Map<string, RecordedEvent<E>[]>();
    const recorded: RecordedEvent<E>[] = [];
    const cursors = new Map<string, number>();
    const history: Operation<A>[] = [];
    const actions: A[] = [];
    const subscriptions: Subscription[] = [];
    const listeners = new Set<() => void>();
    const quietMs = options.quietMs ?? 50;
    let lastEventAt = scheduler.now();
    let failure: ScenarioFailure | undefined;

    const context: ScenarioContext<A, E, V> = {
      events: recorded,
      history,
      replyOf: (step) => history[step]?.reply,
      view: (client) => foldProjections<E, V>(recorded, [client], options.projection)[client] as V,
    };

    const send = (action: A, done: (reply: Reply) => void): void => {
      const step = actions.length;
      actions.push(action);
      const op: Operation<A> = { step, client: action.client, action, invokedAt: scheduler.now() };
      history.push(op);
      const client = clients.get(action.client);
      const complete = (reply: Reply): void => {
        op.completedAt = scheduler.now();
        op.reply = reply;
        if (reply.status !== 'info' && reply.txn !== undefined) sequencer.attributeStep(reply.txn, step);
        done(reply);
      };
      if (isFaultAction(action)) {
        subscriptions.push(injectFault(target as never, action, step).subscribe(complete));
      } else if (!client) complete({ status: 'info', reason: `no client named ${action.client}` });
      else subscriptions.push(client.send(action, step).subscribe(complete));
    };

    const fail = (index: number, what: string, message: string): void => {
      failure ??= { step: index, what, message };
      finish();
    };

    const runStep = (index: number): void => {
      if (failure) return;
      const step = scenario.steps[index] as ScenarioStep<A, E, V> | undefined;
      if (!step) {
        finish();
        return;
      }
      const next = (): void => runStep(index + 1);
      switch (step.kind) {
        case 'send':
          send(step.action, (reply) => {
            const wanted = step.expect ?? 'ok';
            if (wanted !== 'any' && reply.status !== wanted)
              fail(index, `reply to ${step.action.kind}`, `expected ${wanted}, got ${describeReply(reply)}`);
            else if (step.code !== undefined && (reply.status !== 'fail' || reply.code !== step.code))
              fail(
                index,
                `reply to ${step.action.kind}`,
                `expected refusal ${step.code}, got ${describeReply(reply)}`,
              );
            else next();
          });
          return;
        case 'race': {
          let outstanding = step.actions.length;
          if (outstanding === 0) {
            next();
            return;
          }
          for (const action of step.actions)
            send(action, () => {
              if (--outstanding === 0) next();
            });
          return;
        }
        case 'wait_for': {
          const events = seen.get(step.client) ?? [];
          const look = (): boolean => {
            const from = cursors.get(step.client) ?? 0;
            for (let i = from; i < events.length; i++) {
              if (step.match((events[i] as RecordedEvent<E>).event)) {
                cursors.set(step.client, i + 1);
                return true;
              }
            }
            return false;
          };
          if (look()) {
            next();
            return;
          }
          let settled = false;
          const listener = (): void => {
            if (settled || !look()) return;
            settled = true;
            listeners.delete(listener);
            next();
          };
          listeners.add(listener);
          const timeoutMs = step.timeoutMs ?? options.waitMs ?? 2000;
          subscriptions.push(
            scheduler.schedule(() => {
              if (settled) return;
              settled = true;
              listeners.delete(listener);
              fail(
                index,
                `wait for ${step.what}`,
                `${step.client} received no ${step.what} within ${timeoutMs} ms`,
              );
            }, timeoutMs),
          );
          return;
        }
        case 'expect_no_event': {
          const events = seen.get(step.client) ?? [];
          const from = events.length;
          subscriptions.push(
            scheduler.schedule(() => {
              const unexpected = events.slice(from).find((rec) => step.match(rec.event));
              if (unexpected)
                fail(
                  index,
                  `no ${step.what}`,
                  `${step.client} received ${step.what} within ${step.forMs} ms: ${JSON.stringify(unexpected.event)}`,
                );
              else next();
            }, step.forMs),
          );
          return;
        }
        case 'expect': {
          let message: string | undefined;
          try {
            message = step.check(context);
          } catch (error) {
            message = `the check threw: ${error instanceof Error ? error.message : String(error)}`;
          }
          if (message !== undefined) fail(index, step.what, message);
          else next();
          return;
        }
      }
    };

    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      // Let in-flight replies and events land, then read the target's own state.
      const startedAt = scheduler.now();
      const quiet = (): void => {
        const idle = scheduler.now() - lastEventAt;
        const outstanding = history.some((op) => op.reply === undefined);
        if ((idle >= quietMs && !outstanding) || scheduler.now() - startedAt > 30_000) {
          read();
          return;
        }
        subscriptions.push(scheduler.schedule(quiet, Math.max(1, quietMs - idle)));
      };
      subscriptions.push(scheduler.schedule(quiet, quietMs));
    };

    const read = (): void => {
      subscriptions.push(
        forkJoin({
          snapshot: target.snapshot(),
          extra: target.extraEvidence ? target.extraEvidence() : of({}),
        }).subscribe({
          next: ({ snapshot, extra }) => {
            const events = sequencer.finish();
            subscriber.next({
              evidence: {
                actions,
                history,
                events,
                projections: foldProjections(events, options.clients, options.projection),
                snapshot,
                extra,
              },
              ...(failure ? { failure } : {}),
            });
            subscriber.complete();
          },
          error: (error: unknown) => subscriber.error(error),
        }),
      );
    };

    subscriptions.push(
      concat(...options.clients.map((name) => target.open(name)))
        .pipe(toArray())
        .subscribe({
          next: (opened) => {
            opened.forEach((client, i) => {
              const name = options.clients[i] as string;
              clients.set(name, client);
              seen.set(name, []);
              subscriptions.push(
                client.events$.subscribe((event) => {
                  lastEventAt = scheduler.now();
                  const rec = sequencer.record(name, event);
                  recorded.push(rec);
                  seen.get(name)?.push(rec);
                  for (const listener of [...listeners]) listener();
                }),
              );
            });
            runStep(0);
          },
          error: (error: unknown) => subscriber.error(error),
        }),
    );
    return () => {
      for (const s of subscriptions) s.unsubscribe();
      for (const client of clients.values()) client.close();
    };
  });
}

function describeReply(reply: Reply): string {
  if (reply.status === 'ok') return 'ok';
  if (reply.status === 'fail') return `fail ${reply.code}`;
  return `info (${reply.reason})`;
}
