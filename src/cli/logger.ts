import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { type LogOutput, stderrLogs } from './log-output.ts';

export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Where the lines go (default: stderr, above the progress bar when one is drawn). */
  output?: LogOutput;
}

/**
 * Readable lines on a TTY, JSON lines otherwise (or when asked). Logs go to stderr so that
 * stdout stays for results (a URL, a JSON summary) that scripts read. Lines are formatted and
 * written synchronously on this thread, through the output that keeps them above the progress
 * bar: none is lost at exit, none breaks into the bar.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const output = options.output ?? stderrLogs;
  const tty = output.stream.isTTY === true;
  const format = options.format ?? (tty ? 'pretty' : 'json');
  if (format === 'pretty') {
    const pretty = prettyFactory({
      colorize: tty && !process.env.NO_COLOR,
      ignore: 'pid,hostname',
    });
    return pino({ level }, { write: (line: string) => output.write(pretty(line)) });
  }
  return pino({ level }, output);
}
