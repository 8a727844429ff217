import { describe, expect, it } from 'vitest';
import {
  flagsOf,
  inlineShakedownCommands,
  matchOutput,
  normalizeOutput,
  parseDoctest,
  withoutLogRecords,
} from '../support/markdown-doctest.ts';

const md = (...lines: string[]) => lines.join('\n');

describe('parseDoctest: the markers of a README', () => {
  it('reads run, exit, output, skip and files markers in document order', () => {
    const steps = parseDoctest(
      md(
        '# Title',
        '<!-- doctest: run, exit 1 -->',
        '```sh',
        'npx shakedown run --seed 1   # a comment',
        '# a whole-line comment',
        'npx shakedown replay replays/a.json --shuffle=all',
        '```',
        '',
        '<!-- doctest: output -->',
        '```text',
        'line one',
        '...',
        '```',
        '<!-- doctest: files report/index.md junit.xml -->',
        '<!-- doctest: skip: serves until Ctrl-C -->',
        '```sh',
        'npx shakedown serve --port 0',
        '```',
        '```text',
        '> not output: prose came first',
        '```',
      ),
    );
    expect(steps.map((s) => s.kind)).toEqual(['run', 'output', 'files', 'skip']);
    const [run, output, files, skip] = steps;
    expect(run).toMatchObject({ kind: 'run', exit: 1, line: 3 });
    if (run.kind !== 'run') throw new Error('not a run');
    expect(run.commands.map((c) => [c.line, c.text])).toEqual([
      [4, 'npx shakedown run --seed 1'],
      [6, 'npx shakedown replay replays/a.json --shuffle=all'],
    ]);
    expect(flagsOf(run.commands[1])).toEqual(['--shuffle']);
    expect(output).toMatchObject({ kind: 'output', expected: 'line one\n...' });
    expect(files).toMatchObject({ paths: ['report/index.md', 'junit.xml'] });
    expect(skip).toMatchObject({ kind: 'skip', reason: 'serves until Ctrl-C' });
  });

  it('rejects an unmarked sh block, naming its line', () => {
    expect(() => parseDoctest(md('text', '```sh', 'npm ci', '```'))).toThrow(/line 2: a ```sh block needs/);
  });

  it('rejects unmarked output right after a run block, and output after anything else', () => {
    const run = ['<!-- doctest: run -->', '```sh', 'npx shakedown list', '```', ''];
    expect(() => parseDoctest(md(...run, '```text', 'x', '```'))).toThrow(/must be marked/);
    expect(() =>
      parseDoctest(md(...run, 'prose between', '<!-- doctest: output -->', '```text', '```')),
    ).toThrow(/right after the run block/);
  });

  it('rejects a skip without a reason, an unknown marker, a dangling one and shell syntax', () => {
    expect(() => parseDoctest(md('<!-- doctest: skip -->', '```sh', 'npm ci', '```'))).toThrow(
      /unknown marker/,
    );
    expect(() => parseDoctest(md('<!-- doctest: run -->', 'prose', '```sh', '```'))).toThrow(
      /not followed by a fenced block/,
    );
    expect(() =>
      parseDoctest(md('<!-- doctest: run -->', '```sh', 'npx shakedown run | tee x', '```')),
    ).toThrow(/shell syntax/);
  });

  it('finds the shakedown commands in the prose, not in fenced blocks', () => {
    const commands = inlineShakedownCommands(
      md('Run `npx shakedown list --bugs` or `npm test`.', '```sh', '`npx shakedown serve`', '```'),
    );
    expect(commands.map((c) => [c.line, c.text])).toEqual([[1, 'npx shakedown list --bugs']]);
  });
});

describe('matchOutput: what a README shows against what a command printed', () => {
  const printed = md(
    'shakedown run: seed 1 (rerun with --seed 1)',
    '{"level":30,"time":1,"msg":"campaign starts"}',
    '  FAIL  trading-venue: 1 runs, 52 actions',
    '',
    'faults fired:',
    '  clock.jump                 2',
    '',
    'failed: 4 new failures; 212 runs, 5788 actions in 9226 ms (627 actions/s) on 2 workers',
    '',
  );
  const actual = withoutLogRecords(printed);

  it('drops log records and normalizes duration, rate and worker count only', () => {
    expect(actual).not.toContain('campaign starts');
    expect(normalizeOutput(actual).split('\n').at(-1)).toBe(
      'failed: 4 new failures; 212 runs, 5788 actions in <ms> ms (<n> actions/s)',
    );
  });

  it('matches exactly, with ... for omitted lines and a trailing ... for the rest of a line', () => {
    expect(matchOutput(actual.replace('9226 ms (627', '1 ms (99999'), actual)).toBeNull();
    expect(
      matchOutput(
        md(
          'shakedown run: seed 1 (rerun with --seed 1)',
          '...',
          '',
          'failed: 4 new failures; 212 runs, 5788 actions in 1 ms (1 actions/s)',
        ),
        actual,
      ),
    ).toBeNull();
    expect(matchOutput(md('...', '  clock.jump ...', '...'), actual)).toBeNull();
    expect(matchOutput('...', actual)).toBeNull();
  });

  it('reports the first line that does not match: a count, a missing line, an extra line', () => {
    expect(matchOutput(actual.replace('52 actions', '53 actions'), actual)).toBe(1);
    expect(
      matchOutput(md('shakedown run: seed 1 (rerun with --seed 1)', '  clock.jump ...', '...'), actual),
    ).toBe(1);
    expect(matchOutput(md('shakedown run: seed 1 (rerun with --seed 1)'), actual)).toBe(0);
    expect(matchOutput(md('...', 'failed: 4 new failures; 212 runs, 5788 actions'), actual)).toBe(1);
  });
});
