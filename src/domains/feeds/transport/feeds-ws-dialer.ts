import { Observable, Subject } from 'rxjs';
import WebSocket, { type RawData } from 'ws';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { FeedsConnection, FeedsConnectionDialer } from './feeds-connection.ts';

const CONNECT_TIMEOUT_MS = 5_000;

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Dials a feeds proxy over a WebSocket: `urlFor(client)` says where each client connects (the
 * proxy itself, or its door on a chaos proxy). Emits the connection once open and completes;
 * frames the proxy sends before anyone listens are kept for the first listener. A dial that
 * fails errors with SHK_TARGET_UNREACHABLE; the client redials on its own schedule.
 */
export function feedsWsDialer(urlFor: (client: string) => string): FeedsConnectionDialer {
  return (client) =>
    new Observable<FeedsConnection>((subscriber) => {
      const url = urlFor(client);
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, { perMessageDeflate: false });
      } catch (error) {
        subscriber.error(unreachable(url, error));
        return;
      }
      socket.on('error', () => {});
      let opened = false;
      const timer = setTimeout(
        () => subscriber.error(unreachable(url, 'no connection in time')),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('error', (error) => {
        if (opened) return;
        clearTimeout(timer);
        subscriber.error(unreachable(url, error));
      });
      socket.once('open', () => {
        opened = true;
        clearTimeout(timer);
        const frames = new Subject<string>();
        let early: string[] | undefined = [];
        let closed = false;
        socket.on('message', (data, isBinary) => {
          const text = isBinary ? '<binary frame>' : frameText(data);
          if (early !== undefined) early.push(text);
          else frames.next(text);
        });
        socket.once('close', () => {
          closed = true;
          frames.complete();
        });
        const frames$ = new Observable<string>((sink) => {
          const held = early ?? [];
          early = undefined;
          for (const text of held) sink.next(text);
          if (closed) {
            sink.complete();
            return;
          }
          return frames.subscribe(sink);
        });
        subscriber.next({
          frames$,
          send(frame) {
            if (socket.readyState === WebSocket.OPEN) socket.send(frame);
          },
          close() {
            if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
              socket.terminate();
          },
        });
        subscriber.complete();
      });
      return () => {
        clearTimeout(timer);
        if (!opened && socket.readyState === WebSocket.CONNECTING) socket.terminate();
      };
    });
}

function unreachable(url: string, reason: unknown): ShakedownError {
  const text =
    typeof (reason as { code?: unknown } | null)?.code === 'string'
      ? String((reason as { code: string }).code)
      : reason instanceof Error
        ? reason.message
        : String(reason);
  return new ShakedownError('SHK_TARGET_UNREACHABLE', `cannot reach ${url}: ${text}`, {
    exitCode: EXIT.unreachable,
    context: { url },
  });
}
