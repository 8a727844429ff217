import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';

/**
 * The launcher's bundle of the CLI (bin/cli-bundle.mjs), proven in a checkout of its own: a
 * temp folder with the real bin/ files and a three-file "CLI" whose main prints what it was
 * built from. An edit runs at the next start, even one the size of the old text and one made
 * while a bundle is built; a source that does not build falls back to the hooks, which report
 * it; commands that run something load the sources; a file named on the line gets the hooks; a
 * replaced build stays a while, old ones go. The tests share that checkout and run in order.
 */
const REPO = join(import.meta.dirname, '../..');
const tempDir = tempDirs('shakedown-cli-bundle-');

interface Printed {
  message: string;
  here: string;
  entry: string;
  loaded: string | null;
}

function at(root: string, path: string): string {
  return join(root, path);
}

/** Writes a file with a modification time `agoMs` before now (negative: ahead of now). */
function write(root: string, path: string, text: string, agoMs = 60_000): void {
  writeFileSync(at(root, path), text);
  const when = new Date(Date.now() - agoMs);
  utimesSync(at(root, path), when, when);
}

function message(root: string, text: string, agoMs?: number): void {
  write(root, 'src/cli/message.ts', `export const message: string = '${text}';\n`, agoMs);
}

function checkout(): string {
  const root = tempDir();
  mkdirSync(at(root, 'bin'));
  const copied = new Date(Date.now() - 60_000);
  for (const file of ['shakedown.js', 'cli-bundle.mjs', 'register-ts.mjs', 'ts-hooks.mjs']) {
    copyFileSync(join(REPO, 'bin', file), at(root, `bin/${file}`));
    // The bundler stamps itself too: a copy made just now would look edited during each build.
    utimesSync(at(root, `bin/${file}`), copied, copied);
  }
  mkdirSync(at(root, 'node_modules'));
  for (const name of ['esbuild', 'tsx'])
    symlinkSync(join(REPO, 'node_modules', name), at(root, `node_modules/${name}`), 'dir');
  writeFileSync(at(root, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(at(root, 'src/cli'), { recursive: true });
  write(
    root,
    'src/cli/main.ts',
    `import { pathToFileURL } from 'node:url';
import { here } from './here.ts';
import { message } from './message.ts';

export async function main(argv: string[]): Promise<number> {
  const file = argv.find((arg) => arg.endsWith('.ts'));
  const loaded: string | null = file ? (await import(pathToFileURL(file).href)).loaded : null;
  process.stdout.write(JSON.stringify({ message, here, entry: import.meta.url, loaded }));
  return 0;
}
`,
  );
  write(root, 'src/cli/here.ts', 'export const here: string = import.meta.url;\n');
  message(root, 'one');
  return root;
}

function start(root: string, args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [at(root, 'bin/shakedown.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function printed(root: string, args: readonly string[], env: Record<string, string> = {}): Printed {
  const result = start(root, args, env);
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Printed;
}

const BUNDLED = /\/node_modules\/\.cache\/shakedown\/cli-[0-9a-f]+\/build-[^/]+\/main\.mjs\?commands=lazy$/;

describe('the CLI bundle, in a checkout of its own', () => {
  let root: string;
  let sourceEntry: string;
  beforeAll(() => {
    root = checkout();
    sourceEntry = `${pathToFileURL(at(root, 'src/cli/main.ts')).href}?commands=lazy`;
  });

  it('starts list, help and --version from a bundle that is kept, with each module its own import.meta.url', () => {
    const first = printed(root, ['list']);
    expect(first.message).toBe('one');
    expect(first.entry).toMatch(BUNDLED);
    expect(first.here).toBe(pathToFileURL(at(root, 'src/cli/here.ts')).href);
    expect(printed(root, ['list']).entry).toBe(first.entry);
    expect(printed(root, ['--version']).entry).toBe(first.entry);
    expect(printed(root, ['--help']).entry).toBe(first.entry);
    expect(printed(root, ['run', '--help']).entry).toBe(first.entry);
    expect(printed(root, []).entry).toBe(first.entry);
  });

  it('runs the other commands, and any command when SHAKEDOWN_CLI_BUNDLE=0, from the sources', () => {
    const run = printed(root, ['run', '--seed', '1']);
    expect(run.entry).toBe(sourceEntry);
    expect(run.message).toBe('one');
    expect(printed(root, ['list'], { SHAKEDOWN_CLI_BUNDLE: '0' }).entry).toBe(sourceEntry);
    // A subject's own --help (after --) runs the command.
    expect(printed(root, ['run', '--subject', 'bot', '--', '--help']).entry).toBe(sourceEntry);
  });

  it('rebuilds after an edit, even one that keeps the size; keeps the bundle after a touch', () => {
    const before = printed(root, ['list']).entry;
    message(root, 'two', 30_000);
    const edited = printed(root, ['list']);
    expect(edited.message).toBe('two');
    expect(edited.entry).not.toBe(before);
    const when = new Date(Date.now() - 20_000);
    utimesSync(at(root, 'src/cli/here.ts'), when, when);
    expect(printed(root, ['list']).entry).toBe(edited.entry);
    expect(printed(root, ['list']).entry).toBe(edited.entry);
    message(root, 'sum', 20_000);
    expect(printed(root, ['list']).message).toBe('sum');
  });

  it('keeps no build that a source may have changed under (modified since it began), and runs the edit', () => {
    const current = () => {
      const cache = readdirSync(at(root, 'node_modules/.cache/shakedown'))[0];
      return JSON.parse(readFileSync(at(root, `node_modules/.cache/shakedown/${cache}/current.json`), 'utf8'))
        .dir as string;
    };
    // A modification time ahead of any build's start: as if edited while the build read it.
    message(root, 'six', -5_000);
    const racy = printed(root, ['list']);
    expect(racy.message).toBe('six');
    expect(racy.entry).not.toContain(`/${current()}/`);
    const again = printed(root, ['list']);
    expect(again.message).toBe('six');
    expect(again.entry).not.toBe(racy.entry);
    message(root, 'ten', 5_000);
    const kept = printed(root, ['list']);
    expect(kept.message).toBe('ten');
    expect(kept.entry).toContain(`/${current()}/`);
  });

  it('falls back to the sources when they do not build: the hooks report the error', () => {
    write(root, 'src/cli/message.ts', 'export const message: string = ;\n', 10_000);
    const broken = start(root, ['list']);
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('message.ts');
    message(root, 'back', 5_000);
    expect(printed(root, ['list']).message).toBe('back');
  });

  it('keeps a build it replaced for a while (a start may still be loading it), and removes old ones', () => {
    const cacheDir = () => {
      const name = readdirSync(at(root, 'node_modules/.cache/shakedown'))[0];
      return at(root, `node_modules/.cache/shakedown/${name}`);
    };
    const dirOf = (entry: string) => /\/(build-[^/]+)\/main\.mjs/.exec(entry)?.[1] ?? '';
    const before = dirOf(printed(root, ['list']).entry);
    // Two stray builds: one never published, made long ago; one retired long ago.
    const stray = join(cacheDir(), 'build-stray');
    const retired = join(cacheDir(), 'build-retired');
    mkdirSync(stray);
    mkdirSync(retired);
    const longAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stray, longAgo, longAgo);
    const currentPath = join(cacheDir(), 'current.json');
    const current = JSON.parse(readFileSync(currentPath, 'utf8'));
    writeFileSync(
      currentPath,
      JSON.stringify({ ...current, retired: { 'build-retired': Date.now() - 3_600_000 } }),
    );
    message(root, 'new', 40_000);
    const after = dirOf(printed(root, ['list']).entry);
    expect(after).not.toBe(before);
    const left = readdirSync(cacheDir());
    expect(left).toContain(before);
    expect(left).toContain(after);
    expect(left).not.toContain('build-stray');
    expect(left).not.toContain('build-retired');
  });

  it("registers the TypeScript hooks when the line names a file, for a user's module", () => {
    write(root, 'user-module.ts', "export const loaded: string = 'user module';\n");
    const result = printed(root, ['list', '--domain', './user-module.ts']);
    expect(result.loaded).toBe('user module');
    expect(result.entry).toMatch(BUNDLED);
  });
});

/**
 * The real CLI: each describing command line prints the same, byte for byte, and exits the
 * same, from the bundle and from the sources; and `list` from the bundle resolves none of the
 * sources (each one would be a round trip to the hooks' thread).
 */
describe('the CLI bundle, in this checkout', () => {
  const BIN = join(REPO, 'bin/shakedown.js');
  const cli = (args: readonly string[], env: Record<string, string> = {}, nodeArgs: string[] = []) => {
    const result = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
      encoding: 'utf8',
      cwd: REPO,
      env: { ...process.env, SHAKEDOWN_WORKERS: '1', ...env },
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it.each([
    [['--version']],
    [['--help']],
    [[]],
    [['list']],
    [['list', '--json', '--domain', 'feeds']],
    [['list', '--domain', './test/fixtures/counter-domain/counter-pack.ts']],
    [['run', '--help']],
    [['list', '--bogus']],
  ])('%j prints the same from the bundle and from the sources', (args) => {
    const bundled = cli(args);
    expect(bundled).toEqual(cli(args, { SHAKEDOWN_CLI_BUNDLE: '0' }));
    expect(bundled.stdout.length + bundled.stderr.length).toBeGreaterThan(0);
  });

  it('list loads no source through the hooks', () => {
    const log = join(tempDir(), 'resolved.txt');
    const hooks = pathToFileURL(join(import.meta.dirname, 'fixtures/record-resolved-hooks.mjs')).href;
    const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hooks)})`;
    const result = cli(['list'], { RECORD_RESOLVED: log }, ['--import', register]);
    expect(result.status).toBe(0);
    const resolved = readFileSync(log, 'utf8').split('\n');
    expect(resolved.some((url) => url.includes('/node_modules/.cache/shakedown/cli-'))).toBe(true);
    expect(resolved.filter((url) => url.startsWith(pathToFileURL(join(REPO, 'src')).href))).toEqual([]);
  });
});
