import { execFileSync } from 'node:child_process';
import { EXIT, ShakedownError } from '../core/shakedown-error.ts';

/** Environment variables CI systems set to the commit under test, most specific first. */
const COMMIT_VARIABLES = [
  'SHAKEDOWN_COMMIT',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'BUILDKITE_COMMIT',
  'CIRCLE_SHA1',
  'GIT_COMMIT',
] as const;

/** Where `--ci` writes what CI keeps when no path is given. */
export const CI_RESULTS_DIR = 'shakedown-results';

/**
 * The commit CI mode derives its seeds from: a CI variable, else `git rev-parse HEAD` in the
 * working directory. None found is a usage error: a CI seed that silently fell back to the
 * clock could never be reproduced.
 */
export function resolveCommit(env: NodeJS.ProcessEnv): { commit: string; from: string } {
  for (const name of COMMIT_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return { commit: value, from: name };
  }
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    if (/^[0-9a-f]{7,64}$/.test(head)) return { commit: head, from: 'git rev-parse HEAD' };
  } catch {
    // not a git checkout, or no git: fall through to the error below
  }
  throw new ShakedownError(
    'SHK_CI_NO_COMMIT',
    `--ci: no commit to derive the seed from; set one of ${COMMIT_VARIABLES.join(', ')}, run inside a git checkout, or pass --seed`,
    { exitCode: EXIT.usage },
  );
}

/** Whether CI mode is implied by the environment (most CI systems set CI=true). */
export function isCiEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
