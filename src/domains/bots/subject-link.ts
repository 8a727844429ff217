import { Observable, Subject, type Subscription } from 'rxjs';
import type { ClientRequest, ServerMessage } from '../trading/protocol/protocol-messages.ts';
import type { VenueConnection } from '../trading/transport/venue-connection.ts';
import type { BotVenueModes } from './bot-action.ts';
import type { BotEvent } from './bot-event.ts';

/** Which venue mode, if any, refuses this request of the subject. */
export type ModeRefusal = (request: ClientRequest) => keyof BotVenueModes | undefined;

export interface SubjectLinkOptions {
  boot: number;
  /** Dials the venue on the subject's chaotic link. */
  dial: () => Observable<VenueConnection>;
  /** Numbers connections across the run. */
  nextConn: () => number;
  record: (event: BotEvent) => void;
  refusal: ModeRefusal;
  /** Schedules a forged answer after the link's latency. */
  later: (work: () => void) => void;
}

/**
 * The subject's side of the venue for one boot: every connection it dials goes through here,
 * so the harness sees its wire (each request sent and message received, on the subject's lane),
 * applies the venue modes (refusing entries, exits or cancels in the venue's name), and can
 * kill it: every connection cut at once, nothing more delivered to the dead instance and
 * nothing it still tries to send going out.
 */
export class SubjectLink {
  private readonly open = new Map<number, { connection: VenueConnection; sub: Subscription }>();
  private dead = false;
  /** Connections dialled and requests sent, for settledness and reports. */
  dials = 0;

  constructor(private readonly options: SubjectLinkOptions) {}

  get killed(): boolean {
    return this.dead;
  }

  /** Open connections of this boot. */
  get connections(): number {
    return this.open.size;
  }

  readonly dial = (): Observable<VenueConnection> =>
    new Observable<VenueConnection>((subscriber) => {
      const { boot, record } = this.options;
      if (this.dead) {
        subscriber.error(new Error('the subject was killed'));
        return;
      }
      this.dials++;
      record({ type: 'dialing', boot });
      return this.options.dial().subscribe({
        next: (inner) => {
          if (this.dead) {
            inner.close();
            return;
          }
          const conn = this.options.nextConn();
          record({ type: 'dialed', boot, conn });
          subscriber.next(this.wrap(conn, inner));
          subscriber.complete();
        },
        error: (error: unknown) => {
          if (this.dead) return;
          record({
            type: 'dialed',
            boot,
            conn: null,
            error: error instanceof Error ? error.message : String(error),
          });
          subscriber.error(error);
        },
      });
    });

  /** SIGKILL: every connection of this boot cut at once, as the kernel would on process exit. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    for (const [conn, { connection, sub }] of [...this.open]) {
      this.open.delete(conn);
      sub.unsubscribe();
      connection.close();
      this.options.record({ type: 'closed', boot: this.options.boot, conn, by: 'kill' });
    }
  }

  private wrap(conn: number, inner: VenueConnection): VenueConnection {
    const { boot, record } = this.options;
    const out = new Subject<ServerMessage>();
    const gone = (): void => {
      if (this.open.delete(conn)) record({ type: 'closed', boot, conn, by: 'venue' });
    };
    // One subscription, from the dial on, whether or not the subject ever reads the connection.
    const sub = inner.messages$.subscribe({
      next: (message) => {
        if (this.dead) return;
        record({ type: 'received', boot, conn, message });
        out.next(message);
      },
      complete: () => {
        gone();
        if (!this.dead) out.complete();
      },
      error: (error: unknown) => {
        gone();
        if (!this.dead) out.error(error);
      },
    });
    this.open.set(conn, { connection: inner, sub });
    return {
      messages$: out.asObservable(),
      send: (request) => {
        if (this.dead || !this.open.has(conn)) return;
        const mode = this.options.refusal(request);
        if (mode === undefined) {
          record({ type: 'sent', boot, conn, request });
          inner.send(request);
          return;
        }
        record({ type: 'mode_refused', boot, conn, request, mode });
        const answer: ServerMessage = {
          type: 'response',
          id: request.id,
          ok: false,
          error: { code: 'venue_rejected', message: `refused by the venue mode ${mode}` },
        };
        this.options.later(() => {
          if (this.dead || !this.open.has(conn)) return;
          record({ type: 'received', boot, conn, message: answer });
          out.next(answer);
        });
      },
      close: () => {
        if (this.dead) return;
        if (this.open.delete(conn)) record({ type: 'closed', boot, conn, by: 'subject' });
        inner.close();
        sub.unsubscribe();
        out.complete();
      },
    };
  }
}
