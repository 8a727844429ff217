import { Observable, of, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ActionBase } from '../../../src/core/model/action.ts';
import type { Client, ClientEvent } from '../../../src/core/model/client.ts';
import type { RunEvidence } from '../../../src/core/model/evidence.ts';
import type { Target } from '../../../src/core/model/target.ts';
import { runActions } from '../../../src/core/runner/run-actions.ts';
import { SortedVirtualTimeScheduler } from '../../../src/core/time/sorted-virtual-scheduler.ts';

const QUIET_MS = 50;

/**
 * A target on a scheduler this test drives, whose one client answers at once and then lets an
 * event through at the very instant the run's last quiet check is due, just after it: on real
 * time, data that reached the socket during a stall, which the event loop reads only after it
 * has run its due timers. (The first quiet check is at QUIET_MS; the run then asks every client
 * to sync and waits for quiet again, so the last check is at 2 x QUIET_MS.)
 */
function lateEventTarget(virtual: boolean) {
  const scheduler = new SortedVirtualTimeScheduler();
  const events = new Subject<ClientEvent>();
  const client: Client<ActionBase> = {
    name: 'maker',
    events$: events,
    send: () =>
      new Observable((subscriber) => {
        subscriber.next({ status: 'ok', result: null });
        subscriber.complete();
        // Scheduled after the run has scheduled its first quiet check, so it runs just after it.
        scheduler.schedule(() => {
          scheduler.schedule(
            () => events.next({ stream: 'book', seq: 1, time: scheduler.now(), event: 'late' }),
            QUIET_MS,
          );
        }, QUIET_MS);
      }),
    close: () => undefined,
  };
  const target: Target<ActionBase> = {
    name: 'late-event',
    scheduler,
    virtual,
    open: () => of(client),
    snapshot: () => of(null),
    stop: () => of(undefined),
  };
  return { target, scheduler };
}

function evidenceOf(virtual: boolean): RunEvidence<ActionBase> {
  const { target, scheduler } = lateEventTarget(virtual);
  let evidence: RunEvidence<ActionBase> | undefined;
  runActions(target, [{ kind: 'ping', client: 'maker', gapMs: 0 }], {
    clients: ['maker'],
    projection: { name: 'none', init: () => null, apply: (view) => view },
    quietMs: QUIET_MS,
  }).subscribe((e) => {
    evidence = e as RunEvidence<ActionBase>;
  });
  scheduler.flush();
  if (!evidence) throw new Error('the run never ended');
  return evidence;
}

describe('quiet on real time', () => {
  it('is confirmed a turn later: an event that arrives with the last quiet check is in the evidence', () => {
    const evidence = evidenceOf(false);
    expect(evidence.events.map((e) => e.event)).toEqual(['late']);
  });

  it('on virtual time the check stands as it is (nothing arrives unscheduled; runs replay byte for byte)', () => {
    expect(evidenceOf(true).events).toEqual([]);
  });
});
