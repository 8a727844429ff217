import type { AddressInfo } from 'node:net';
import { asyncScheduler } from 'rxjs';
import { type RawData, WebSocketServer } from 'ws';
import { ShakedownError } from '../../core/shakedown-error.ts';
import type { FeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';
import type { FeedsConfig } from '../../domains/feeds/protocol/feeds-config.ts';
import { FeedsHost } from '../host/feeds-host.ts';
import type { UpstreamLinkTap } from '../host/feeds-host-api.ts';

/** The few logger methods the server uses; a pino logger fits. */
export interface FeedsServerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface FeedsServerOptions {
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  config: FeedsConfig;
  bugs?: readonly FeedsBugName[];
  /**
   * Wall-clock ms at which the chain had `initialBlocks` blocks (default: now). A server
   * restarted with the same value resumes the same chain at the height time says.
   */
  genesisAt?: number;
  logger?: FeedsServerLogger;
  /** Taps on the proxy ↔ upstream links (faults aimed at one upstream), on the wall clock. */
  upstreamTap?: UpstreamLinkTap;
}

export interface RunningFeedsServer {
  url: string;
  port: number;
  /** The system behind the socket, on the wall clock. */
  host: FeedsHost;
  /** Drops every client, stops the proxy and the upstreams, stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** ws refuses (closing the connection) frames beyond this. */
const MAX_PAYLOAD = 4 * 1024 * 1024;

/** How long a start waits for the proxy to reach its upstreams. */
const READY_TIMEOUT_MS = 5_000;

const silent: FeedsServerLogger = { debug() {}, info() {}, warn() {} };

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * The I/O edge of the reference feeds system: a WebSocket server in front of one FeedsHost run
 * on the wall clock (rxjs asyncScheduler). Each socket is one client of the proxy, named by the
 * `client` query parameter of its URL (`ws://host:port/?client=alice`) or else by its number.
 * Text frames are JSON-RPC requests; binary frames are refused with an invalid request error.
 */
export async function startFeedsServer(options: FeedsServerOptions): Promise<RunningFeedsServer> {
  const logger = options.logger ?? silent;
  const listenHost = options.host ?? '127.0.0.1';
  const host = new FeedsHost({
    config: options.config,
    bugs: options.bugs ?? [],
    scheduler: asyncScheduler,
    ...(options.genesisAt !== undefined ? { genesisAt: options.genesisAt } : {}),
    ...(options.upstreamTap !== undefined ? { upstreamTap: options.upstreamTap } : {}),
  });
  const server = new WebSocketServer({
    host: listenHost,
    port: options.port,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    server.close();
    host.stop();
    throw new ShakedownError(
      'SHK_LISTEN',
      `cannot listen on ${listenHost}:${options.port} (${error instanceof Error ? error.message : String(error)})`,
      { context: { host: listenHost, port: options.port } },
    );
  }
  server.on('error', (error) => logger.warn({ err: error }, 'websocket server error'));
  // Let the proxy reach its upstreams before anyone is told the URL.
  const readyBy = Date.now() + READY_TIMEOUT_MS;
  while (!host.ready() && Date.now() < readyBy) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!host.ready())
    logger.warn({ upstreams: host.upstreamStatuses() }, 'not every upstream is reachable yet');

  let connections = 0;
  server.on('connection', (socket, request) => {
    connections++;
    const asked = new URL(request.url ?? '/', 'ws://localhost').searchParams.get('client');
    const client = asked !== null && asked !== '' ? asked : `client-${connections}`;
    logger.debug({ client }, 'client connected');
    const session = host.connect(
      client,
      (frame) => {
        if (socket.readyState === socket.OPEN) socket.send(frame);
      },
      () => socket.close(1012, 'the proxy went away'),
    );
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: null,
            error: { code: -32600, message: 'invalid request: binary frame' },
          }),
        );
        return;
      }
      session.receive(frameText(data));
    });
    socket.on('close', () => {
      session.close();
      logger.debug({ client }, 'client disconnected');
    });
    socket.on('error', (error) => logger.debug({ err: error, client }, 'client socket error'));
  });

  const port = (server.address() as AddressInfo).port;
  const url = `ws://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  logger.info({ url }, 'feeds proxy listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      host.stop();
      for (const socket of server.clients) socket.terminate();
      server.close(() => {
        logger.info({ url }, 'feeds proxy stopped');
        resolve();
      });
    });
    return closing;
  };
  return { url, port, host, close };
}
