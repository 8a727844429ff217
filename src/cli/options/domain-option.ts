import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import {
  DEFAULT_DOMAIN,
  isKnownDomain,
  knownDomains,
  type LoadedDomain,
  loadDomain,
  SUBJECT_DOMAIN,
} from '../../domains/registry.ts';
import { COMMAND_PREFIX } from './target-spec.ts';

/** `--domain`'s help line: the registered names, or a pack module of the user's. */
export function domainHelp(): string {
  return `the domain to test: ${knownDomains().join(' | ')} | ./my-pack.ts[#export] (a pack module of your own)`;
}

/** Adds `--domain` to a command (the value was read before the program was built: domainOfArgv). */
export function addDomainOption(command: Command): Command {
  return command.option('--domain <name|path>', domainHelp(), DEFAULT_DOMAIN);
}

/** The flags that pick the domain `--subject` selects. */
const SUBJECT_FLAGS = ['--subject', '--against-subject'] as const;

/** The value of `--flag X` or `--flag=X` in argv (the last one given), if any. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') break;
    if (arg === flag && i + 1 < argv.length) value = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  }
  return value;
}

/**
 * The domain a command line asks for, read before the program is built (its choices, --property,
 * --bug, --scenario, depend on it): `--domain`, else the one `--subject` selects, else the
 * default. Undefined for `replay`, whose file names its domain.
 */
export function domainOfArgv(argv: readonly string[]): { name: string; by: string } | undefined {
  const given = flagValue(argv, '--domain');
  const subjectFlag = SUBJECT_FLAGS.find((flag) => flagValue(argv, flag) !== undefined);
  if (subjectFlag) {
    if (given !== undefined && given !== SUBJECT_DOMAIN)
      throw usage(
        subjectFlag,
        `${subjectFlag} tests a program against the ${SUBJECT_DOMAIN} domain; it cannot be combined with --domain ${given}`,
      );
    if (!isKnownDomain(SUBJECT_DOMAIN))
      throw usage(
        subjectFlag,
        `${subjectFlag} needs the ${SUBJECT_DOMAIN} domain, which this shakedown does not have (known domains: ${knownDomains().join(', ')})`,
      );
    return { name: SUBJECT_DOMAIN, by: subjectFlag };
  }
  if (given !== undefined) return { name: given, by: '--domain' };
  return undefined;
}

/** Loads the domain argv asks for (the default when it names none). */
export async function domainForArgv(argv: readonly string[]): Promise<LoadedDomain> {
  const asked = domainOfArgv(argv);
  return loadDomain(asked?.name ?? DEFAULT_DOMAIN, asked?.by ?? '--domain');
}

/**
 * `--subject X` as a `--target` value: a path to an existing .ts, .js or .mjs file is a module;
 * anything else is a command line the domain starts (`command:node bot.js`).
 */
export function subjectTarget(value: string): string {
  if (/\.(ts|mts|js|mjs)$/.test(value)) {
    try {
      if (statSync(resolve(process.cwd(), value)).isFile()) return value;
    } catch {
      // Not a file: a command line.
    }
  }
  return `${COMMAND_PREFIX}${value}`;
}

/**
 * `--target` and `--subject` together: the subject is the target, so only one may be given.
 * Returns the target string to use.
 */
export function targetOrSubject(
  flags: { target: string; subject?: string },
  targetGiven: boolean,
  flag = '--subject',
): string {
  if (flags.subject === undefined) return flags.target;
  if (targetGiven) throw usage(flag, `${flag} is the target: give it or --target, not both`);
  return subjectTarget(flags.subject);
}

/**
 * Values of a domain-dependent flag checked against the pack's names (when the program was
 * built without the pack, or to recheck): the same message the option's parser gives.
 */
export function checkChoices(flag: string, values: readonly string[], allowed: readonly string[]): void {
  for (const value of values)
    if (!allowed.includes(value))
      throw usage(flag, `${flag}: unknown name ${JSON.stringify(value)}; one of: ${allowed.join(', ')}`);
}

function usage(flag: string, message: string): ShakedownError {
  return new ShakedownError('SHK_USAGE', message, { exitCode: EXIT.usage, context: { flag } });
}
