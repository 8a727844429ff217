import pino, { type Logger } from 'pino';

export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
}

/**
 * Readable lines on a TTY, JSON lines otherwise (or when asked). Logs go to stderr so that
 * stdout stays for results (a URL, a JSON summary) that scripts read.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: process.stderr.isTTY && !process.env.NO_COLOR,
          ignore: 'pid,hostname',
        },
      },
    });
  }
  return pino({ level }, pino.destination(2));
}
