import type { Command } from 'commander';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';
import { parseTargetSpec } from './run-command.ts';

interface PreflightFlags {
  target: string;
  config?: string;
  sandboxPrefix?: string;
  json?: boolean;
}

/** `shakedown preflight`: the sandbox-isolation check alone, against a venue given by URL. */
export function registerPreflightCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const command = program
    .command('preflight')
    .description(
      'check that the target sandbox is isolated both ways (what run does first against a ws:// URL)',
    )
    .requiredOption('--target <url>', 'the venue, ws://host:port')
    .option('--config <file>', 'the venue as shakedown should know it: accounts with keys, instruments')
    .option('--sandbox-prefix <prefix>', "symbols of the sandbox start with this (default: the config's)")
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown preflight --target ws://127.0.0.1:9000 --config venue.json',
            'check the sandbox of a running venue before a campaign against it',
          ],
        ],
        exitCodes: [
          [0, 'the sandbox is isolated (or the target is one shakedown starts itself)'],
          [2, 'bad flags or config (one SHK_ line on stderr)'],
          [3, 'the venue could not be reached, or its sandbox is not isolated'],
        ],
      }),
    )
    .action(async (flags: PreflightFlags) => {
      const spec = parseTargetSpec(flags.target);
      if (spec.kind === 'inproc' || spec.kind === 'embedded-ws') {
        process.stdout.write(
          `preflight: ${flags.target} is a venue shakedown starts itself; nothing to check\n`,
        );
        return;
      }
      if (spec.kind !== 'url')
        throw new ShakedownError(
          'SHK_USAGE',
          `--target: preflight needs a venue URL (ws://host:port or wss://...), got ${JSON.stringify(flags.target)}; an adapter module is responsible for its own sandbox check`,
          { exitCode: EXIT.usage },
        );
      const preflight = pack.preflight;
      if (!preflight)
        throw new ShakedownError(
          'SHK_USAGE',
          `preflight: the ${pack.name} domain has no sandbox check; its systems are responsible for their own isolation`,
          { exitCode: EXIT.usage },
        );
      const config = pack.loadConfig?.(flags.config);
      const outcome = await preflight.check({
        url: spec.url,
        config,
        sandboxPrefix: flags.sandboxPrefix ?? preflight.sandboxPrefix?.(config),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(outcome.report, null, 2)}\n`);
      else {
        for (const line of outcome.lines) process.stdout.write(`${line}\n`);
        if (outcome.passed) process.stdout.write(`preflight: the sandbox of ${spec.url} is isolated\n`);
      }
      if (!outcome.passed)
        throw (
          outcome.error ??
          new ShakedownError('SHK_PREFLIGHT_INCONCLUSIVE', `preflight: ${spec.url} is not proven isolated`, {
            exitCode: EXIT.unreachable,
          })
        );
      process.exitCode = EXIT.passed;
    });
  addDomainOption(command);
}
