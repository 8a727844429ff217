import { type Command, Help, type Option } from 'commander';

/** An example command line and what it does. */
export type HelpExample = readonly [command: string, what: string];
/** An exit code and when the command exits with it. */
export type HelpExitCode = readonly [code: number, meaning: string];

/**
 * The end of a command's --help: its examples and its exit codes, under the headings every
 * command shares (`Examples:`, `Exit codes:`), after any prose `notes`.
 */
export function examplesAndExitCodes(help: {
  notes?: string;
  examples: readonly HelpExample[];
  exitCodes: readonly HelpExitCode[];
}): string {
  const codeWidth = Math.max(...help.exitCodes.map(([code]) => String(code).length));
  return [
    '',
    ...(help.notes ? [help.notes.trim(), ''] : []),
    'Examples:',
    ...help.examples.flatMap(([command, what]) => [`  ${command}`, `      ${what}`]),
    '',
    'Exit codes:',
    ...help.exitCodes.map(([code, meaning]) => `  ${String(code).padEnd(codeWidth)}  ${meaning}`),
  ].join('\n');
}

/** The exit code of a command stopped by SIGINT or SIGTERM (the partial results written). */
export const INTERRUPTED_EXIT: HelpExitCode = [130, 'interrupted by Ctrl-C or SIGTERM'];

/** Whether an option's description already says what its default is: `(default: all)`, `default 10`. */
export function statesItsDefault(description: string): boolean {
  return /\bdefaults?\b/i.test(description);
}

/**
 * One default per option line in --help. Commander appends `(default: <value>)` to every option
 * given a default value; it is left off when the description already states the default in
 * words (`(default: all)`, `(default: from the clock)`), and for an empty list (`[]`, which says
 * nothing a reader can use). Applied to `program` and its commands, present and future.
 */
export function oneDefaultPerOption(program: Command): void {
  const describe = Help.prototype.optionDescription;
  const apply = (command: Command): void => {
    command.configureHelp({
      ...command.configureHelp(),
      optionDescription(option: Option): string {
        const shown =
          statesItsDefault(option.description) ||
          (Array.isArray(option.defaultValue) && option.defaultValue.length === 0);
        if (!shown) return describe.call(this, option);
        // The same option, without the value commander would print as its default.
        const withoutDefault = Object.assign(Object.create(option) as Option, { defaultValue: undefined });
        return describe.call(this, withoutDefault);
      },
    });
    for (const sub of command.commands) apply(sub);
  };
  apply(program);
}
