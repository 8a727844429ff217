import type { Subscription } from 'rxjs';
import type { Subject, SubjectContext, SubjectFactory } from '../../../src/domains/bots/subject.ts';
import { emptySubjectState } from '../../../src/domains/bots/subject.ts';
import type { VenueConnection } from '../../../src/domains/trading/transport/venue-connection.ts';

/** How a toy subject comes back after its connection is cut: after `ms`, or never. */
export type Redial = { ms: number } | 'never';

/**
 * A subject that only keeps a connection (it logs in and sends no order), with the redial
 * behaviour under test: each toy proves that one bots invariant catches what it breaks.
 */
export function connectionKeeper(redial: Redial): SubjectFactory {
  return (context: SubjectContext): Subject => {
    let connection: VenueConnection | undefined;
    let sub: Subscription | undefined;
    let stopped = false;
    let waiting = false;
    const dial = (): void => {
      if (stopped) return;
      waiting = false;
      context.dial().subscribe({
        next: (c) => {
          connection = c;
          sub = c.messages$.subscribe({ complete: () => lost(), error: () => lost() });
          c.send({ id: 1, type: 'login', key: context.account.key });
        },
        error: () => lost(),
      });
    };
    const lost = (): void => {
      connection = undefined;
      sub?.unsubscribe();
      if (redial === 'never' || stopped) return;
      waiting = true;
      context.scheduler.schedule(dial, redial.ms);
    };
    dial();
    return {
      intent: () => ({ accepted: true }),
      state: () => emptySubjectState(),
      settled: () => !waiting && connection !== undefined,
      stop: () => {
        stopped = true;
        sub?.unsubscribe();
        connection?.close();
      },
    };
  };
}
