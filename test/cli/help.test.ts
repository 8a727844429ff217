import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { DEFAULT_DOMAIN, loadDomain } from '../../src/domains/registry.ts';

/** A command's --help as the user sees it: commander's part and the text added after it. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

const program = buildProgram(await loadDomain(DEFAULT_DOMAIN));
const commands = program.commands.map((c) => [c.name(), c] as const);

describe('every command has a --help with examples and exit codes', () => {
  it('covers all the commands', () => {
    expect(commands.map(([name]) => name).sort()).toEqual(
      ['coverage', 'diff', 'list', 'merge', 'preflight', 'replay', 'run', 'serve', 'soak'].sort(),
    );
  });

  it.each(commands)('%s --help has Examples: and Exit codes:', (_name, command) => {
    const help = helpOf(command);
    expect(help).toContain('\nExamples:\n');
    expect(help).toContain('\nExit codes:\n');
    const codes = help.slice(help.indexOf('\nExit codes:\n')).split('\n').slice(2);
    // Exit 0 and the usage error (2) on every command, each code once, in order.
    const numbers = codes.map((line) => /^ {2}(\d+) +\S/.exec(line)?.[1]).filter((n) => n !== undefined);
    expect(numbers).toContain('0');
    expect(numbers).toContain('2');
    expect(numbers.map(Number)).toEqual([...new Set(numbers.map(Number))].sort((a, b) => a - b));
  });

  it.each(commands)('%s --help: its examples run this command with options it has', (name, command) => {
    const help = helpOf(command);
    const section = help.slice(help.indexOf('\nExamples:\n'), help.indexOf('\nExit codes:\n'));
    const examples = section.split('\n').filter((line) => line.startsWith('  npx '));
    expect(examples.length).toBeGreaterThan(0);
    const longs = new Set(command.options.map((o) => o.long));
    for (const example of examples) {
      const argv = example.trim().split(/\s+/);
      expect(argv.slice(0, 3)).toEqual(['npx', 'shakedown', name]);
      for (const flag of argv.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*$/, '')))
        expect(longs.has(flag), `${example}: ${flag}`).toBe(true);
    }
  });

  it.each(commands)('%s --help shows at most one default on each option line', (_name, command) => {
    const help = command.createHelp();
    for (const option of help.visibleOptions(command)) {
      const description = help.optionDescription(option);
      const defaults = description.match(/\bdefaults?\b/gi) ?? [];
      expect(defaults.length, `${option.flags}: ${description}`).toBeLessThanOrEqual(1);
      expect(description, option.flags).not.toContain('(default: [])');
    }
  });
});

describe('an option that states its default in words keeps that one', () => {
  it('run --property states its default in words and not also commander\'s "(default: [])"', () => {
    const run = program.commands.find((c) => c.name() === 'run') as Command;
    const help = helpOf(run);
    expect(help.replace(/\s+/g, ' ')).toContain('properties to run (default: all but the costly ones');
    expect(help).not.toContain('(default: [])');
    // A description that explains a value without stating the default leaves commander's.
    expect(help.replace(/\s+/g, ' ')).toContain('to finish (0: exit 3 at once) (default: 0s)');
    // A default that only commander states is still shown.
    expect(help).toMatch(/--runs <n>[\s\S]*?\(default: 100\)/);
  });
});
