import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.ts';

/**
 * A doc test over a Markdown file's fenced blocks. A block takes part when the line before its
 * fence is an HTML comment (GitHub does not render it, so the page stays as a reader sees it):
 *
 *   <!-- doctest: run -->            the ```sh block's commands run in order; each must exit 0
 *   <!-- doctest: run, exit 1 -->    ... each must exit 1
 *   <!-- doctest: output -->         the ```text block is what the run block above printed
 *   <!-- doctest: skip: REASON -->   the ```sh block is shown, not run (its commands are checked
 *                                     against --help instead)
 *   <!-- doctest: files A B -->      (a line of its own) these files exist after the runs above
 *
 * Every ```sh block must be marked; a ```text block right after a run block must be its output.
 */
export type DoctestStep =
  | { kind: 'run'; line: number; commands: DocCommand[]; exit: number }
  | { kind: 'skip'; line: number; commands: DocCommand[]; reason: string }
  | { kind: 'output'; line: number; expected: string }
  | { kind: 'files'; line: number; paths: string[] };

export interface DocCommand {
  /** README line of the command. */
  line: number;
  /** As shown, without its `# comment`. */
  text: string;
  argv: string[];
}

const MARKER = /^<!--\s*doctest:\s*(.*?)\s*-->$/;
const FENCE = /^```(\S*)\s*$/;

/** The doctest steps of a Markdown document, in document order; throws on a malformed one. */
export function parseDoctest(markdown: string): DoctestStep[] {
  const lines = markdown.split('\n');
  const steps: DoctestStep[] = [];
  let pending: { text: string; line: number } | undefined;
  let lastBlockEnd = -1;
  let lastBlockWasRun = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    const marker = MARKER.exec(text);
    if (marker) {
      if (pending) fail(pending.line, 'a doctest marker is not followed by a fenced block');
      const body = marker[1];
      if (body.startsWith('files ')) {
        const paths = body.slice('files '.length).split(/\s+/).filter(Boolean);
        steps.push({ kind: 'files', line: i + 1, paths });
      } else pending = { text: body, line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text !== '' && pending) fail(pending.line, 'a doctest marker is not followed by a fenced block');
      continue;
    }
    const lang = fence[1];
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    if (end === lines.length) fail(i + 1, 'unclosed fenced block');
    const body = lines.slice(start, end);
    const onlyBlankSinceLastBlock = lines
      .slice(lastBlockEnd + 1, pending ? pending.line - 1 : i)
      .every((l) => l.trim() === '');
    const marked = pending;
    pending = undefined;
    let isRun = false;
    if (lang === 'sh') {
      if (!marked)
        fail(i + 1, 'a ```sh block needs <!-- doctest: run --> or <!-- doctest: skip: REASON --> before it');
      const commands = parseCommands(body, start + 1);
      const run = /^run(?:,\s*exit\s+(\d+))?$/.exec(marked.text);
      const skip = /^skip:\s*(\S.*)$/.exec(marked.text);
      if (run) {
        if (commands.length === 0) fail(i + 1, 'a run block without commands');
        steps.push({ kind: 'run', line: i + 1, commands, exit: Number(run[1] ?? 0) });
        isRun = true;
      } else if (skip) steps.push({ kind: 'skip', line: i + 1, commands, reason: skip[1] });
      else fail(marked.line, `unknown marker for a sh block: ${marked.text}`);
    } else if (marked) {
      if (marked.text !== 'output' || lang !== 'text')
        fail(marked.line, `only a \`\`\`text block can be marked, as output (got ${lang}: ${marked.text})`);
      if (!lastBlockWasRun || !onlyBlankSinceLastBlock)
        fail(marked.line, 'an output block must come right after the run block whose output it is');
      steps.push({ kind: 'output', line: i + 1, expected: body.join('\n') });
    } else if (lang === 'text' && lastBlockWasRun && onlyBlankSinceLastBlock) {
      fail(i + 1, 'a ```text block right after a run block must be marked <!-- doctest: output -->');
    }
    lastBlockEnd = end;
    lastBlockWasRun = isRun;
    i = end;
  }
  if (pending) fail(pending.line, 'a doctest marker is not followed by a fenced block');
  return steps;
}

function fail(line: number, message: string): never {
  throw new Error(`README line ${line}: ${message}`);
}

