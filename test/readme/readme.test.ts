import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';
import {
  type DocCommand,
  type DoctestStep,
  flagsOf,
  inlineShakedownCommands,
  matchOutput,
  normalizeOutput,
  parseDoctest,
  runDocCommand,
} from '../support/markdown-doctest.ts';

/**
 * README.md as a newcomer meets it: its marked commands run in order in a fresh directory, and
 * the output it shows must be what they print (test/support/markdown-doctest.ts has the rules).
 * No timing is asserted: durations, rates and the worker count are normalized away.
 */
const ROOT = join(import.meta.dirname, '../..');
const markdown = readFileSync(join(ROOT, 'README.md'), 'utf8');
const tempDir = tempDirs('shakedown-readme-');
const HELPS = join(ROOT, 'test/support/readme-helps.mjs');
// A campaign is bounded by its run and shrink counts, never by a clock, so its output is the
// same on a loaded machine; this only stops a hung one, so it is generous.
const COMMAND_TIMEOUT_MS = 360_000;

let steps: DoctestStep[] = [];
let parseError: unknown;
try {
  steps = parseDoctest(markdown);
} catch (error) {
  parseError = error;
}

describe('README.md: every command is either run here or marked as not run, with a reason', () => {
  it('marks every sh block, and each output block follows the run whose output it is', () => {
    expect(parseError).toBeUndefined();
    const run = steps.flatMap((s) => (s.kind === 'run' ? s.commands.map((c) => c.text) : []));
    // The first run and the walkthrough of a failure are the parts a newcomer copies.
    expect(run).toContain('npx shakedown run --seed 1 --runs 200');
    expect(run).toContain('npx shakedown run --bug overfill --seed 1');
    expect(run.some((c) => c.startsWith('npx shakedown replay replays/'))).toBe(true);
    for (const step of steps) if (step.kind === 'skip') expect(step.reason.length).toBeGreaterThan(5);
  });

  it('the commands it shows but does not run exist, with the options they use', async () => {
    const shown = [
      ...steps.flatMap((s) => (s.kind === 'skip' ? s.commands : [])),
      ...inlineShakedownCommands(markdown),
    ];
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    const shakedownCommands = shown.filter((c) => c.argv[0] === 'npx');
    for (const command of shown.filter((c) => c.argv[0] !== 'npx')) {
      const [tool, verb, script] = command.argv;
      expect(tool, `line ${command.line}: ${command.text}`).toBe('npm');
      if (verb === 'run') expect(scripts, `line ${command.line}`).toContain(script);
      else expect(['ci', 'test'], `line ${command.line}`).toContain(verb);
    }
    const helps = await helpsOf([...new Set(shakedownCommands.map((c) => c.argv[2]))]);
    for (const command of shakedownCommands) {
      const where = `README line ${command.line}: ${command.text}`;
      expect(command.argv[1], where).toBe('shakedown');
      const text = helps.get(command.argv[2]) ?? '';
      expect(text, `${where}: no such command`).toContain(`Usage: shakedown ${command.argv[2]}`);
      for (const flag of flagsOf(command)) expect(text, `${where}: ${flag}`).toMatch(optionIn(flag));
    }
  }, 180_000);
});

describe('README.md, its commands run in order in a fresh directory', () => {
  let cwd = '';
  /** What the commands so far printed, for the files later commands name. */
  let printed = '';
  let lastRun: { line: number; output: string } | undefined;
  let broken: string | undefined;

  beforeAll(() => {
    cwd = tempDir();
    // The project as a fresh clone has it: its committed regression corpus, if any.
    for (const file of trackedReplays()) {
      mkdirSync(join(cwd, dirname(file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(cwd, file));
    }
    // ...and its examples, which the README's commands name (./examples/grid-bot/bot.ts).
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'), 'dir');
  });

  /** A step after a command that failed would only fail for its sake: it says so instead. */
  const step = (name: string, body: () => void, options: { timeout?: number; breaks?: boolean } = {}) =>
    it(
      name,
      () => {
        if (broken) throw new Error(`not run: an earlier README command failed (${broken})`);
        try {
          body();
        } catch (error) {
          if (options.breaks) broken = name;
          throw error;
        }
      },
      options.timeout,
    );

  for (const s of steps) {
    if (s.kind === 'run')
      step(
        `line ${s.line}: ${s.commands.map((c) => c.text).join(' && ')} (exit ${s.exit})`,
        () => {
          const outputs: string[] = [];
          for (const command of s.commands) {
            expectGeneratedFilesPrinted(command, printed);
            const result = runDocCommand(command, cwd, COMMAND_TIMEOUT_MS);
            expect(result.status, `README line ${command.line}: ${command.text}\n${result.output}`).toBe(
              s.exit,
            );
            outputs.push(result.output);
            printed += result.output;
          }
          lastRun = { line: s.line, output: outputs.join('') };
        },
        { timeout: COMMAND_TIMEOUT_MS * s.commands.length, breaks: true },
      );
    else if (s.kind === 'output')
      step(`line ${s.line}: the output shown is what the command printed`, () => {
        const actual = lastRun?.output ?? '';
        const stop = matchOutput(s.expected, actual);
        if (stop === null) return;
        const line = s.line + 1 + stop;
        throw new Error(
          `README line ${line} does not match what the command above printed (from the README's line ${s.line}).\n` +
            `The README shows:\n${s.expected}\n\nThe command printed (normalized):\n${normalizeOutput(actual)}`,
        );
      });
    else if (s.kind === 'files')
      step(`line ${s.line}: the files the README names exist`, () => {
        for (const path of s.paths)
          expect(existsSync(join(cwd, path)), `README line ${s.line}: ${path}`).toBe(true);
      });
  }

  step('the shrunk size it states is the size of the file it replays', () => {
    const stated = /shrunk \(here to (\d+) actions?/.exec(markdown)?.[1];
    const replayed = steps
      .flatMap((s) => (s.kind === 'run' ? s.commands : []))
      .find((c) => c.argv[2] === 'replay')?.argv[3];
    expect(stated).toBeDefined();
    expect(replayed).toBeDefined();
    const file = JSON.parse(readFileSync(join(cwd, replayed ?? ''), 'utf8')) as { actions: unknown[] };
    expect(file.actions.length).toBe(Number(stated));
  });
});

/** A generated file a command names (a saved replay) must be one an earlier command printed. */
function expectGeneratedFilesPrinted(command: DocCommand, printed: string): void {
  for (const arg of command.argv.slice(2))
    if (/^replays\/.+\.json$/.test(arg))
      expect(printed, `README line ${command.line}: ${arg} was not printed by a command before it`).toContain(
        arg,
      );
}

/** `--name` as an option in commander's help (`--name <x>`, `--no-name`, `--name [x]`). */
function optionIn(flag: string): RegExp {
  return new RegExp(`(^|[\\s,])${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s=,]|$)`, 'm');
}

const execFileAsync = promisify(execFile);

/**
 * What `shakedown <sub> --help` prints, for each subcommand, from one process
 * (test/support/readme-helps.mjs: the CLI's main as bin/shakedown.js starts help lines): one
 * start instead of one a subcommand, some 0.3 s of CPU each.
 */
async function helpsOf(subcommands: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await execFileAsync(process.execPath, [HELPS, ...subcommands], {
    cwd: ROOT,
    timeout: 120_000,
  });
  return new Map(Object.entries(JSON.parse(stdout) as Record<string, string>));
}

/** The replay files committed in replays/ (none when git cannot tell). */
function trackedReplays(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--', 'replays/*.json'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  } catch {
    return [];
  }
}
