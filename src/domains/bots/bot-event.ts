import type { ExchangeSnapshot } from '../trading/protocol/exchange-snapshot.ts';
import type { ClientRequest, EventMessage, ServerMessage } from '../trading/protocol/protocol-messages.ts';
import type { BotVenueModes, StateCorruption } from './bot-action.ts';
import type { DeclaredCheck, IntentAck, SubjectIntent, SubjectState } from './subject.ts';

/**
 * What a bots run records, on the lanes of its clients. The subject's lane is its wire (every
 * request it sent and every message it received, per connection and per boot), its dials and
 * cuts, its starts and kills, the intents it took and its own log; the admin's lane is the
 * venue's truth about the subject's account and market, read by an observer session.
 *
 * `boot` counts the subject's starts (0 first); `conn` numbers its connections within the run.
 */
export type BotEvent =
  | { type: 'sent'; boot: number; conn: number; request: ClientRequest }
  | { type: 'received'; boot: number; conn: number; message: ServerMessage }
  /** A request answered by the venue mode in the venue's name (it never reached the venue). */
  | { type: 'mode_refused'; boot: number; conn: number; request: ClientRequest; mode: keyof BotVenueModes }
  /** The subject starts to dial the venue. */
  | { type: 'dialing'; boot: number }
  /** A dial: `conn` is the new connection's number, or null when the venue refused it. */
  | { type: 'dialed'; boot: number; conn: number | null; error?: string }
  /** A connection ended: cut by the venue or a fault, closed by the subject, or by a kill. */
  | { type: 'closed'; boot: number; conn: number; by: 'venue' | 'subject' | 'kill' }
  /**
   * The subject started; `corrupted` when its state files were damaged while it was down (or
   * earlier, and nothing has rewritten them since).
   */
  | { type: 'started'; boot: number; corrupted: StateCorruption | null; files: string[] }
  /** The subject was killed (or, for a process, exited by itself: `exited`). */
  | { type: 'killed'; boot: number; exited?: boolean }
  | { type: 'intent'; boot: number; intent: SubjectIntent; ack: IntentAck }
  /**
   * Its belief, sampled: after each action it took, at each start once settled (with the
   * venue's truth for its account at that instant), and at the end.
   */
  | {
      type: 'state';
      boot: number;
      state: SubjectState;
      why: 'step' | 'booted' | 'final';
      venue?: AccountTruth;
    }
  /** Its declared invariants, run over the sampled state. */
  | { type: 'declared'; boot: number; checks: DeclaredCheck[] }
  | { type: 'log'; boot: number; message: string }
  /** The venue's own event, as the observer saw it (the subject's account and market streams). */
  | { type: 'venue'; message: EventMessage }
  | { type: 'modes'; modes: BotVenueModes };
export type BotEventType = BotEvent['type'];

/** The venue's truth about the subject's account at one instant, and the last seq of its stream then. */
export interface AccountTruth {
  seq: number;
  orders: { clientOrderId: string; remainingQty: number }[];
  positions: Record<string, number>;
  cash: number;
}

/** The final state of a bots run: the venue's, and the subject's belief (null when it was down or gone). */
export interface BotsSnapshot {
  venue: ExchangeSnapshot;
  account: string;
  symbol: string;
  subject: SubjectState | null;
}
