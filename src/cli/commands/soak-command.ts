// `soak`: its options, help and argument parsers. Its action (soak-action.ts: the soak loop, the
// workers) loads with a dynamic import once commander has accepted the line, so a usage error or
// `soak --help` never loads it.
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../core/faults/fault.ts';
import {
  DEFAULT_SHRINK_ATTEMPTS,
  DEFAULT_SHRINK_ATTEMPTS_REAL_TIME,
} from '../../core/runner/shrink-attempts.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { withInterrupt } from '../interrupt.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes, INTERRUPTED_EXIT } from '../options/help-text.ts';
import { collectChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { parseWorkerCount } from '../worker-count.ts';
import type { SoakFlags } from './soak-flags.ts';

export function registerSoakCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const properties = pack.properties.map((p) => p.name);
  const command = program
    .command('soak')
    .description(
      'a long campaign in rounds against the in-process exchange: flat memory, progress lines, stops at the first failure',
    )
    .requiredOption('--duration <duration>', 'how long to soak, e.g. 10m or 2h', parseDuration('--duration'))
    .option(
      '--seed <n>',
      'soak seed; each round derives its own from it (default: from the clock; always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option(
      '--property <name...>',
      `properties to run (default: all): ${properties.join(', ')}`,
      collectChoice('--property', properties),
      [],
    )
    .option(
      '--bug <name...>',
      'build the reference system with a planted bug (see list --bugs)',
      collectChoice('--bug', pack.plantedBugs ?? []),
      [],
    )
    .option(
      '--faults <kinds...>',
      `faults to mix into every property's runs, each required to fire at least once in the soak: all | none | ${FAULT_KINDS.join(', ')}`,
      collectChoice('--faults', ['all', 'none', ...FAULT_KINDS]),
      [],
    )
    .option(
      '--progress-every <duration>',
      'a progress line on stderr this often',
      parseDuration('--progress-every'),
      10_000,
    )
    .option(
      '--shrink-attempts <n>',
      `shrink candidates run for the failure, at most: the same shrunk failure on any machine (default ${DEFAULT_SHRINK_ATTEMPTS} in-process, ${DEFAULT_SHRINK_ATTEMPTS_REAL_TIME} over ws)`,
      parseInteger('--shrink-attempts', 0),
    )
    .option(
      '--shrink-budget <duration>',
      'also cap shrinking the failure by wall-clock time (the result then depends on the machine)',
      parseDuration('--shrink-budget'),
    )
    .option(
      '--workers <n>',
      'worker threads exploring in parallel, each with its own exchange (default: one per two cores in-process, one per core otherwise, or SHAKEDOWN_WORKERS)',
      parseWorkerCount('--workers'),
    )
    .option(
      '--subject <module|command>',
      'soak this program (bots domain): a .ts/.js/.mjs file or a command line, instead of the in-process target',
    )
    .option('--out <dir>', 'where a failure is saved as a replay file', 'replays')
    .option('--json', 'print a JSON object with the figures and the verdict on stdout at the end')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown soak --duration 2h',
            'two hours of rounds against the in-process exchange, a progress line every 10s',
          ],
          [
            'npx shakedown soak --duration 10m --faults all --json',
            'every fault kind mixed in; the figures and verdict as JSON',
          ],
        ],
        exitCodes: [
          [0, 'the duration was spent and nothing failed (a growing RSS is reported, never a failure)'],
          [
            1,
            'a property failed (saved as a replay), an SLO was breached, a run proved nothing, or a required fault kind never fired',
          ],
          [2, 'bad flags (one SHK_ line on stderr)'],
          INTERRUPTED_EXIT,
        ],
      }),
    )
    .action(async (flags: SoakFlags) => {
      // The heavy part loads only for a line commander accepted.
      const { soakCommand } = await import('./soak-action.ts');
      process.exitCode = await withInterrupt('soak', (interrupt) => soakCommand(domain, flags, interrupt));
    });
  addDomainOption(command);
}
