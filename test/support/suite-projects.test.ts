import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.ts';
import {
  ISOLATED_EXCEPTIONS,
  SHARED_FILES,
  SHARED_FOLDERS,
  sharesProcess,
  suiteProjects,
  testFiles,
} from './suite-projects.ts';

/**
 * The split of the suite into the shared project (one worker process runs file after file) and
 * the isolated one (a fresh process per file): every file in exactly one, the lists naming files
 * that exist, and no shared file doing in its own text what a shared process cannot afford.
 */
const ROOT = join(import.meta.dirname, '../..');
const files = testFiles(ROOT);
const { shared, isolated } = suiteProjects(ROOT);

interface Project {
  test: { name: string; include: string[]; exclude?: string[]; isolate?: boolean };
}
const projects = (config.test?.projects ?? []) as Project[];
const project = (name: string): Project['test'] => {
  const found = projects.find((p) => p.test.name === name);
  if (!found) throw new Error(`no project ${name} in vitest.config.ts`);
  return found.test;
};

/** What a file sharing a process must not do (in its own text; the code it calls is audited). */
const FORBIDDEN: readonly (readonly [RegExp, string])[] = [
  [/process\.env(\.\w+|\[[^\]]+\])?\s*=[^=]|delete process\.env/, 'writes process.env'],
  [/process\.chdir\(/, 'changes the working directory'],
  [/\bvi\.(mock|doMock|spyOn|stubGlobal|stubEnv|useFakeTimers)\(/, 'mocks, spies or fakes timers'],
  [/globalThis/, 'touches globalThis'],
  [/node:(child_process|worker_threads|cluster)|\bWorkerPool\b/, 'starts processes or threads'],
  [/createServer\(|start\w*Server\(|WebSocketServer|\bstartProxy\(|serve\w*Process\(/, 'starts a server'],
];

describe('the suite projects', () => {
  it('puts every test file in exactly one project', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(shared.length).toBeGreaterThan(100);
    expect([...shared, ...isolated].sort()).toEqual(files);
    expect(shared.filter((f) => isolated.includes(f))).toEqual([]);
  });

  it('wires the lists into vitest.config.ts: the shared files out of the isolated project', () => {
    const sharedProject = project('shared');
    const isolatedProject = project('isolated');
    expect(sharedProject.isolate).toBe(false);
    expect(isolatedProject.isolate).toBeUndefined();
    expect([...sharedProject.include].sort()).toEqual(shared);
    expect(isolatedProject.include).toEqual(['test/**/*.test.ts']);
    const excluded = new Set(isolatedProject.exclude);
    expect(shared.filter((f) => !excluded.has(f))).toEqual([]);
    expect(isolated.filter((f) => excluded.has(f))).toEqual([]);
  });

  it('names only files and folders that exist, and exceptions only inside the shared folders', () => {
    for (const file of [...SHARED_FILES, ...Object.keys(ISOLATED_EXCEPTIONS)])
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    for (const folder of SHARED_FOLDERS)
      expect(
        files.some((f) => f.startsWith(folder.replace(/\*+$/, ''))),
        folder,
      ).toBe(true);
    for (const file of Object.keys(ISOLATED_EXCEPTIONS)) {
      const inSharedFolder = SHARED_FOLDERS.some((folder) => file.startsWith(folder.replace(/\*+$/, '')));
      expect(inSharedFolder, `${file} is isolated anyway: drop it from ISOLATED_EXCEPTIONS`).toBe(true);
      expect(sharesProcess(file), file).toBe(false);
    }
  });

  it('flags what keeps some files isolated (so the scan below can fail)', () => {
    const flagged = (file: string): string[] => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
    };
    expect(flagged('test/core/replay/replay-adapter.test.ts')).toContain('changes the working directory');
    expect(flagged('test/domains/trading/transport/load-target-module.test.ts')).toContain(
      'touches globalThis',
    );
    expect(flagged('test/domains/trading/transport/ws-dialer.test.ts')).toContain('starts a server');
    expect(flagged('test/feeds-proxy/ws-server.test.ts')).toContain('starts a server');
    expect(flagged('test/campaign/generation-stop.test.ts')).toContain('starts processes or threads');
    expect(flagged('test/cli/interrupt.test.ts')).toContain('starts processes or threads');
  });

  it('shares no file that starts servers, processes or threads, or changes process-wide state', () => {
    const breaking: string[] = [];
    // This file names the patterns it looks for.
    for (const file of shared.filter((f) => f !== 'test/support/suite-projects.test.ts')) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [pattern, what] of FORBIDDEN)
        if (pattern.test(text)) breaking.push(`${file} ${what}: add it to ISOLATED_EXCEPTIONS`);
    }
    expect(breaking).toEqual([]);
  });
});
