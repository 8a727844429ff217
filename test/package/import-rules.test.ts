import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const tempDir = tempDirs('shakedown-import-rules-');

/**
 * A small tree laid out like this repository (src/core, src/domains, src/exchange, src/cli,
 * invariants/, properties/), checked with the repository's own .dependency-cruiser.cjs, as
 * `npm run check` runs it. The real tree is never touched.
 */
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = tempDir();
  copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const roots = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
  const result = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, ...roots], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Layers that keep the rules: every import points inwards, type-only cycles only. */
const CLEAN: Record<string, string> = {
  'src/core/engine.ts': "import type { Pack } from './pack.ts';\nexport const engine = (p: Pack) => p;\n",
  'src/core/pack.ts':
    "import type { engine } from './engine.ts';\nexport type Pack = { run: typeof engine };\n",
  'src/exchange/index.ts': "import { engine } from '../core/engine.ts';\nexport const venue = engine;\n",
  'src/domains/trading.ts': "import { venue } from '../exchange/index.ts';\nexport const trading = venue;\n",
  'src/domains/registry.ts': "export const load = async () => (await import('./trading.ts')).trading;\n",
  'src/cli/main.ts': "import { load } from '../domains/registry.ts';\nexport const main = load;\n",
  'invariants/balance.ts':
    "import { engine } from '../src/core/engine.ts';\nexport const balance = engine;\n",
  'properties/venue.ts':
    "import { balance } from '../invariants/balance.ts';\nexport const property = balance;\n",
};

describe('the import rules (.dependency-cruiser.cjs, run by npm run check)', () => {
  it('pass a tree whose imports point inwards, a cycle of type imports included', () => {
    const clean = cruise(CLEAN);
    expect(clean.status, clean.output).toBe(0);
    expect(clean.output).toContain('no dependency violations found');
  });

  it('fail on a checker importing the venue, core importing outwards, a domain importing the CLI, the CLI naming a domain, and a cycle', () => {
    const planted = cruise({
      ...CLEAN,
      // A checker judging the venue with the venue's own code, even as a type.
      'invariants/planted.ts':
        "import type { venue } from '../src/exchange/index.ts';\nexport type Planted = typeof venue;\n",
      'properties/planted.ts': "import { venue } from '../src/exchange/index.ts';\nexport const p = venue;\n",
      'src/core/planted.ts': "import { main } from '../cli/main.ts';\nexport const c = main;\n",
      'src/domains/planted.ts': "import { main } from '../cli/main.ts';\nexport const d = main;\n",
      // The CLI and the Vitest entry reach a domain only through the registry, even for a type.
      'src/cli/planted.ts':
        "import type { trading } from '../domains/trading.ts';\nexport type T = typeof trading;\n",
      'src/vitest/planted.ts': "import { venue } from '../exchange/index.ts';\nexport const v = venue;\n",
      'src/core/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = () => b;\n",
      'src/core/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = () => a;\n",
    });
    expect(planted.status, planted.output).not.toBe(0);
    const lines = planted.output.split('\n');
    const flagged = (rule: string, from: string) =>
      lines.some((line) => line.includes(rule) && line.includes(from));
    expect(flagged('checkers-judge-from-outside', 'invariants/planted.ts'), planted.output).toBe(true);
    expect(flagged('checkers-judge-from-outside', 'properties/planted.ts'), planted.output).toBe(true);
    expect(flagged('core-is-inner', 'src/core/planted.ts'), planted.output).toBe(true);
    expect(flagged('domains-below-cli', 'src/domains/planted.ts'), planted.output).toBe(true);
    expect(flagged('cli-reaches-domains-through-the-registry', 'src/cli/planted.ts'), planted.output).toBe(
      true,
    );
    expect(flagged('cli-reaches-domains-through-the-registry', 'src/vitest/planted.ts'), planted.output).toBe(
      true,
    );
    expect(flagged('no-cycles', 'src/core/cycle-a.ts'), planted.output).toBe(true);
    // Nothing of the clean part is flagged: only the planted files and the cycle.
    const violations = lines.filter((line) => /^\s*error /.test(line));
    expect(
      violations.every((line) => /planted|cycle-/.test(line)),
      planted.output,
    ).toBe(true);
  });
});
