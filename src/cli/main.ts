import { Command, CommanderError } from 'commander';
import { EXIT, isShakedownError } from '../core/shakedown-error.ts';
import type { LoadedDomain } from '../domains/registry.ts';
import { registerCoverageCommand } from './commands/coverage-command.ts';
import { registerDiffCommand } from './commands/diff-command.ts';
import { registerListCommand } from './commands/list-command.ts';
import { registerMergeCommand } from './commands/merge-command.ts';
import { registerPreflightCommand } from './commands/preflight-command.ts';
import { registerReplayCommand } from './commands/replay-command.ts';
import { registerRunCommand } from './commands/run-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerSoakCommand } from './commands/soak-command.ts';
import { fsErrorAsShakedownError, isFsError } from './fs-errors.ts';
import { domainForArgv } from './options/domain-option.ts';
import { describeDurationDefaults } from './options/duration-help.ts';
import { oneDefaultPerOption } from './options/help-text.ts';
import { TOOL_VERSION } from './tool-version.ts';

/**
 * Builds the program for one domain (its properties, bugs and scenarios are the choices the
 * options take); each command lives in its own file under commands/. `replay` takes the
 * domain its file names.
 */
export function buildProgram(domain: LoadedDomain): Command {
  const program = new Command();
  program
    .name('shakedown')
    .description('Reactive, stream-based property and chaos tester for event-driven systems')
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError(false)
    // Commander's own errors are printed by main() as one SHK_USAGE line, not twice.
    .configureOutput({ outputError: () => {} });
  registerServeCommand(program, domain);
  registerRunCommand(program, domain);
  registerReplayCommand(program);
  registerListCommand(program, domain);
  registerCoverageCommand(program, domain);
  registerMergeCommand(program);
  registerPreflightCommand(program, domain);
  registerDiffCommand(program, domain);
  registerSoakCommand(program, domain);
  describeDurationDefaults(program);
  oneDefaultPerOption(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code. Usage errors and ShakedownErrors become one line
 * on stderr and their exit code; nothing reaches the user as a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`| head`) closes the pipe: not an error of ours, and no stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      process.exit(
        error.code === 'EPIPE' ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : 2,
      );
    });
  try {
    // The domain decides the choices of --property, --bug, --scenario...: read before the program is built.
    const program = buildProgram(await domainForArgv(argv.slice(2)));
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.passed;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.passed;
      // Help asked for is exit 0; help shown because no command was given is a usage error.
      if (error.code === 'commander.help' && error.exitCode === 0) return EXIT.passed;
      const message =
        error.code === 'commander.help'
          ? 'no command given (the commands are listed above)'
          : commanderMessage(error);
      process.stderr.write(`shakedown: SHK_USAGE: ${message}\n`);
      return EXIT.usage;
    }
    // A file the user named that cannot be read or written: their path, not our bug.
    const known = isFsError(error) ? fsErrorAsShakedownError(error) : error;
    if (isShakedownError(known)) {
      process.stderr.write(`shakedown: ${known.code}: ${known.message}\n`);
      return known.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shakedown: SHK_INTERNAL: ${message}\n`);
    return EXIT.usage;
  }
}

/** Commander's message on one line, without its `error: ` prefix: `unknown option '--x' (did you mean --y?)`. */
function commanderMessage(error: CommanderError): string {
  const lines = error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const [first, ...rest] = lines;
  const hint = rest.map((line) => line.replace(/^\(Did you mean/, '(did you mean')).join(' ');
  return `${first ?? error.code}${hint ? ` ${hint}` : ''} (see --help)`;
}