/** One command a line; `# ...` comments (whole-line or trailing) are not part of it. */
function parseCommands(body: readonly string[], firstLine: number): DocCommand[] {
  const commands: DocCommand[] = [];
  body.forEach((raw, index) => {
    const text = raw.replace(/(^|\s)#.*$/, '').trim();
    if (text === '') return;
    if (/["'`$\\|;&<>()*?]/.test(text))
      throw new Error(
        `README line ${firstLine + index}: quoting and shell syntax are not supported: ${text}`,
      );
    commands.push({ line: firstLine + index, text, argv: text.split(/\s+/) });
  });
  return commands;
}

/** Every `npx shakedown ...` command in inline code spans of the prose (not in fenced blocks). */
export function inlineShakedownCommands(markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, index) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) return;
    for (const match of line.matchAll(/`(npx shakedown [^`]+)`/g))
      commands.push({ line: index + 1, text: match[1], argv: match[1].split(/\s+/) });
  });
  return commands;
}

/**
 * What varies between machines and runs, made equal on both sides: the wall-clock duration
 * and the rate of the last line, and the worker count (one per core). Everything else is
 * compared exactly.
 */
export function normalizeOutput(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\bin \d+ ms \(\d+ actions\/s\)/g, 'in <ms> ms (<n> actions/s)')
        .replace(/ on \d+ workers?\b/g, '')
        .trimEnd(),
    )
    .join('\n')
    .replace(/\n+$/, '');
}

/** Log records (pino's JSON lines on stderr when it is not a terminal) are not shown in docs. */
export function withoutLogRecords(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\{"level":\d+,"time":\d+/.test(line))
    .join('\n');
}

/**
 * Whether `actual` matches `expected`, line by line after normalizing both: a line that is
 * only `...` (or `…`) stands for any number of lines, including none; a line ending in `...`
 * stands for any line that starts with what comes before it. Returns null on a match, else
 * the expected line (0-based) where the best attempt stopped.
 */
export function matchOutput(expected: string, actual: string): number | null {
  const want = normalizeOutput(expected).split('\n');
  const got = normalizeOutput(actual).split('\n');
  const isGap = (line: string) => line.trim() === '...' || line.trim() === '…';
  const lineMatches = (pattern: string, line: string) => {
    const prefix = /^(.*\S)\s?(?:\.\.\.|…)$/.exec(pattern);
    return pattern === line || (prefix !== null && line.startsWith(prefix[1]));
  };
  const failed = new Set<string>();
  let furthest = 0;
  const match = (i: number, j: number): boolean => {
    furthest = Math.max(furthest, i);
    if (i === want.length) return j === got.length;
    const key = `${i},${j}`;
    if (failed.has(key)) return false;
    const ok = isGap(want[i])
      ? match(i + 1, j) || (j < got.length && match(i, j + 1))
      : j < got.length && lineMatches(want[i], got[j]) && match(i + 1, j + 1);
    if (!ok) failed.add(key);
    return ok;
  };
  return match(0, 0) ? null : Math.min(furthest, want.length - 1);
}

export interface CommandResult {
  status: number | null;
  /** stdout and stderr in the order they were written, as a terminal shows them. */
  output: string;
}

/**
 * Runs a README command the way a user does from the project: `npx shakedown` is the package's
 * bin (bin/shakedown.js), run with `cwd`. stdout and stderr share one file, so their lines keep
 * their order. The environment is the suite's minus what would change the output (CI, colour,
 * the campaign variables); campaigns run on one thread, as everywhere in the suite.
 */
export function runDocCommand(command: DocCommand, cwd: string, timeoutMs: number): CommandResult {
  const [npx, tool, ...args] = command.argv;
  if (npx !== 'npx' || tool !== 'shakedown')
    throw new Error(`README line ${command.line}: only npx shakedown commands run here: ${command.text}`);
  const env: NodeJS.ProcessEnv = { ...process.env, SHAKEDOWN_WORKERS: '1' };
  for (const name of [
    'CI',
    'NO_COLOR',
    'FORCE_COLOR',
    'SHAKEDOWN_RUNS',
    'SHAKEDOWN_TIME_BUDGET',
    'SHAKEDOWN_SHARD',
  ])
    delete env[name];
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-doctest-output-'));
  const file = join(dir, 'output');
  const fd = openSync(file, 'w');
  try {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', fd, fd],
      timeout: timeoutMs,
    });
    return { status: result.status, output: withoutLogRecords(readFileSync(file, 'utf8')) };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The long options a command uses (`--shuffle=all` is `--shuffle`). */
export function flagsOf(command: DocCommand): string[] {
  return command.argv.filter((a) => /^--[a-z]/.test(a)).map((a) => a.replace(/=.*$/, ''));
}
