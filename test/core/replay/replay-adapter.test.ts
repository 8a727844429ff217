import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetSpec } from '../../../src/core/model/domain-pack.ts';
import { placeReplayFile, serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import { replayTargetOf, withRecordedOptions } from '../../../src/core/replay/replay-target.ts';
import { parseReplayFile } from '../../../src/core/replay/validate-replay-file.ts';
import { readReplayFile, writeReplayFile } from '../../../src/core/replay/write-replay-file.ts';
import { tempDirs } from '../../support/cli.ts';
import { sampleReplay } from './replay-fixture.ts';

const tempDir = tempDirs('shakedown-replay-adapter-');

/** A version 2 file of a run against `<project>/adapter.ts`, in memory (absolute path). */
const adapterReplay = (project: string, options: unknown = { bug: 'overfill' }) =>
  sampleReplay((r) => {
    r.version = 2;
    r.target = './adapter.ts';
    r.adapter = { path: join(project, 'adapter.ts'), options };
  });

describe('replay files of an adapter module (version 2)', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it('write the module relative to the folder the file goes to, right after target', () => {
    const project = tempDir();
    const path = writeReplayFile(join(project, 'replays'), adapterReplay(project));
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(
      '  "target": "./adapter.ts",\n  "adapter": {\n    "path": "../adapter.ts",\n    "options": {\n      "bug": "overfill"\n    }\n  },\n  "seed"',
    );
    const read = readReplayFile(path);
    expect(read).toMatchObject({
      version: 2,
      adapter: { path: '../adapter.ts', options: { bug: 'overfill' } },
    });
    expect(serializeReplayFile(read)).toBe(text);
    // Placed again from where it was read, a relative path stays as it is.
    expect(placeReplayFile(read, '/elsewhere')).toBe(read);
  });

  it('keep writing a file without an adapter as version 1, with no adapter field', () => {
    const text = serializeReplayFile(sampleReplay());
    expect(JSON.parse(text)).not.toHaveProperty('adapter');
    expect(JSON.parse(text).version).toBe(1);
  });

  it('are refused when the adapter field does not fit the version', () => {
    const v1 = JSON.parse(serializeReplayFile(sampleReplay()));
    expect(() => parseReplayFile(JSON.stringify({ ...v1, adapter: null }), 'x.json')).toThrow(
      'x.json: adapter is not a field of version 1',
    );
    expect(() => parseReplayFile(JSON.stringify({ ...v1, version: 2 }), 'x.json')).toThrow(
      'x.json: adapter is missing (null when the target is not an adapter module)',
    );
    const v2 = { ...v1, version: 2, adapter: { path: '../a.ts', options: null } };
    expect(parseReplayFile(JSON.stringify(v2), 'x.json').adapter).toEqual({ path: '../a.ts', options: null });
    expect(() =>
      parseReplayFile(JSON.stringify({ ...v2, adapter: { path: '', options: null } }), 'x.json'),
    ).toThrow(/x\.json: adapter\.path /);
    expect(() =>
      parseReplayFile(JSON.stringify({ ...v2, adapter: { path: 'a.ts', options: 1, x: 1 } }), 'x.json'),
    ).toThrow('x.json: adapter.x is not a field of adapter');
    expect(() => parseReplayFile(JSON.stringify({ ...v2, adapter: { path: 'a.ts' } }), 'x.json')).toThrow(
      'x.json: adapter.options is missing',
    );
  });

  it('name the module as typed when it exists from here, else the one next to the file', () => {
    const project = tempDir();
    writeFileSync(join(project, 'adapter.ts'), 'export default {};\n');
    const file = writeReplayFile(join(project, 'replays'), adapterReplay(project));
    const replay = readReplayFile(file);
    process.chdir(project);
    expect(replayTargetOf(replay, relative(project, file))).toBe('./adapter.ts');
    const elsewhere = join(tempDir(), 'deeper');
    mkdirSync(elsewhere);
    process.chdir(elsewhere);
    expect(replayTargetOf(replay, file)).toBe(join(project, 'adapter.ts'));
    expect(replayTargetOf(replay, relative(elsewhere, file))).toBe(join(project, 'adapter.ts'));
    // A built-in target is what the file says.
    expect(replayTargetOf(sampleReplay(), file)).toBe(sampleReplay().target);
  });

  it('give the recorded options back to the module, and nothing to another target', () => {
    const replay = adapterReplay('/p');
    const module: TargetSpec = { kind: 'module', path: './adapter.ts' };
    expect(withRecordedOptions(module, replay)).toEqual({ ...module, options: { bug: 'overfill' } });
    expect(withRecordedOptions(module, adapterReplay('/p', null))).toEqual(module);
    expect(withRecordedOptions({ kind: 'inproc' }, replay)).toEqual({ kind: 'inproc' });
  });
});
