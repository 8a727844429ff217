import { networkInterfaces } from 'node:os';
import type { Command } from 'commander';
import { ShakedownError } from '../../core/shakedown-error.ts';
import { loadExchangeConfig } from '../../domains/trading/protocol/load-config.ts';
import type { JournalFsync } from '../../exchange/index.ts';
import {
  BUG_NAMES,
  type BugName,
  decideListen,
  isBugName,
  startExchangeServer,
} from '../../exchange/index.ts';
import { exitWithParent } from '../exit-with-parent.ts';
import { createLogger, type LogFormat } from '../logger.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';

interface ServeOptions {
  port: string;
  host: string;
  journal?: string;
  fsync: string;
  config?: string;
  bug: string[];
  logLevel: string;
  logFormat?: string;
  resumeBuffer?: string;
  allowRemote?: boolean;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function usage(message: string): ShakedownError {
  return new ShakedownError('SHK_USAGE', message);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65535) {
    throw usage(`--port must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

function parseCount(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw usage(`${flag} must be a whole number, got "${text}"`);
  return n;
}

function parseBugs(names: string[]): BugName[] {
  for (const name of names) {
    if (!isBugName(name)) throw usage(`unknown bug "${name}"; known bugs: ${BUG_NAMES.join(', ')}`);
  }
  return names as BugName[];
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw usage(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/**
 * `shakedown serve`: runs the reference exchange until SIGINT or SIGTERM. The URL is the only
 * thing written to stdout, so a script can read one line and connect; logs go to stderr.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the embedded reference exchange over WebSocket')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option(
      '--allow-remote',
      'allow a --host beyond loopback (needs a --config that replaces every default key)',
    )
    .option('--journal <dir>', 'journal directory: replayed on start, appended to while running')
    .option(
      '--fsync <when>',
      'journal durability: never (survives a crash) or always (survives power loss)',
      'never',
    )
    .option('--config <file>', 'exchange config JSON (default: the built-in reference venue)')
    .option('--bug <name>', 'enable a planted bug (repeatable; see `shakedown list --bugs`)', collect, [])
    .option(
      '--resume-buffer <n>',
      'events kept per stream for clients that resume (default: the config, 10000)',
    )
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal)')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown serve --port 0 --journal .shakedown/journal',
            'the reference exchange on a free port, journaled; prints its URL',
          ],
          [
            'npx shakedown serve --port 9000 --bug overfill --log-format json',
            'with a planted bug, JSON log lines on stderr',
          ],
        ],
        exitCodes: [
          [0, 'stopped cleanly by Ctrl-C or SIGTERM'],
          [2, 'bad flags, config or journal, or the address cannot be listened on (one SHK_ line on stderr)'],
        ],
      }),
    )
    .action(async (options: ServeOptions) => {
      const port = parsePort(options.port);
      const bugs = parseBugs(options.bug);
      const fsync = oneOf<JournalFsync>('--fsync', options.fsync, ['never', 'always']);
      const level = oneOf('--log-level', options.logLevel, LOG_LEVELS);
      const format =
        options.logFormat === undefined
          ? undefined
          : oneOf<LogFormat>('--log-format', options.logFormat, ['pretty', 'json']);
      const resumeBuffer =
        options.resumeBuffer === undefined ? undefined : parseCount('--resume-buffer', options.resumeBuffer);
      const config = loadExchangeConfig(options.config);
      // Beyond loopback only when asked, and never with the published default keys.
      const listen = decideListen({
        host: options.host,
        allowRemote: options.allowRemote === true,
        config,
        configPath: options.config,
        interfaces: networkInterfaces(),
      });
      const logger = createLogger({ level, format });
      const running = await startExchangeServer({
        host: options.host,
        port,
        config,
        bugs,
        journalDir: options.journal,
        fsync,
        resumeBuffer,
        logger,
      });
      process.stdout.write(`${running.url}\n`);
      if (listen.remote) process.stderr.write(`${listen.warning}\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals | 'parent gone'): void => {
          if (stopping) return;
          stopping = true;
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          logger.info({ signal }, 'shutting down');
          void running.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // Started by shakedown (process faults): it must not outlive its parent, however that died.
        exitWithParent(() => stop('parent gone'));
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
