import { Observable, type SchedulerLike, Subject } from 'rxjs';
import type { ExchangeHost } from '../../../exchange/gateway/exchange-host.ts';
import type { ServerMessage } from '../../../exchange/gateway/protocol-messages.ts';
import type { VenueConnection, VenueDialer } from './venue-connection.ts';

/**
 * A virtual link to an in-process ExchangeHost: requests and messages cross it after
 * `latencyMs` of scheduler time, with no serialization. On a VirtualTimeScheduler that costs no
 * wall time and is fully deterministic. Messages the host sends to one session within one
 * instant travel together as one scheduled delivery, which keeps the scheduler queue short.
 */
export function inprocDialer(host: ExchangeHost, scheduler: SchedulerLike, latencyMs: number): VenueDialer {
  return () =>
    new Observable<VenueConnection>((subscriber) => {
      const messages = new Subject<ServerMessage>();
      let open = true;
      let outbox: ServerMessage[] = [];
      const flush = (): void => {
        const batch = outbox;
        outbox = [];
        if (!open) return;
        for (const message of batch) messages.next(message);
      };
      const session = host.connect((message) => {
        if (outbox.length === 0) scheduler.schedule(flush, latencyMs);
        outbox.push(message);
      });
      const connection: VenueConnection = {
        messages$: messages.asObservable(),
        send: (request) => {
          scheduler.schedule(() => {
            if (open) session.handle(request);
          }, latencyMs);
        },
        close: () => {
          if (!open) return;
          open = false;
          session.close();
          messages.complete();
        },
      };
      const ready = scheduler.schedule(() => {
        subscriber.next(connection);
        subscriber.complete();
      }, latencyMs);
      return () => ready.unsubscribe();
    });
}
