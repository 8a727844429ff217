import { Command, CommanderError } from 'commander';
import { EXIT, isShakedownError } from '../core/shakedown-error.ts';
import type { LoadedDomain } from '../domains/registry.ts';
import { fsErrorAsShakedownError, isFsError } from './fs-errors.ts';
import { domainForArgv, domainOfArgv } from './options/domain-option.ts';
import { describeDurationDefaults } from './options/duration-help.ts';
import { oneDefaultPerOption } from './options/help-text.ts';
import { TOOL_VERSION } from './tool-version.ts';

/** Adds one command (its options, help and action) to the program. */
type RegisterCommand = (program: Command, domain: LoadedDomain) => void;

/** A command of the CLI, whose module (and everything its action imports) loads only when used. */
interface LazyCommand {
  name: string;
  /** Whether the command takes the domain (its --property, --bug... choices come from the pack). */
  usesDomain: boolean;
  load: () => Promise<RegisterCommand>;
}

/**
 * The commands, in the order help lists them. A command line loads only the module of the
 * command it runs (each one's module graph is most of a start's time), so `--version` and
 * `list` do not load the runner, the workers or the reporters.
 */
const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'serve',
    usesDomain: true,
    load: async () => (await import('./commands/serve-command.ts')).registerServeCommand,
  },
  {
    name: 'run',
    usesDomain: true,
    load: async () => (await import('./commands/run-command.ts')).registerRunCommand,
  },
  {
    name: 'replay',
    usesDomain: false,
    load: async () => (await import('./commands/replay-command.ts')).registerReplayCommand,
  },
  {
    name: 'list',
    usesDomain: true,
    load: async () => (await import('./commands/list-command.ts')).registerListCommand,
  },
  {
    name: 'coverage',
    usesDomain: true,
    load: async () => (await import('./commands/coverage-command.ts')).registerCoverageCommand,
  },
  {
    name: 'merge',
    usesDomain: false,
    load: async () => (await import('./commands/merge-command.ts')).registerMergeCommand,
  },
  {
    name: 'preflight',
    usesDomain: true,
    load: async () => (await import('./commands/preflight-command.ts')).registerPreflightCommand,
  },
  {
    name: 'diff',
    usesDomain: true,
    load: async () => (await import('./commands/diff-command.ts')).registerDiffCommand,
  },
  {
    name: 'soak',
    usesDomain: true,
    load: async () => (await import('./commands/soak-command.ts')).registerSoakCommand,
  },
];

/**
 * Every command, loaded when this module is imported as a library (buildProgram is synchronous);
 * the launcher imports it as `main.ts?commands=lazy` and main() loads only what a command line needs.
 */
const preloaded: readonly RegisterCommand[] | undefined =
  new URL(import.meta.url).searchParams.get('commands') === 'lazy'
    ? undefined
    : await Promise.all(COMMANDS.map((command) => command.load()));

/**
 * Builds the program for one domain (its properties, bugs and scenarios are the choices the
 * options take); each command lives in its own file under commands/. `replay` takes the
 * domain its file names.
 */
export function buildProgram(domain: LoadedDomain): Command {
  if (!preloaded)
    throw new Error(
      'buildProgram: this copy of main.ts was imported with ?commands=lazy; call main() instead',
    );
  return assemble(domain, preloaded);
}

/** The program with the given commands (in COMMANDS order), its help adjusted as a whole. */
function assemble(domain: LoadedDomain | undefined, commands: readonly RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('shakedown')
    .description('Reactive, stream-based property and chaos tester for event-driven systems')
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError(false)
    // Commander's own errors are printed by main() as one SHK_USAGE line, not twice.
    .configureOutput({ outputError: () => {} });
  // A command that takes no domain is never given one (domain is only undefined for those).
  for (const register of commands) register(program, domain as LoadedDomain);
  describeDurationDefaults(program);
  oneDefaultPerOption(program);
  return program;
}

/**
 * The program a command line needs, loading no more than it uses: `--version` alone, no
 * command and no domain; a known command word, that command alone (and the domain only if it
 * takes one, or if the line names one, so a bad --domain is reported as before); anything
 * else (help, no command, an unknown word), every command, so help and "did you mean" are whole.
 */
async function programFor(args: readonly string[]): Promise<Command> {
  if (args.length > 0 && args.every((arg) => arg === '--version' || arg === '-V'))
    return assemble(undefined, []);
  if (preloaded) return assemble(await domainForArgv(args), preloaded);
  const word = args.find((arg) => !arg.startsWith('-'));
  const command = COMMANDS.find((candidate) => candidate.name === word);
  if (!command)
    return assemble(await domainForArgv(args), await Promise.all(COMMANDS.map((entry) => entry.load())));
  const [register, domain] = await Promise.all([
    command.load(),
    command.usesDomain || domainOfArgv(args) !== undefined ? domainForArgv(args) : undefined,
  ]);
  return assemble(domain, [register]);
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
    const program = await programFor(argv.slice(2));
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
