import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { firstValueFrom, type Observable, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { isShakedownError, type ShakedownError } from '../../../../src/core/shakedown-error.ts';
import {
  type LoadedTargetFactory,
  loadTargetModule,
} from '../../../../src/core/targets/load-target-module.ts';

const WAIT_MS = 10_000;
const first = <T>(source: Observable<T>): Promise<T> =>
  firstValueFrom(source.pipe(timeout({ first: WAIT_MS })));

/** The body of a minimal adapter: a factory whose targets answer nothing but their name. */
const FACTORY = `{
  name: 'tmp-venue',
  made: 0,
  async create() {
    this.made += 1;
    return { name: 'tmp-venue#' + this.made, virtual: false };
  },
}`;

describe('loadTargetModule', () => {
  const dirs: string[] = [];
  const disposables: LoadedTargetFactory[] = [];
  afterEach(async () => {
    for (const factory of disposables.splice(0)) await factory.dispose?.();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a module to a fresh temp dir and returns its absolute path. */
  const module = (source: string, name = 'my-target.ts'): string => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-adapter-'));
    dirs.push(dir);
    const path = join(dir, name);
    writeFileSync(path, source);
    return path;
  };
  const failure = async (path: string): Promise<ShakedownError> => {
    const error = await loadTargetModule(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isShakedownError(error)) throw new Error(`expected a ShakedownError, got ${String(error)}`);
    return error;
  };

  it('loads a TypeScript module whose default export is a factory object', async () => {
    const path = module(`const factory: { name: string } = ${FACTORY};\nexport default factory;\n`);
    const factory = await loadTargetModule(path);
    expect(factory.name).toBe('tmp-venue');
    // Methods still run on the user's object, so `this` works.
    expect(await factory.create()).toMatchObject({ name: 'tmp-venue#1' });
    expect(await factory.create()).toMatchObject({ name: 'tmp-venue#2' });
    expect(factory.dispose).toBeUndefined();
  });

  it('resolves a relative path against the working directory', async () => {
    const path = module(`export default ${FACTORY};\n`);
    const factory = await loadTargetModule(relative(process.cwd(), path));
    expect(factory.name).toBe('tmp-venue');
  });

  it('accepts a named `target` export, and sync or async functions returning a factory', async () => {
    const named = await loadTargetModule(module(`export const target = ${FACTORY};\n`));
    expect(named.name).toBe('tmp-venue');
    const sync = await loadTargetModule(module(`export default () => (${FACTORY});\n`));
    expect(sync.name).toBe('tmp-venue');
    const disposed: string[] = [];
    (globalThis as Record<string, unknown>).__shakedownDisposed = disposed;
    const async = await loadTargetModule(
      module(
        `export default async () => ({ ...${FACTORY}, async dispose() {
          (globalThis as unknown as { __shakedownDisposed: string[] }).__shakedownDisposed.push('done');
        } });\n`,
      ),
    );
    expect(await async.create()).toMatchObject({ name: 'tmp-venue#1' });
    await async.dispose?.();
    expect(disposed).toEqual(['done']);
    delete (globalThis as Record<string, unknown>).__shakedownDisposed;
  });

  it('names a factory without a name after its file', async () => {
    const path = module('export default { create: async () => ({}) };\n');
    expect((await loadTargetModule(path)).name).toBe(path);
  });

  it("gives the maker the module's options(), or the options recorded by an earlier run", async () => {
    const source = `export function options() { return { venue: 'from-options', at: new Date(0) }; }
export default (given: { venue: string }) => ({ name: given.venue, create: async () => ({}) });\n`;
    const path = module(source);
    const fresh = await loadTargetModule(path);
    expect(fresh.name).toBe('from-options');
    // Recorded as JSON: what a replay file can hold and give back.
    expect(fresh.adapterOptions).toEqual({ venue: 'from-options', at: '1970-01-01T00:00:00.000Z' });
    const replayed = await loadTargetModule(path, { options: { venue: 'recorded' } });
    expect(replayed.name).toBe('recorded');
    expect(replayed.adapterOptions).toEqual({ venue: 'recorded' });
    expect((await loadTargetModule(module(`export default ${FACTORY};\n`))).adapterOptions).toBeNull();
    const bad = await failure(
      module('export const options = () => 1n;\nexport default () => ({ create: async () => ({}) });\n'),
    );
    expect(bad.message).toMatch(/options\(\) must return JSON/);
  });

  it('keeps every member of the factory: faultKinds, capabilities and the rest', async () => {
    const factory = (await loadTargetModule(
      module(`export default { ...${FACTORY}, faultKinds: ['clock.jump'], capabilities: ['accounts'] };\n`),
    )) as LoadedTargetFactory & { capabilities?: string[] };
    expect(factory.faultKinds).toEqual(['clock.jump']);
    expect(factory.capabilities).toEqual(['accounts']);
  });

  it('loads TypeScript from a CommonJS folder, and .cts, compiled next to it and removed', async () => {
    const path = module(
      `import { helper } from './helper';\nexport default { name: helper, create: async () => ({}) };\n`,
    );
    const dir = join(path, '..');
    writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
    writeFileSync(join(dir, 'helper.ts'), "export const helper: string = 'bundled-' + typeof __dirname;\n");
    expect((await loadTargetModule(path)).name).toBe('bundled-string');
    writeFileSync(
      join(dir, 'adapter.cts'),
      `import { helper } from './helper';\nexport default { name: helper + '-cts', create: async () => ({}) };\n`,
    );
    expect((await loadTargetModule(join(dir, 'adapter.cts'))).name).toBe('bundled-string-cts');
    expect(readdirSync(dir).sort()).toEqual(['adapter.cts', 'helper.ts', 'my-target.ts', 'package.json']);
  });

  it('fails with SHK_ADAPTER_NOT_FOUND (exit 2) when the file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-adapter-'));
    dirs.push(dir);
    const error = await failure(join(dir, 'nope.ts'));
    expect(error.code).toBe('SHK_ADAPTER_NOT_FOUND');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/nope\.ts: no such file/);
    expect((await failure(dir)).code).toBe('SHK_ADAPTER_NOT_FOUND');
  });

  it('fails with SHK_ADAPTER_INVALID (exit 2) when the export is not a TargetFactory', async () => {
    for (const source of [
      'export default 42;\n',
      'export default { name: "x" };\n',
      'export default { name: "x", create: 1 };\n',
      'export default { create: async () => ({}), dispose: "no" };\n',
      'export const somethingElse = { create: async () => ({}) };\n',
      'export default () => 42;\n',
      'export default async () => null;\n',
    ]) {
      const path = module(source);
      const error = await failure(path);
      expect(error.code, source).toBe('SHK_ADAPTER_INVALID');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`${path}: default export must be a TargetFactory (an object with create())`);
    }
  });

  it('fails with SHK_ADAPTER_INVALID when the module or its maker throws', async () => {
    const broken = await failure(module('throw new Error("boom at import");\nexport default {};\n'));
    expect(broken.code).toBe('SHK_ADAPTER_INVALID');
    expect(broken.message).toMatch(/cannot load the module: boom at import/);
    const maker = await failure(module('export default () => { throw new Error("boom in maker"); };\n'));
    expect(maker.code).toBe('SHK_ADAPTER_INVALID');
    expect(maker.message).toMatch(/boom in maker/);
  });

  it('loads the worked example, which trades against its own venue and stops it', async () => {
    const factory = await loadTargetModule('examples/my-target.ts');
    disposables.push(factory);
    const target = await factory.create();
    expect(target.virtual).toBe(false);
    const admin = await first(target.open('admin'));
    const maker = await first(target.open('maker'));
    const reply = await first(
      maker.send(
        {
          kind: 'place',
          client: 'maker',
          gapMs: 0,
          symbol: 'SANDBOX.BTC-USD',
          side: 'sell',
          orderType: 'limit',
          price: 20000,
          qty: 0.01,
          clientOrderId: 'm-1',
        },
        1,
      ),
    );
    expect(reply).toMatchObject({ status: 'ok' });
    const snapshot = (await first(target.snapshot())) as { orders: { clientOrderId: string }[] };
    expect(snapshot.orders.map((o) => o.clientOrderId)).toEqual(['m-1']);
    admin.close();
    await first(target.stop());
  });
});
