// `replay`: its options, help and argument parsers. Its action (replay-action.ts: the runner,
// the sequencer, the domain the file names) loads with a dynamic import once commander has
// accepted the line, so a usage error or `replay --help` never loads it.
import type { Command } from 'commander';
import { DEFAULT_RUN_TIMEOUT_MS } from '../../core/runner/run-hang.ts';
import { withInterrupt } from '../interrupt.ts';
import { addDomainOption, targetOrSubject } from '../options/domain-option.ts';
import { examplesAndExitCodes, INTERRUPTED_EXIT } from '../options/help-text.ts';
import { parseDuration, parseInteger } from '../options/parse-options.ts';
import type { ReplayFlags } from './replay-flags.ts';

export function registerReplayCommand(program: Command): void {
  const command = program
    .command('replay')
    .description('reproduce a saved failure: re-execute it, replay its recorded events, or shuffle them')
    .argument('<file>', 'a replay file written by shakedown run')
    .option(
      '--events-only',
      'no target: fold the recorded events into fresh projections and check the invariants',
    )
    .option('--shuffle [mode]', 'replay the recorded events in a seeded shuffled order (interleave | all)')
    .option('--shuffle-seed <n>', 'seed of the shuffle', parseInteger('--shuffle-seed', 0), 1)
    .option(
      '--seed <n>',
      "with --events-only --shuffle on a subject's run (bots): the seed of the order its events are fed in (default: --shuffle-seed)",
      parseInteger('--seed', 0),
    )
    .option('--target <target>', 'override the target the file names (inproc | ws | ws://… | ./module.ts)')
    .option(
      '--subject <module|command>',
      'override the program under test the file names (bots domain): a .ts/.js/.mjs file, or a command line',
    )
    .option('--config <file>', "the system's config for its reference target (JSON; the domain's own format)")
    .option('--json', 'print one JSON result on stdout')
    .option(
      '--run-timeout <duration>',
      'bound on the run, as in run: one still going then (no answer, a loop in an adapter) is reported as a hang',
      parseDuration('--run-timeout'),
      DEFAULT_RUN_TIMEOUT_MS,
    )
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown replay replays/trading-venue-1-1882c904.json',
            'reproduce a saved failure on the target it names',
          ],
          [
            'npx shakedown replay replays/trading-venue-1-1882c904.json --events-only',
            'no target: fold the recorded events and check the invariants',
          ],
          [
            'npx shakedown replay replays/trading-venue-1-1882c904.json --shuffle=all',
            'the recorded events in a seeded shuffled order: does the client view converge?',
          ],
          [
            'npx shakedown replay replays/ghost-fills-1-0b78507e.json --events-only --shuffle --seed 7',
            "a subject's run (bots): its venue events fed to a fresh subject through consume(), shuffled; exit 0 when it converges",
          ],
        ],
        exitCodes: [
          [0, 'the failure no longer reproduces'],
          [1, 'the failure reproduces'],
          [2, 'bad flags or replay file (one SHK_ line on stderr)'],
          [3, 'the target could not be reached'],
          INTERRUPTED_EXIT,
        ],
      }),
    )
    .action(async (file: string, flags: ReplayFlags, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      const target =
        flags.subject === undefined
          ? flags.target
          : targetOrSubject({ target: '', ...flags }, given('target'));
      const domainGiven = given('domain') || flags.subject !== undefined;
      // The heavy part loads only for a line commander accepted.
      const { replayCommand } = await import('./replay-action.ts');
      process.exitCode = await withInterrupt('replay', (interrupt) =>
        replayCommand(
          file,
          { ...flags, ...(target === undefined ? {} : { target }) },
          domainGiven,
          interrupt,
        ),
      );
    });
  addDomainOption(command);
}
