/**
 * The reference exchange as a child process of shakedown (process faults: a crash is a SIGKILL,
 * a restart recovers from the journal): what `shakedown serve` does for it, and nothing else.
 * Started by reference-exchange-process.ts as
 * `node [--import register-ts.mjs] exchange-process-main.ts serve --host H --port P --journal DIR
 * [--bug NAME]... [--config FILE]`; the word `serve` marks a venue in the process table, as
 * `shakedown serve` does. It loads the exchange and its config alone, not the CLI and the domain
 * packs, so a start (and every restart of a crash fault) costs about a third of a `serve`.
 *
 * Like `serve`: the URL is the only line on stdout; an error is one line on stderr naming its
 * code (and EADDRINUSE, which the supervisor retries) with a non-zero exit; SIGINT and SIGTERM
 * close it cleanly; and it exits when its parent is gone (its stdin closes: core/process/exit-with-parent.ts).
 */
import { exitWithParent } from '../../core/process/exit-with-parent.ts';
import { isShakedownError } from '../../core/shakedown-error.ts';
import { loadExchangeConfig } from '../../domains/trading/protocol/load-config.ts';
import { type BugName, isBugName } from '../bugs/planted-bugs.ts';
import { startExchangeServer } from './exchange-server.ts';

interface Args {
  host: string;
  port: number;
  journal?: string;
  config?: string;
  bugs: BugName[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { host: '127.0.0.1', port: 0, bugs: [] };
  const words = argv[0] === 'serve' ? argv.slice(1) : [...argv];
  for (let i = 0; i < words.length; i += 2) {
    const [flag, value] = [words[i], words[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--host') args.host = value;
    else if (flag === '--port') args.port = Number(value);
    else if (flag === '--journal') args.journal = value;
    else if (flag === '--config') args.config = value;
    else if (flag === '--bug') {
      if (!isBugName(value)) throw new Error(`--bug: unknown planted bug "${value}"`);
      args.bugs.push(value);
    } else if (flag !== '--log-level') throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error(`--port: expected a port number, got ${args.port}`);
  return args;
}

try {
  const args = parseArgs(process.argv.slice(2));
  const running = await startExchangeServer({
    host: args.host,
    port: args.port,
    config: loadExchangeConfig(args.config),
    bugs: args.bugs,
    ...(args.journal === undefined ? {} : { journalDir: args.journal }),
  });
  process.stdout.write(`${running.url}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  exitWithParent(stop);
} catch (error) {
  const code = isShakedownError(error) ? error.code : ((error as { code?: string }).code ?? 'SHK_USAGE');
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`exchange: ${code}: ${message}\n`);
  process.exit(isShakedownError(error) ? error.exitCode : 2);
}
