import type { AddressInfo, Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ShakedownError } from '../../core/shakedown-error.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../domains/trading/protocol/exchange-config.ts';
import type { MessageBatch, ServerMessage } from '../../domains/trading/protocol/protocol-messages.ts';
import type { BugName } from '../bugs/planted-bugs.ts';
import type { ExchangeHost } from '../gateway/exchange-host.ts';
import type { JournalFsync } from '../journal/file-journal.ts';
import { openExchangeHost } from './open-exchange-host.ts';

/** The few logger methods the server uses; a pino logger fits. */
export interface ServerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ExchangeServerOptions {
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  config: ExchangeConfig;
  bugs?: Iterable<BugName>;
  journalDir?: string;
  fsync?: JournalFsync;
  logger?: ServerLogger;
  resumeBuffer?: number;
  /** Defaults to the wall clock; tests pass a fixed one to get reproducible event times. */
  clock?: () => number;
  /**
   * A client whose unread output grows past this is dropped instead of growing memory forever;
   * config.maxBufferedBytes without it.
   */
  maxBufferedBytes?: number;
}

export interface RunningExchange {
  url: string;
  port: number;
  host: ExchangeHost;
  /** Drops every client, stops listening and closes the journal. Safe to call twice. */
  close(): Promise<void>;
}

/** ws refuses (closing the connection) beyond this; config.maxFrameBytes is the protocol's limit. */
const MAX_PAYLOAD = 16 * 1024 * 1024;
/** Close code for a connection over config.maxConnections: "try again later". */
export const CLOSE_TOO_MANY_CONNECTIONS = 1013;

const silent: ServerLogger = { debug() {}, info() {}, warn() {}, error() {} };

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The I/O edge of the reference exchange: a WebSocket server in front of one ExchangeHost.
 * It reads the wall clock, turns frames into session calls and messages into frames, and
 * nothing else. No frame can take it down: every throw is logged and answered `internal`.
 */
export async function startExchangeServer(options: ExchangeServerOptions): Promise<RunningExchange> {
  const logger = options.logger ?? silent;
  const listenHost = options.host ?? '127.0.0.1';
  // A config built in code without the limits (not through validateExchangeConfig) gets the defaults.
  const limits = defaultExchangeConfig();
  const maxBuffered = options.maxBufferedBytes ?? options.config.maxBufferedBytes ?? limits.maxBufferedBytes;
  const maxConnections = options.config.maxConnections ?? limits.maxConnections;
  const exchange = openExchangeHost({
    config: options.config,
    bugs: options.bugs,
    clock: options.clock ?? Date.now,
    journalDir: options.journalDir,
    fsync: options.fsync,
    resumeBuffer: options.resumeBuffer,
    onWarning: (message) => logger.warn({ journal: options.journalDir }, message),
  });
  if (options.journalDir !== undefined) {
    logger.info({ journal: options.journalDir, txn: exchange.engine.txn }, 'recovered the journal');
  }

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
    exchange.close();
    throw new ShakedownError(
      'SHK_LISTEN',
      `cannot listen on ${listenHost}:${options.port} (${describe(error)})`,
      {
        context: { host: listenHost, port: options.port },
      },
    );
  }
  server.on('error', (error) => logger.error({ err: error }, 'websocket server error'));

  // One request can produce several frames for one socket (its events, then its response)
  // and events for other sockets. Corking each socket until the handler returns lets Node
  // write them with one writev instead of one syscall per frame.
  const corked = new Set<Socket>();
  let uncorkScheduled = false;
  const uncorkAll = (): void => {
    uncorkScheduled = false;
    for (const raw of corked) raw.uncork();
    corked.clear();
  };
  const cork = (socket: WebSocket): void => {
    const raw = (socket as unknown as { _socket?: Socket })._socket;
    if (!raw || corked.has(raw)) return;
    raw.cork();
    corked.add(raw);
    if (!uncorkScheduled) {
      uncorkScheduled = true;
      process.nextTick(uncorkAll);
    }
  };

  /** Sends one frame: a message, or for a batched session a batch of them. */
  const send = (socket: WebSocket, frame: ServerMessage | MessageBatch): void => {
    if (socket.readyState !== socket.OPEN) return;
    cork(socket);
    if (socket.bufferedAmount > maxBuffered) {
      logger.warn({ buffered: socket.bufferedAmount }, 'dropping a client that does not read its messages');
      socket.terminate();
      return;
    }
    try {
      socket.send(JSON.stringify(frame));
    } catch (error) {
      logger.error({ err: error }, 'cannot send a message');
    }
  };

  server.on('connection', (socket, request) => {
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    // Every connection holds a session, its buffers and up to maxBufferedBytes of output, so
    // their number is bounded too: one too many is closed before it gets a session.
    if (exchange.sessionCount >= maxConnections) {
      logger.warn({ peer, maxConnections }, 'refusing a connection over maxConnections');
      socket.on('error', () => {});
      socket.close(CLOSE_TOO_MANY_CONNECTIONS, `too many connections (maxConnections ${maxConnections})`);
      return;
    }
    logger.debug({ peer }, 'client connected');
    const session = exchange.connect(
      (message) => send(socket, message),
      (error, req) =>
        logger.error({ err: error, peer, request: req.type }, 'internal error handling a request'),
    );
    // A client that logs in with batch: true gets each batch as one frame, a JSON array.
    session.acceptBatches((batch) => send(socket, batch));
    socket.on('message', (data, isBinary) => {
      try {
        if (isBinary) session.receiveBinary();
        else session.receive(frameText(data));
      } catch (error) {
        logger.error({ err: error, peer }, 'internal error handling a frame');
        const internal: ServerMessage = {
          type: 'error',
          error: { code: 'internal', message: 'internal error handling this frame' },
        };
        send(socket, session.batched ? [internal] : internal);
      }
    });
    socket.on('close', () => {
      session.close();
      logger.debug({ peer }, 'client disconnected');
    });
    socket.on('error', (error) => logger.debug({ err: error, peer }, 'client socket error'));
  });

  const port = (server.address() as AddressInfo).port;
  const url = `ws://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  logger.info({ url }, 'exchange listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => {
        exchange.close();
        logger.info({ url }, 'exchange stopped');
        resolve();
      });
    });
    return closing;
  };
  return { url, port, host: exchange, close };
}
