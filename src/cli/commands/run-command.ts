// `run`: its options, help and argument parsers. Its action (run-action.ts, the runner, the
// workers, the reporters) loads with a dynamic import once commander has accepted the line, so a
// usage error or `run --help` never loads it.
import type { Command } from 'commander';
import { FAULT_KINDS } from '../../core/faults/fault.ts';
import { DEFAULT_RUN_TIMEOUT_MS } from '../../core/runner/run-hang.ts';
import {
  DEFAULT_SHRINK_ATTEMPTS,
  DEFAULT_SHRINK_ATTEMPTS_REAL_TIME,
} from '../../core/runner/shrink-attempts.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { CI_RESULTS_DIR } from '../ci-mode.ts';
import { withInterrupt } from '../interrupt.ts';
import {
  DEFAULT_EMBEDDED_CONCURRENCY,
  DEFAULT_EMBEDDED_CONCURRENCY_WITH_PROCESSES,
  parseConcurrency,
} from '../options/concurrency.ts';
import { addDomainOption, targetOrSubject } from '../options/domain-option.ts';
import { examplesAndExitCodes, INTERRUPTED_EXIT } from '../options/help-text.ts';
import { collectChoice, parseChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { subjectCommandsOf } from '../subject-commands-of.ts';
import { parseWorkerCount } from '../worker-count.ts';
import { collectNames } from './collect-names.ts';
import type { RunFlags } from './run-flags.ts';

// Kept importable from here: diff, replay and preflight take the same forms.
export { parseTargetSpec } from '../options/target-spec.ts';

export function registerRunCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const properties = pack.properties.map((p) => p.name);
  const invariants = pack.invariants.map((i) => i.name);
  // A subject declares its own planted bugs: --bug is checked against them once it is loaded.
  const subjects = subjectCommandsOf(pack);
  const command = program
    .command('run')
    .description('run a seeded fuzz campaign: generate, run, check invariants, shrink and save failures')
    .option(
      '--property <name...>',
      `properties to run (default: all but the costly ones, run only by name: ${pack.properties
        .filter((p) => p.optIn)
        .map((p) => p.name)
        .join(', ')}): ${properties.join(', ')}`,
      collectChoice('--property', properties),
      [],
    )
    .option(
      '--seed <n>',
      'campaign seed (default: derived from the clock, or from the commit with --ci; always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option(
      '--runs <n>',
      'generated runs per property (--ci: or SHAKEDOWN_RUNS)',
      parseInteger('--runs', 1),
      100,
    )
    .option(
      '--time-budget <duration>',
      'wall-clock cap for the campaign, e.g. 60s (default: none, the run count decides, so a seed gives the same campaign on any machine) (--ci: or SHAKEDOWN_TIME_BUDGET)',
      parseDuration('--time-budget'),
    )
    .option(
      '--shrink-attempts <n>',
      `shrink candidates run per failure, at most: the same shrunk failure on any machine (default ${DEFAULT_SHRINK_ATTEMPTS} in-process, ${DEFAULT_SHRINK_ATTEMPTS_REAL_TIME} over ws or an adapter)`,
      parseInteger('--shrink-attempts', 0),
    )
    .option(
      '--shrink-budget <duration>',
      'also cap shrinking one failure by wall-clock time (the result then depends on the machine)',
      parseDuration('--shrink-budget'),
    )
    .option('--max-actions <k>', 'upper bound on actions per run', parseInteger('--max-actions', 1, 10_000))
    .option('--target <target>', 'inproc | ws (embedded server) | ws://host:port | ./my-target.ts', 'inproc')
    .option(
      '--subject <module|command>',
      'the program under test (a bot): a .ts/.js/.mjs file, or a command line; selects --domain bots',
    )
    .option(
      '--bug <name...>',
      subjects
        ? 'switch on a planted bug of the subject (the names its module declares: plantedBugs; a command subject gets them as SHAKEDOWN_BUGS)'
        : 'build the reference system with a planted bug (see list --bugs)',
      subjects ? collectNames : collectChoice('--bug', pack.plantedBugs ?? []),
      [],
    )
    .option(
      '--faults <kinds...>',
      `faults to mix into every property's runs, each required to fire at least once: all | none | ${FAULT_KINDS.join(', ')} (default: each property's own)`,
      collectChoice('--faults', ['all', 'none', ...FAULT_KINDS]),
      [],
    )
    .option(
      '--scenario <name...>',
      'run catalog scenarios (fixed steps, event-driven checks) instead of properties: NAME or all (see list --scenarios)',
      collectChoice('--scenario', ['all', ...(pack.scenarios ?? []).map((s) => s.name)]),
      [],
    )
    .option('--fuzz', 'with --scenario: run each as a fuzzed property varying its sizes, timing and faults')
    .option(
      '--config <file>',
      'exchange config for the reference venue, or the venue at --target as shakedown should know it (JSON)',
    )
    .option(
      '--sandbox-prefix <prefix>',
      "sandbox symbols start with this, for preflight and the run lock (default: the config's)",
    )
    .option(
      '--lock-timeout <duration>',
      'wait this long for another campaign on the same target and sandbox to finish (0: exit 3 at once)',
      parseDuration('--lock-timeout', true),
      0,
    )
    .option('--out <dir>', 'where failures are saved (and the regression corpus is read)', 'replays')
    .option('--json', 'print the JSON summary on stdout (docs/summary.md)')
    .option('--summary <file>', 'write the JSON summary to a file')
    .option(
      '--junit <file>',
      'write JUnit XML: a suite per property, a case per property and per saved replay',
    )
    .option('--report <dir>', 'write a Markdown report (Mermaid timelines) and a self-contained HTML report')
    .option(
      '--min-coverage <floor...>',
      'fail unless the campaign exercised enough of the surface: 60 (overall %) or reject=70 (one category)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--ci',
      `CI mode: seeds from the commit and property, budget from flags or env, JUnit, summary and report in ${CI_RESULTS_DIR}/, no colour, no progress bar`,
    )
    .option(
      '--shard <i/n>',
      'run only shard i of n of properties x runs (or SHAKEDOWN_SHARD); see `shakedown merge`',
    )
    .option(
      '--workers <n>',
      'worker threads exploring in parallel, each with its own target (default: one per two cores in-process, one per core otherwise, or SHAKEDOWN_WORKERS; not for a ws:// URL or a shared adapter)',
      parseWorkerCount('--workers'),
    )
    .option(
      '--concurrency <n>',
      `runs at once over a real venue, in this thread, each on a lane of its own: --target ws gives each lane its own embedded venue (default ${DEFAULT_EMBEDDED_CONCURRENCY}, ${DEFAULT_EMBEDDED_CONCURRENCY_WITH_PROCESSES} with process faults, unless --workers or SHAKEDOWN_WORKERS is set); a ws:// URL needs --lane-url; 1: one run at a time`,
      parseConcurrency,
    )
    .option(
      '--lane-url <url...>',
      'with --target ws://...: venues isolated from one another (their own accounts and instruments), one lane each, so their runs go on at once (see docs/adapters.md)',
      (value: string, previous: string[]) => [
        ...previous,
        ...value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v.length > 0),
      ],
      [],
    )
    .option(
      '--run-timeout <duration>',
      'bound on every run: one still going then (a target that never answers, a loop in an adapter) fails with the verdict hang',
      parseDuration('--run-timeout'),
      DEFAULT_RUN_TIMEOUT_MS,
    )
    .option(
      '--keep-going',
      'after a failure, keep exploring: each distinct failure of a property is shrunk, saved and reported, duplicates counted',
    )
    .option(
      '--max-failures <n>',
      'distinct failures per property before it stops exploring (implies --keep-going; default 10 with it)',
      parseInteger('--max-failures', 1, 1000),
    )
    .option(
      '--invariants <names...>',
      "check only these of each property's invariants (comma-separated or repeated; see list --invariants)",
      collectChoice('--invariants', invariants),
      [],
    )
    .option(
      '--skip-invariants <names...>',
      'never check these invariants (comma-separated or repeated)',
      collectChoice('--skip-invariants', invariants),
      [],
    )
    .option(
      '--strict',
      'fail on warnings too: an invariant that had nothing to check in any run, requests almost all refused',
    )
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--record <file>', 'stream every recorded event of every run to an NDJSON file')
    .option('--no-replays', 'skip replaying the saved files in --out first')
    .option('--check-determinism', 'run every sequence twice in-process and fail on any difference')
    .option(
      '--check-every-step',
      'check the invariants after every step (each prefix of a run on its own target)',
    )
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent',
      parseChoice('--log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
      'info',
    )
    .option('--log-format <format>', 'pretty | json', parseChoice('--log-format', ['pretty', 'json']))
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          ['npx shakedown run --seed 1 --runs 200', 'a seeded campaign against the embedded exchange'],
          [
            'npx shakedown run --bug overfill --seed 1 --time-budget 30s',
            'find a planted bug: shrunk, saved in replays/, replayed first by the next run',
          ],
          [
            'npx shakedown run --target ws --faults all --seed 1 --time-budget 30s',
            'over real sockets, every fault kind mixed in',
          ],
          ['npx shakedown run --scenario all', 'the scenario catalog (npx shakedown list --scenarios)'],
          [
            'npx shakedown run --ci --runs 500 --time-budget 300s',
            'in CI: seeds from the commit; JUnit, summary and report in shakedown-results/',
          ],
        ],
        exitCodes: [
          [0, 'every property passed, every required fault fired, coverage met its floor'],
          [
            1,
            'a property failed (a violation, a breached SLO, an unfired fault, coverage below --min-coverage) or a run proved nothing',
          ],
          [
            2,
            'bad flags, config or file (one SHK_ line on stderr), or an output saved in a temp folder instead',
          ],
          [3, 'the target could not be reached, or another campaign holds it (--lock-timeout)'],
          INTERRUPTED_EXIT,
        ],
      }),
    )
    .action(async (flags: RunFlags, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      const target = targetOrSubject(flags, given('target'));
      // The heavy part (the runner, workers, reporters) loads only for a line commander accepted.
      const { runCommand } = await import('./run-action.ts');
      process.exitCode = await withInterrupt('run', (interrupt) =>
        runCommand(domain, { ...flags, target }, given, interrupt),
      );
    });
  addDomainOption(command);
}
