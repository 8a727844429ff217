import type { StateCorruption } from '../bot-action.ts';
import { MemoryStateStore } from '../memory-state-store.ts';
import { DirectoryStateStore } from './directory-state-store.ts';

/**
 * Damages a process subject's state directory while it is down, exactly as the in-process
 * store is damaged (MemoryStateStore.corrupt, from the same seed): the files are read, damaged
 * in memory, and the changed ones written back. Whether anything changed. An I/O edge.
 */
export function corruptStateDir(dir: string, kind: StateCorruption, seed: number): boolean {
  const disk = new DirectoryStateStore(dir);
  const memory = new MemoryStateStore();
  const before = new Map<string, string>();
  for (const name of disk.list()) {
    const text = disk.read(name);
    if (text === undefined) continue;
    before.set(name, text);
    memory.write(name, text);
  }
  if (!memory.corrupt(kind, seed)) return false;
  for (const [name, text] of before) {
    const after = memory.read(name);
    if (after !== undefined && after !== text) disk.write(name, after);
  }
  return true;
}
