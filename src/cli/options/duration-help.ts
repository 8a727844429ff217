import type { Command } from 'commander';
import { DURATION_PARSER, formatDuration } from './parse-options.ts';

/**
 * Commander prints an option's default as it is stored: a duration kept in milliseconds would
 * show as `(default: 60000)`. Every duration option of `program` and its commands (made with
 * parseDuration, or named `<duration>`) shows its default as a duration instead: `60s`.
 */
export function describeDurationDefaults(program: Command): void {
  for (const option of program.options) {
    const parser = option.parseArg as { [DURATION_PARSER]?: boolean } | undefined;
    const isDuration = parser?.[DURATION_PARSER] === true || option.flags.includes('<duration>');
    if (isDuration && typeof option.defaultValue === 'number' && option.defaultValueDescription === undefined)
      option.defaultValueDescription = formatDuration(option.defaultValue);
  }
  for (const command of program.commands) describeDurationDefaults(command);
}
