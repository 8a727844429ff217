import seedrandom from 'seedrandom';
import type { StateCorruption } from './bot-action.ts';
import type { StateStore } from './subject.ts';

/**
 * A subject's state directory in memory: what survives its kills within one in-process run.
 * The harness can damage its files while the subject is down (`corrupt`), as a torn write or a
 * bad disk would, deterministically from a seed.
 */
export class MemoryStateStore implements StateStore {
  private readonly files = new Map<string, string>();
  /** Each file as the subject last wrote it: what `damaged` compares against. */
  private readonly written = new Map<string, string>();
  /** Writes since the store was made, for the timeline. */
  writes = 0;
  /** The kind of the last damage done; it counts while some file differs from what the subject wrote. */
  private lastDamage: StateCorruption | null = null;

  read(name: string): string | undefined {
    return this.files.get(name);
  }

  write(name: string, text: string): void {
    this.writes++;
    this.files.set(name, text);
    this.written.set(name, text);
  }

  remove(name: string): void {
    this.files.delete(name);
    this.written.delete(name);
  }

  list(): string[] {
    return [...this.files.keys()].sort();
  }

  /**
   * Damages every file: `truncate` cuts it short, `flip_digit` changes one digit (the file
   * still parses, it just says something else), `garbage` replaces it with bytes that are not
   * JSON. Whether anything changed: an empty store, or a file with no digit to flip, stays as it is.
   */
  corrupt(kind: StateCorruption, seed: number): boolean {
    const random = seedrandom(String(seed));
    let changed = false;
    for (const name of this.list()) {
      const before = this.files.get(name) ?? '';
      const after = damage(before, kind, random);
      if (after !== before) {
        this.files.set(name, after);
        changed = true;
      }
    }
    if (changed) this.lastDamage = kind;
    return changed;
  }

  /**
   * The damage its files carry now: the last kind done, while some file differs from what the
   * subject last wrote (a second damage may undo the first; a write replaces it); else null.
   */
  get damaged(): StateCorruption | null {
    for (const [name, text] of this.files) if (this.written.get(name) !== text) return this.lastDamage;
    return null;
  }
}

function damage(text: string, kind: StateCorruption, random: () => number): string {
  switch (kind) {
    case 'truncate':
      return text.length < 2 ? '' : text.slice(0, Math.floor(text.length * (0.2 + 0.6 * random())));
    case 'garbage':
      return `\u0000\u00ff${text.slice(0, 8)}#corrupt#`;
    case 'flip_digit': {
      const digits: number[] = [];
      for (let i = 0; i < text.length; i++) if (text[i] >= '0' && text[i] <= '9') digits.push(i);
      if (digits.length === 0) return text;
      const at = digits[Math.floor(random() * digits.length)];
      const next = String((Number(text[at]) + 1 + Math.floor(random() * 8)) % 10);
      return text.slice(0, at) + next + text.slice(at + 1);
    }
  }
}
