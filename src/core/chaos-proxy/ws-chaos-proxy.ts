import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WebSocketServer } from 'ws';
import { type ConnectionFault, type FrameFault, faultKind, type ResponseFault } from '../faults/fault.ts';
import { FaultLog } from '../faults/fault-record.ts';
import type { FrameHooks } from '../faults/link-chaos.ts';
import { ClientLink } from './client-link.ts';
import { ProxiedConnection } from './proxied-connection.ts';

export interface WsChaosProxyOptions {
  /**
   * Where the target is now; read for every new client connection (a restarted process may move).
   * It is told the client's name (from `/c/<name>`) and the query string the client dialed with
   * (without `?`, empty if none), so a target that knows its clients by name can be told who
   * each connection is.
   */
  upstream: (client: string, query: string) => string;
  hooks: FrameHooks<string>;
  /** Time for delays, holds and down windows; asyncScheduler by default. */
  scheduler?: SchedulerLike;
  /** How long the upstream's opening handshake may take; 5 s by default. */
  connectTimeoutMs?: number;
  /** A frame held back to reorder goes out after this long even if too few frames came (LinkChaos' default if unset). */
  maxHoldMs?: number;
}

export interface InjectResult {
  /** False only when the fault is not one a link can suffer (process, clock). */
  ok: boolean;
  message: string;
}

export interface WsChaosProxy {
  /** ws://127.0.0.1:<port>; clients connect to `urlFor(name)` under it. */
  readonly url: string;
  /** ws://127.0.0.1:<port>/c/<client>: the address that client dials instead of the target. */
  urlFor(client: string): string;
  /** Forgets armed faults, waiting cuts and down windows; records into `log` from now on. */
  beginRun(log: FaultLog): void;
  inject(client: string, fault: FrameFault | ResponseFault | ConnectionFault, step: number): InjectResult;
  /** Terminates every client connection (the target process crashed); records nothing. */
  dropAll(): void;
  /** Live client connections. */
  readonly connections: number;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const CLIENT_PATH = /^\/c\/([^/]+)$/;

/** The client name in a `/c/<name>` request path, or undefined for any other path. */
function clientOf(request: IncomingMessage): string | undefined {
  const path = (request.url ?? '').split('?', 1)[0];
  const match = CLIENT_PATH.exec(path);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The query string of a request's URL, without the `?` (empty when there is none). */
function queryOf(request: IncomingMessage): string {
  const url = request.url ?? '';
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** Turns an upgrade request away with a plain HTTP status, so the client's dial fails. */
function refuse(socket: Socket, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * A WebSocket proxy on 127.0.0.1 between each client and the target, where the faults of a
 * sequence happen to real sockets: frame and response faults through one `LinkChaos` per
 * client name, connection faults by cutting the sockets and refusing reconnections for a
 * while. With nothing armed it only forwards frames, as they came.
 */
export async function startWsChaosProxy(options: WsChaosProxyOptions): Promise<WsChaosProxy> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let log = new FaultLog();
  const links = new Map<string, ClientLink>();
  const connections = new Set<ProxiedConnection>();
  let closing: Promise<void> | undefined;

  const linkOf = (client: string): ClientLink => {
    let link = links.get(client);
    if (link === undefined) {
      link = new ClientLink({ client, scheduler, hooks: options.hooks, log, maxHoldMs: options.maxHoldMs });
      links.set(client, link);
    }
    return link;
  };

  // The target checks the UTF-8 of what it gets; the proxy passes bytes on as they came.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: true });
  const server = createServer((_request, response) => {
    response
      .writeHead(426, { 'Content-Type': 'text/plain' })
      .end('a WebSocket proxy: connect to /c/<client>\n');
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const client = clientOf(request);
    if (closing !== undefined) return refuse(socket, 503, 'Service Unavailable');
    if (client === undefined) return refuse(socket, 404, 'Not Found');
    if (linkOf(client).down) return refuse(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (closing !== undefined) {
        ws.terminate();
        return;
      }
      // Looked up again: a beginRun during the handshake may have replaced an idle link.
      const link = linkOf(client);
      const connection: ProxiedConnection = new ProxiedConnection(
        ws,
        {
          frame: (direction, data, isBinary) => link.pass(connection, direction, data, isBinary),
          ended: () => {
            connections.delete(connection);
            link.detach(connection);
          },
        },
        { connectTimeoutMs },
      );
      connections.add(connection);
      link.attach(connection);
      // A cut that was waiting for this connection may have ended it already.
      const query = queryOf(request);
      if (connection.live) connection.open(() => options.upstream(client, query));
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

  return {
    url,
    urlFor: (client) => `${url}/c/${encodeURIComponent(client)}`,
    beginRun(next) {
      log = next;
      for (const [client, link] of links) {
        link.reset(next);
        // Nothing of an idle link outlives the reset; client names may change from run to run.
        if (link.connections === 0) links.delete(client);
      }
    },
    inject(client, fault, step) {
      const link = linkOf(client);
      switch (fault.type) {
        case 'frame':
        case 'response':
          link.arm(fault, step);
          return { ok: true, message: `${faultKind(fault)} armed on ${client}` };
        case 'connection':
          return { ok: true, message: `${faultKind(fault)} on ${client}: ${link.cut(fault, step)}` };
        default: {
          // The type rules these out, but callers may hand over any fault of a sequence.
          const other = fault as { type?: unknown; effect?: unknown };
          return {
            ok: false,
            message: `${String(other.type)}.${String(other.effect)} is not a link fault; the proxy cannot apply it`,
          };
        }
      }
    },
    dropAll() {
      for (const connection of [...connections]) connection.terminate();
    },
    get connections() {
      return connections.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const link of links.values()) link.reset(log);
        for (const connection of [...connections]) connection.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
