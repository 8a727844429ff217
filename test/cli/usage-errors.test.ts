import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsErrorAsShakedownError, isFsError } from '../../src/cli/fs-errors.ts';
import { formatDuration, parseDuration } from '../../src/cli/options/parse-options.ts';
import { type CliResult, shakedownAsync, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-usage-');
/** Each command is a short child process of its own: the file's tests run theirs at once. */
const cli = (...args: string[]) => shakedownAsync(args, { timeoutMs: 120_000 });

/** A usage error: exit 2, exactly one line on stderr with the code, no stack, nothing on stdout. */
function expectUsage(result: CliResult, code = 'SHK_USAGE'): string {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  const lines = result.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^shakedown: ${code}: `));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
  return lines[0];
}

/** Nothing was started: no seed line, no campaign log. */
function expectNothingStarted(result: CliResult): void {
  expect(result.stderr).not.toContain('seed');
  expect(result.stderr).not.toContain('campaign starts');
}

describe.concurrent("commander's own errors", () => {
  it('an unknown option, an unknown command, a missing value and extra arguments are one SHK_USAGE line, exit 2', async () => {
    const [bogus, rnu, noValue, extra, many] = await Promise.all([
      cli('run', '--bogus'),
      cli('rnu'),
      cli('run', '--runs'),
      cli('run', 'extra'),
      cli('run', '--runs', 'many'),
    ]);
    const unknownOption = expectUsage(bogus);
    expect(unknownOption).toContain("unknown option '--bogus'");
    // Commander's own `error: ...` text is not printed besides ours.
    expect(unknownOption).not.toContain('error:');

    const unknownCommand = expectUsage(rnu);
    expect(unknownCommand).toContain("unknown command 'rnu'");
    expect(unknownCommand).toContain('(did you mean run?)');

    expect(expectUsage(noValue)).toContain("option '--runs <n>' argument missing");
    expect(expectUsage(extra)).toContain('too many arguments');
    // A flag's value that its parser refuses: the parser's own one line.
    expect(expectUsage(many)).toContain('--runs: expected an integer');
  });

  it('soak --duration is required: a usage error naming it, before anything runs', async () => {
    const soak = await cli('soak', '--seed', '1');
    expect(expectUsage(soak)).toContain("required option '--duration <duration>' not specified");
    expectNothingStarted(soak);
  });

  it('no command at all prints the help on stderr and exits 2 with one SHK_USAGE line', async () => {
    const bare = await cli();
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('Commands:');
    expect(bare.stderr.trimEnd().split('\n').at(-1)).toMatch(/^shakedown: SHK_USAGE: no command given/);
  });

  it('--help and --version are not errors', async () => {
    const help = await cli('run', '--help');
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect((await cli('--version')).status).toBe(0);
  });
});

describe.concurrent('--target forms', () => {
  it('a URL scheme other than ws/wss is a usage error naming the supported forms, not a missing file', async () => {
    const ftp = await cli('run', '--target', 'ftp://x', '--runs', '1');
    const line = expectUsage(ftp);
    expect(line).toContain('--target ftp://x');
    expect(line).toContain('the ftp:// scheme is not supported');
    expect(line).toContain('inproc | ws | ws://host:port | wss://host:port | ./adapter.ts');
    expect(line).not.toContain('SHK_ADAPTER_NOT_FOUND');
    expectNothingStarted(ftp);
    const http = expectUsage(await cli('run', '--target', 'http://127.0.0.1:9000'));
    expect(http).toContain('the http:// scheme is not supported');
  });

  it('a path that does not exist is a usage error naming the forms, in run and diff', async () => {
    const dir = tempDir();
    const missing = join(dir, 'no-such-adapter.ts');
    const run = await cli('run', '--target', missing);
    const line = expectUsage(run);
    expect(line).toContain(`no adapter module at ${missing}`);
    expect(line).toContain('supported: inproc | ws');
    expectNothingStarted(run);

    const diff = expectUsage(await cli('diff', '--target', 'inproc', '--against', 'ftp://x'));
    expect(diff).toContain('--against ftp://x');
  });
});

describe.concurrent('--check-determinism', () => {
  it('over ws or a ws:// venue is refused before the target is started', async () => {
    for (const target of ['ws', 'ws://127.0.0.1:1']) {
      const result = await cli('run', '--check-determinism', '--target', target, '--runs', '1');
      const line = expectUsage(result);
      expect(line).toContain('--check-determinism: determinism is checked in-process only');
      // ws://127.0.0.1:1 is unreachable: exit 3 would mean the target was tried first.
      expect(line).not.toContain('UNREACHABLE');
      expectNothingStarted(result);
    }
  });
});

describe.concurrent('coverage --missing', () => {
  it('without a summary file is a usage error, not the whole surface', async () => {
    const line = expectUsage(await cli('coverage', '--missing'));
    expect(line).toContain('--missing needs a summary file');
    expect(expectUsage(await cli('coverage', '--missing', '--json'))).toContain(
      '--missing needs a summary file',
    );
    // Without --missing, no summary is the declared surface (exit 0).
    const surface = await cli('coverage');
    expect(surface.status, surface.stderr).toBe(0);
    expect(surface.stdout).toMatch(/^declared surface: \d+ items/);
  });
});

describe.concurrent('durations in --help', () => {
  it('print as durations (60s), never as milliseconds (60000), in every command', async () => {
    const helps = Object.fromEntries(
      await Promise.all(
        ['run', 'soak', 'diff', 'replay', 'serve'].map(
          async (command) => [command, (await cli(command, '--help')).stdout] as const,
        ),
      ),
    );
    for (const [command, text] of Object.entries(helps)) {
      expect(text, command).toContain('Usage: shakedown');
      // One chunk per option; a duration option's default is never a bare number of milliseconds.
      for (const option of text.split(/\n(?= {2}-)/).filter((chunk) => chunk.includes('<duration>')))
        expect(option, command).not.toMatch(/\(default: \d+\)/);
    }
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    // The option's own text only: up to the next option.
    const defaultOf = (text: string, flag: string) =>
      new RegExp(`${flag} <duration>((?:(?! --[a-z]).)*)`)
        .exec(flat(text))?.[1]
        .match(/\(default: ([^)]*)\)/)?.[1];
    // No wall-clock cap unless asked for: --runs decides (a seed gives the same campaign anywhere).
    expect(defaultOf(helps.run, '--time-budget')).toMatch(/^none/);
    expect(defaultOf(helps.run, '--lock-timeout')).toBe('0s');
    expect(defaultOf(helps.soak, '--progress-every')).toBe('10s');
    expect(defaultOf(helps.diff, '--time-budget')).toBe('60s');
  });

  it('formatDuration writes what parseDuration reads back', async () => {
    for (const ms of [0, 500, 1000, 20_000, 60_000, 90_000, 120_000, 600_000, 3_600_000, 7_200_000, 1500])
      expect(parseDuration('--x', true)(formatDuration(ms)), String(ms)).toBe(ms);
    expect(formatDuration(60_000)).toBe('60s');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(7_200_000)).toBe('2h');
  });
});

describe.concurrent('file errors are SHK_IO naming the path', () => {
  it('maps a Node errno error with a path, and leaves other errors alone', async () => {
    const error = Object.assign(new Error("ENOTDIR: not a directory, mkdir '/tmp/a-file/x'"), {
      code: 'ENOTDIR',
      errno: -20,
      syscall: 'mkdir',
      path: '/tmp/a-file/x',
    });
    expect(isFsError(error)).toBe(true);
    const mapped = fsErrorAsShakedownError(error);
    expect(mapped.code).toBe('SHK_IO');
    expect(mapped.exitCode).toBe(2);
    expect(mapped.message).toBe('/tmp/a-file/x: ENOTDIR: not a directory (mkdir)');
    expect(isFsError(new Error('boom'))).toBe(false);
    expect(isFsError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
