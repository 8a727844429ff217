#!/usr/bin/env node
// Thin launcher: hands over to the CLI, its TypeScript sources in a checkout (no build step),
// its compiled JavaScript (dist/) in the installed package. `?commands=lazy`: the CLI loads
// only the command it runs.
// The sources load through the TypeScript loader hooks (bin/register-ts.mjs: shakedown's own
// sources in a checkout, users' TypeScript modules through tsx when one is loaded). In a
// checkout, the command lines that only describe (`--version`, help, `list`) start from a
// bundle of the sources instead (bin/cli-bundle.mjs, rebuilt when a source changes), with the
// hooks registered only when the line names a file (a pack, a subject, a target module), which
// may be TypeScript. Commands that run something keep loading the sources: a user's module in a
// checkout may import shakedown's sources, and must then share them with the CLI (one
// ShakedownError class, one scheduler), not meet a second copy in a bundle.
// SHAKEDOWN_CLI_BUNDLE=0 turns the bundle off.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const args = process.argv.slice(2);

/** Whether a command line only describes: no command, `list`, `help`, or help or version asked for. */
function describesOnly(line) {
  // The words after `--` are a subject's own, not the CLI's.
  const end = line.indexOf('--');
  const words = end === -1 ? line : line.slice(0, end);
  if (words.some((word) => ['--version', '-V', '--help', '-h'].includes(word))) return true;
  const command = words.find((word) => !word.startsWith('-'));
  return command === undefined || command === 'list' || command === 'help';
}

/** Whether a word names a file or a URL: a module that may need the TypeScript hooks. */
function namesFile(word) {
  return /[/\\]/.test(word) || /\.[cm]?[jt]sx?(#[\w$]*)?$/i.test(word);
}

const bundled =
  process.env.SHAKEDOWN_CLI_BUNDLE !== '0' && existsSync(source) && describesOnly(args)
    ? await (await import('./cli-bundle.mjs')).bundledCli()
    : undefined;
if (!bundled || args.some(namesFile)) await import('./register-ts.mjs');
const entry = bundled ?? (existsSync(source) ? source : new URL('../dist/src/cli/main.js', import.meta.url));
const { main } = await import(`${entry.href}?commands=lazy`);
process.exitCode = await main(process.argv);
