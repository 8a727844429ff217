import { Observable, Subject } from 'rxjs';
import WebSocket, { type RawData } from 'ws';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { ClientRequest, ErrorCode, ServerMessage } from '../protocol/protocol-messages.ts';
import type { VenueConnection, VenueDialer } from './venue-connection.ts';

/** The one logger method the dialer uses; a pino logger fits. */
export interface DialerLogger {
  warn(fields: object, message: string): void;
}

export interface WsDialerOptions {
  /** How long opening a connection (TCP and WebSocket handshake) may take. */
  connectTimeoutMs?: number;
  /** Told about frames from the target that are not JSON; they also reach messages$. */
  logger?: DialerLogger;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The code of the error message the dialer makes from a frame it cannot read. The venue never
 * sends it, so it is outside the protocol's ErrorCode list; invariants may still match on it.
 */
export const BAD_FRAME_FROM_TARGET = 'bad_frame_from_target' as string as ErrorCode;

const silent: DialerLogger = { warn() {} };

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Node socket errors carry a code (ECONNREFUSED...), which says more than the message. */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function unreachable(url: string, reason: string): ShakedownError {
  return new ShakedownError('SHK_TARGET_UNREACHABLE', `cannot reach ${url}: ${reason}`, {
    exitCode: EXIT.unreachable,
    context: { url },
  });
}

type Parsed = { ok: true; message: ServerMessage } | { ok: false; reason: string };

/**
 * Parses one frame. A target that sends junk is a finding, not a crash of the tester, so a
 * frame that is not a JSON object becomes an unsolicited error message the client records.
 */
function parseFrame(data: RawData, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, reason: 'binary frame (the protocol is text only)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(frameText(data));
  } catch (error) {
    return {
      ok: false,
      reason: `frame is not JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'frame is JSON but not an object' };
  }
  return { ok: true, message: parsed as ServerMessage };
}

/**
 * Messages that arrive before anyone subscribes to messages$ (the target may speak first, in
 * the same tick as the handshake) are kept for the first subscriber instead of being lost.
 */
function heldUntilSubscribed<T>(source: Subject<T>): { observable: Observable<T>; push(value: T): void } {
  let held: T[] | undefined = [];
  let done = false;
  const observable = new Observable<T>((subscriber) => {
    const early = held ?? [];
    held = undefined;
    for (const value of early) subscriber.next(value);
    if (done) {
      subscriber.complete();
      return;
    }
    return source.subscribe(subscriber);
  });
  source.subscribe({ complete: () => (done = true) });
  return {
    observable,
    push(value: T) {
      if (held !== undefined) held.push(value);
      else source.next(value);
    },
  };
}

/**
 * Dials a venue that speaks the reference protocol over a WebSocket. Each subscription opens
 * one socket, emits the connection once it is open and completes; the socket then lives until
 * `close()` or the peer drops it. Failing to connect errors with SHK_TARGET_UNREACHABLE (exit
 * 3); unsubscribing before the socket is open aborts it.
 */
export function wsDialer(url: string, options: WsDialerOptions = {}): VenueDialer {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const logger = options.logger ?? silent;

  return () =>
    new Observable<VenueConnection>((subscriber) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, { perMessageDeflate: false });
      } catch (error) {
        // ws throws synchronously on a URL it cannot use (wrong scheme, no host).
        subscriber.error(unreachable(url, reasonOf(error)));
        return;
      }
      // ws emits 'error' for an aborted handshake too; without a listener that would crash.
      socket.on('error', () => {});

      let opened = false;
      const timer = setTimeout(() => {
        // The teardown this triggers aborts the socket.
        subscriber.error(unreachable(url, `no connection after ${timeoutMs} ms`));
      }, timeoutMs);

      socket.once('error', (error) => {
        if (opened) return;
        clearTimeout(timer);
        subscriber.error(unreachable(url, reasonOf(error)));
      });

      socket.once('open', () => {
        opened = true;
        clearTimeout(timer);
        const messages = new Subject<ServerMessage>();
        const held = heldUntilSubscribed(messages);
        socket.on('message', (data, isBinary) => {
          const parsed = parseFrame(data, isBinary);
          if (parsed.ok) {
            held.push(parsed.message);
            return;
          }
          logger.warn({ url }, `bad frame from the target: ${parsed.reason}`);
          held.push({ type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: parsed.reason } });
        });
        socket.once('close', () => messages.complete());
        const connection: VenueConnection = {
          messages$: held.observable,
          send(request: ClientRequest) {
            // A request that cannot go out is left unanswered: the client's timeout turns it
            // into an indeterminate operation, which is what it is.
            if (socket.readyState !== WebSocket.OPEN) return;
            socket.send(JSON.stringify(request));
          },
          close() {
            if (socket.readyState === WebSocket.OPEN) socket.close();
          },
        };
        subscriber.next(connection);
        subscriber.complete();
      });

      return () => {
        clearTimeout(timer);
        if (!opened && socket.readyState === WebSocket.CONNECTING) socket.terminate();
      };
    });
}
