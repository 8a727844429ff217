import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The working tree as it was when the benchmark started: every file git would see (tracked and
 * untracked, ignored ones left out), read once. Mutants never touch the tree itself, where others
 * may be editing: each job gets a copy of this snapshot (a Sandbox), and a mutant is written into
 * that copy only, then the original put back.
 */
export interface TreeSnapshot {
  root: string;
  files: ReadonlyMap<string, Buffer>;
  /** HEAD when the snapshot was taken. */
  commit: string;
  /** `git status --short` of the engine's directory: the uncommitted edits the snapshot holds. */
  engineStatus: string[];
  /** sha1 over the engine's files as snapshotted: two results with the same hash judged the same engine. */
  engineHash: string;
}

const ENGINE_DIR = 'src/exchange/engine/';

export function snapshotTree(root: string): TreeSnapshot {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const files = new Map<string, Buffer>();
  for (const path of git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0')) {
    if (path === '') continue;
    try {
      if (statSync(join(root, path)).isFile()) files.set(path, readFileSync(join(root, path)));
    } catch {
      // Tracked but deleted in the working tree: not part of the tree as it is.
    }
  }
  const hash = createHash('sha1');
  for (const [path, content] of [...files]
    .filter(([p]) => p.startsWith(ENGINE_DIR))
    .sort(([a], [b]) => (a < b ? -1 : 1)))
    hash.update(path).update('\0').update(content).update('\0');
  return {
    root,
    files,
    commit: git('rev-parse', 'HEAD').trim(),
    engineStatus: git('status', '--short', '--', ENGINE_DIR)
      .split('\n')
      .filter((l) => l !== ''),
    engineHash: hash.digest('hex').slice(0, 12),
  };
}

/** The engine's TypeScript sources in the snapshot, by path: what Stryker mutates. */
export function engineSources(snapshot: TreeSnapshot): Map<string, string> {
  return new Map(
    [...snapshot.files]
      .filter(([path]) => path.startsWith(ENGINE_DIR) && path.endsWith('.ts'))
      .map(([path, content]) => [path, content.toString('utf8')]),
  );
}

/** One copy of the snapshot, where one mutant at a time is written. */
export class Sandbox {
  private constructor(
    readonly dir: string,
    private readonly snapshot: TreeSnapshot,
  ) {}

  /**
   * Writes the snapshot to `dir`. node_modules is a directory of links to the tree's packages,
   * so the copy runs the same dependencies while Vite's cache (node_modules/.vite) stays its own.
   */
  static create(snapshot: TreeSnapshot, dir: string): Sandbox {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of snapshot.files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const modules = join(snapshot.root, 'node_modules');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    for (const entry of readdirSync(modules)) {
      if (entry === '.vite' || entry === '.cache' || entry === '.vitest') continue;
      symlinkSync(join(modules, entry), join(dir, 'node_modules', entry));
    }
    return new Sandbox(dir, snapshot);
  }

  /** Replaces one file of the copy (a mutated engine file). */
  write(path: string, content: string): void {
    writeFileSync(join(this.dir, path), content);
  }

  /** Puts the snapshot's version of the file back. */
  restore(path: string): void {
    const original = this.snapshot.files.get(path);
    if (original === undefined) throw new Error(`${path} is not in the snapshot`);
    writeFileSync(join(this.dir, path), original);
  }

  /** A fresh scratch directory inside the copy (the suites' --out, summaries, reports). */
  scratch(): string {
    const dir = join(this.dir, '.mutation-scratch');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
