import type { Command } from 'commander';
import { exitWithParent } from '../../core/process/exit-with-parent.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { createLogger, type LogFormat } from '../logger.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';

interface ServeOptions {
  domain: string;
  port: string;
  host: string;
  journal?: string;
  fsync?: string;
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

/** Bugs of the reference system only: a client bug has no client here to live in. */
function parseBugs(names: string[], known: readonly string[]): string[] {
  for (const name of names) {
    if (!known.includes(name)) throw usage(`unknown bug "${name}"; known bugs: ${known.join(', ')}`);
  }
  return names;
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
export function registerServeCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const systemBugs = (pack.bugs ?? []).filter((b) => b.side === 'reference').map((b) => b.name);
  const command = program
    .command('serve')
    .description(
      "run the domain's reference system over WebSocket (trading: the embedded reference exchange)",
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option(
      '--allow-remote',
      'allow a --host beyond loopback (needs a --config that replaces every default key)',
    )
    .option('--journal <dir>', 'journal directory: replayed on start, appended to while running (trading)')
    .option(
      '--fsync <when>',
      'journal durability: never (survives a crash) or always (survives power loss) (trading; default never)',
    )
    .option('--config <file>', "the system's config JSON (default: the domain's built-in reference system)")
    .option('--bug <name>', 'enable a planted bug (repeatable; see `shakedown list --bugs`)', collect, [])
    .option(
      '--resume-buffer <n>',
      'events kept per stream for clients that resume (trading; default: the config, 10000)',
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
      const serve = pack.serve;
      if (!serve)
        throw new ShakedownError(
          'SHK_USAGE',
          `serve: the ${pack.name} domain has no reference system to serve`,
          { exitCode: EXIT.usage, context: { domain: pack.name } },
        );
      const port = parsePort(options.port);
      const bugs = parseBugs(options.bug, systemBugs);
      const level = oneOf('--log-level', options.logLevel, LOG_LEVELS);
      const format =
        options.logFormat === undefined
          ? undefined
          : oneOf<LogFormat>('--log-format', options.logFormat, ['pretty', 'json']);
      const logger = createLogger({ level, format });
      // The domain checks its own flags (--fsync, --resume-buffer), the config and the host.
      const running = await serve({
        host: options.host,
        port,
        allowRemote: options.allowRemote === true,
        ...(options.config === undefined ? {} : { configPath: options.config }),
        bugs,
        logger,
        flags: {
          journal: options.journal,
          fsync: options.fsync,
          resumeBuffer: options.resumeBuffer,
        },
      });
      process.stdout.write(`${running.url}\n`);
      if (running.warning) process.stderr.write(`${running.warning}\n`);
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
  addDomainOption(command);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
