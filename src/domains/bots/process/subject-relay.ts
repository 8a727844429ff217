import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { type RawData, WebSocketServer } from 'ws';

/**
 * What the relay tells its owner about the subject's connections, numbered from 1 in the order
 * they were accepted. `fromSubject` may answer a frame itself (in the venue's name) instead of
 * passing it on, by returning the text to send back.
 */
export interface SubjectRelayHooks {
  /** A dial reached the venue (`conn`) or was refused (`conn` null, with why). */
  dialed(conn: number | null, error?: string): void;
  fromSubject(conn: number, text: string): string | undefined;
  fromVenue(conn: number, text: string): void;
  /** A connection ended: by the venue side (or a fault on the link), the subject, or a kill. */
  closed(conn: number, by: 'venue' | 'subject' | 'kill'): void;
}

export interface SubjectRelayOptions {
  /** Where the subject's connections go (the chaos proxy's address for it). */
  upstream: string;
  hooks: SubjectRelayHooks;
  /** How long the upstream handshake may take (default 5 s). */
  connectTimeoutMs?: number;
}

export interface SubjectRelay {
  /** ws://127.0.0.1:<port>: the venue URL the subject is given. */
  readonly url: string;
  /** Ends every connection at once (the subject was killed), each recorded as closed by `kill`. */
  terminateAll(): void;
  close(): Promise<void>;
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Close codes a peer may send in a close frame (1005 and 1006 only describe a close locally). */
function sendable(code: number): number | undefined {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
    ? code
    : undefined;
}

function refuse(socket: Socket, status: number, why: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * A WebSocket relay on 127.0.0.1 in front of the subject's link: the subject (a process) dials
 * it as its venue, and it records every frame the subject sent and received, as the subject
 * sent and received them (the chaos proxy behind it does the damage). It dials the upstream
 * before it accepts the subject's handshake, so a refused dial (a connection fault's down
 * window) is refused to the subject with the same status. When one side closes, so does the
 * other, the same way (a close handshake as one, an abrupt end as a terminate). An I/O edge.
 */
export async function startSubjectRelay(options: SubjectRelayOptions): Promise<SubjectRelay> {
  const { hooks } = options;
  const live = new Map<number, { subject: WebSocket; venue: WebSocket; over: boolean }>();
  let nextConn = 1;
  let closing = false;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: true });
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain' }).end('a WebSocket relay\n');
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const end = (conn: number, by: 'venue' | 'subject' | 'kill'): boolean => {
    const pair = live.get(conn);
    if (pair === undefined || pair.over) return false;
    pair.over = true;
    live.delete(conn);
    hooks.closed(conn, by);
    return true;
  };

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    const venue = new WebSocket(options.upstream, {
      perMessageDeflate: false,
      handshakeTimeout: options.connectTimeoutMs ?? 5_000,
      skipUTF8Validation: true,
    });
    /** Set once the dial is decided: the subject's handshake accepted, or refused. */
    let decided = false;
    const refused = (status: number, statusText: string, why: string): void => {
      if (decided) return;
      decided = true;
      hooks.dialed(null, why);
      refuse(socket, status, statusText);
    };
    venue.on('error', (error) => {
      refused(502, 'Bad Gateway', (error as { code?: string }).code ?? error.message);
    });
    venue.once('unexpected-response', (req, response) => {
      const status = response.statusCode ?? 502;
      refused(status, response.statusMessage ?? 'Bad Gateway', `the venue answered HTTP ${status}`);
      req.destroy();
    });
    // Frames the venue sends before the subject's side is wired wait, in order.
    const early: string[] = [];
    venue.on('message', (data) => early.push(text(data)));
    venue.once('open', () => {
      if (decided || closing || socket.destroyed) {
        decided = true;
        venue.terminate();
        return;
      }
      decided = true;
      wss.handleUpgrade(request, socket, head, (subject) => {
        const conn = nextConn++;
        const pair = { subject, venue, over: false };
        live.set(conn, pair);
        hooks.dialed(conn);
        venue.removeAllListeners('message');
        const toSubject = (frame: string): void => {
          hooks.fromVenue(conn, frame);
          if (subject.readyState === WebSocket.OPEN) subject.send(frame);
        };
        for (const frame of early.splice(0)) toSubject(frame);
        venue.on('message', (data) => {
          if (!pair.over) toSubject(text(data));
        });
        subject.on('error', () => {});
        subject.on('message', (data) => {
          if (pair.over) return;
          const frame = text(data);
          const answer = hooks.fromSubject(conn, frame);
          if (answer !== undefined) {
            hooks.fromVenue(conn, answer);
            subject.send(answer);
          } else if (venue.readyState === WebSocket.OPEN) venue.send(frame);
        });
        subject.on('close', (code, reason) => {
          if (!end(conn, 'subject')) return;
          if (venue.readyState === WebSocket.OPEN && code !== 1006) venue.close(sendable(code), reason);
          else venue.terminate();
        });
        venue.on('close', (code, reason) => {
          if (!end(conn, 'venue')) return;
          if (subject.readyState === WebSocket.OPEN && code !== 1006) subject.close(sendable(code), reason);
          else subject.terminate();
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {});
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;

  const terminateAll = (by: 'kill' | 'venue'): void => {
    for (const [conn, pair] of [...live]) {
      if (!end(conn, by)) continue;
      pair.subject.terminate();
      pair.venue.terminate();
    }
  };

  return {
    url,
    terminateAll: () => terminateAll('kill'),
    close() {
      closing = true;
      closed ??= new Promise<void>((resolve) => {
        terminateAll('venue');
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
