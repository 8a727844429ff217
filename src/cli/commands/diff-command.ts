// `diff`: its options, help and argument parsers. Its action (diff-action.ts: the diff campaign,
// the runner) loads with a dynamic import once commander has accepted the line, so a usage error
// or `diff --help` never loads it.
import type { Command } from 'commander';
import { DIVERGENCES_DIR } from '../../core/diff/divergence-file.ts';
import {
  DEFAULT_SHRINK_ATTEMPTS,
  DEFAULT_SHRINK_ATTEMPTS_REAL_TIME,
} from '../../core/runner/shrink-attempts.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { withInterrupt } from '../interrupt.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes, INTERRUPTED_EXIT } from '../options/help-text.ts';
import { collectChoice, parseChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { subjectCommandsOf } from '../subject-commands-of.ts';
import { collectNames } from './collect-names.ts';
import type { DiffFlags } from './diff-flags.ts';

/** `shakedown diff`: the same sequences against two targets; the first divergence, shrunk. */
export function registerDiffCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const properties = pack.properties.map((p) => p.name);
  const bugs = pack.plantedBugs ?? [];
  // A subject declares its own planted bugs: checked once it is loaded.
  const subjects = subjectCommandsOf(pack);
  const bugChoice = (flag: string) => (subjects ? collectNames : collectChoice(flag, bugs));
  const defaultProperty = pack.diffProperty ?? properties[0];
  const command = program
    .command('diff')
    .description(
      'differential testing: the same generated sequences against two targets (in lockstep, no faults), their replies, event streams and final state compared, shrunk to the first divergence',
    )
    .option('--target <target>', 'the first side: inproc | ws | ws://host:port | ./a.ts', 'inproc')
    .option('--against <target>', 'the second side, same forms (default: the same as --target)')
    .option(
      '--subject <module|command>',
      'the first side is this program (bots domain): a .ts/.js/.mjs file or a command line',
    )
    .option('--against-subject <module|command>', 'the second side is this program (bots domain)')
    .option('--bug <name...>', 'planted bugs for the --target (or --subject) side', bugChoice('--bug'), [])
    .option(
      '--against-bug <name...>',
      'planted bugs for the --against (or --against-subject) side',
      bugChoice('--against-bug'),
      [],
    )
    .option(
      '--property <name>',
      `whose sequences to generate: ${properties.join(', ')}`,
      parseChoice('--property', properties),
      defaultProperty,
    )
    .option(
      '--seed <n>',
      'seed (default: from the clock, always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option('--runs <n>', 'generated sequences, each run on both sides', parseInteger('--runs', 1), 100)
    .option(
      '--time-budget <duration>',
      'wall-clock budget for running sequences',
      parseDuration('--time-budget'),
      60_000,
    )
    .option(
      '--shrink-attempts <n>',
      `shrink candidates compared, at most: the same shrunk sequence on any machine (default ${DEFAULT_SHRINK_ATTEMPTS} when both sides are inproc, else ${DEFAULT_SHRINK_ATTEMPTS_REAL_TIME})`,
      parseInteger('--shrink-attempts', 0),
    )
    .option(
      '--shrink-budget <duration>',
      'also cap shrinking by wall-clock time (the result then depends on the machine)',
      parseDuration('--shrink-budget'),
    )
    .option(
      '--max-actions <k>',
      'upper bound on actions per sequence',
      parseInteger('--max-actions', 1, 10_000),
    )
    .option('--config <file>', "the system's config for its reference target (JSON; the domain's own format)")
    .option(
      '--out <dir>',
      "where a divergence is saved: apart from run's replays/, so that run never replays it as a regression",
      DIVERGENCES_DIR,
    )
    .option('--json', 'print the result as JSON')
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent',
      parseChoice('--log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
      'warn',
    )
    .addHelpText(
      'after',
      examplesAndExitCodes({
        notes: `
Both sides take the same generated sequences in lockstep: each action is sent once the
previous one is answered, since two requests sent in one instant may reach a networked venue
in either order (not a divergence). Faults are off (a fault would hit one side only). Compared:
each reply, each client's venue streams event by event, and the final snapshot; ids, seqs,
times and queue priorities a long-lived venue counts on its own are normalized.
Planted bugs need a reference side (inproc or ws); client bugs also fit a ws:// side.
A divergence is saved as a replay file in divergences/ (violation diff.divergence; the
--target side's run, the other side's events in evidence.extra.diff). run never replays it
as a regression, even from a folder it reads (one side alone breaks no invariant).`,
        examples: [
          ['npx shakedown diff --target inproc --against ws', 'in-process against WebSocket, clean'],
          [
            'npx shakedown diff --target inproc --against inproc --against-bug overfill --seed 1 --time-budget 30s',
            'a clean build against one with a planted bug',
          ],
          [
            'npx shakedown diff --target inproc --against-bug overfill',
            'the same (--against defaults to --target)',
          ],
          [
            'npx shakedown diff --target ./engine-a.ts --against ./engine-b.ts',
            'two engines of your own (adapter modules)',
          ],
          [
            'npx shakedown diff --target ws://127.0.0.1:9000 --against inproc',
            'a running venue against the reference',
          ],
          [
            'npx shakedown diff --subject ./bot-a.ts --against-subject ./bot-b.ts --seed 1',
            'two bots (subject modules) on the same sequences: the orders they send and their final state',
          ],
        ],
        exitCodes: [
          [0, 'no divergence'],
          [1, 'a divergence (saved)'],
          [2, 'bad flags, config or file (one SHK_ line on stderr)'],
          [3, 'a target could not be reached'],
          INTERRUPTED_EXIT,
        ],
      }),
    )
    .action(async (flags: DiffFlags, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      // The heavy part loads only for a line commander accepted.
      const { diffCommand, subjectSides } = await import('./diff-action.ts');
      const sides = subjectSides(flags, given);
      process.exitCode = await withInterrupt('diff', (interrupt) =>
        diffCommand(domain, { ...flags, ...sides }, interrupt),
      );
    });
  addDomainOption(command);
}
